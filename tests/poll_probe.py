"""Poll one URL with the real poller in this process and print what happened as JSON, with the
process's peak RSS: `python tests/poll_probe.py URL MAX_BYTES TIMEOUT`. Run by the hostile-input
tests in a subprocess, so the memory figure is the poll's alone."""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import UTC, datetime

from digest.config import FetchSettings
from digest.edition import poll_sources
from digest.sources.feeds import FeedSource
from digest.sources.http import make_client
from digest.sources.limits import clip_item
from digest.store import Store


def main() -> None:
    url, max_bytes, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    fetch = FetchSettings(max_bytes=max_bytes, timeout=timeout, retries=0, max_pages=0)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    store = Store.memory()
    started = time.monotonic()
    with make_client(fetch) as client:
        poll = poll_sources(
            sources=[FeedSource("hostile", url, fetch, full_text=False)],
            store=store,
            client=client,
            now=datetime.now(UTC),
        )
    seconds = time.monotonic() - started
    [report] = poll.reports
    rows = store.db.execute("SELECT title, text, link FROM items").fetchall()
    print(
        json.dumps(
            {
                "ok": report.ok,
                "error": report.error,
                "items": len(rows),
                "longest_title": max((len(r[0]) for r in rows), default=0),
                "stored_text": "\n".join(f"{r[0]}\n{r[1]}\n{r[2]}" for r in rows)[:1_000_000],
                "seconds": round(seconds, 2),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                "imports_mb": before // 1024,
                "clip": clip_item.__name__,
            }
        )
    )


if __name__ == "__main__":
    main()
