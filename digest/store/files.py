"""The archive's private files: the database (and its WAL) and the lock files.

Pages follow the umask, as any static site's do; these hold every item ever read and who is
using the archive, so only digest's own user may read them.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600  # the database and lock files: only digest's own user reads them


def open_private(path: Path) -> int:
    """Open (creating) `path` read-write as a private file, tightening one left more open."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, PRIVATE)
    make_private(fd)
    return fd


def make_private(target: int | Path) -> None:
    """chmod 0600 a file (by descriptor or path) readable by others; one digest does not own is
    left as it is (its owner chose)."""
    try:
        mode = os.fstat(target).st_mode if isinstance(target, int) else target.stat().st_mode
        if mode & 0o077:
            if isinstance(target, int):
                os.fchmod(target, PRIVATE)
            else:
                target.chmod(PRIVATE)
    except (FileNotFoundError, PermissionError):
        pass
