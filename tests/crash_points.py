"""`digest` killed at a chosen point: `python tests/crash_points.py POINT ARGS...` runs the CLI
with ARGS and ends the process abruptly (os._exit, as SIGKILL would: no cleanup, no finally)
at POINT. The points are the moments a crash can hurt most:

- `temporary`: a page's temporary file written and synced, not yet renamed over the page;
- `site`: the second archive file written, the rest not;
- `recorded`: the edition recorded in the store (not committed), none of its files written;
- `written`: every file of the edition written, the record not yet committed;
- `committed`: the record committed, the journal of the edition's files not yet removed;
- `items`: the polled items stored, the feeds' states not;
- `states`: the feeds' states (validators, body hashes) stored.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from digest import store
from digest.publish import archive

KILLED = 137


def die(*_: Any) -> None:
    sys.stdout.flush()
    os._exit(KILLED)


def after(owner: Any, name: str, calls: int = 1) -> None:
    """Die right after the `calls`-th call of owner.name returns."""
    real = getattr(owner, name)
    count = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal count
        result = real(*args, **kwargs)
        count += 1
        if count >= calls:
            die()
        return result

    setattr(owner, name, wrapper)


def main() -> None:
    point, *args = sys.argv[1:]
    if point == "temporary":
        Path.replace = die  # type: ignore[assignment,method-assign]
    elif point == "site":
        after(archive, "write_atomic", calls=2)
    elif point == "recorded":
        after(store.Store, "begin_edition")
    elif point == "written":
        real_commit = store.Store.commit
        store.Store.commit = lambda self: die()  # type: ignore[method-assign]
        del real_commit
    elif point == "committed":
        after(store.Store, "commit")
    elif point == "items":
        after(store.Store, "add_items")
    elif point == "states":
        after(store.Store, "save_source_states")
    else:
        raise SystemExit(f"unknown crash point {point!r}")
    from digest.cli.app import main as digest_main

    sys.argv = ["digest", *args]
    digest_main()


if __name__ == "__main__":
    main()
