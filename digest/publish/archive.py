"""The one writer of the archive folder: dated edition files, the index, the feed and the search
page, all written atomically."""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import string
from collections.abc import Container, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from digest.errors import ArchiveError, ArchiveLocked
from digest.store.files import open_private

DATABASE_NAME = "digest.sqlite3"


def edition_paths(
    root: Path, date: datetime, slug: str, taken: Container[str] = ()
) -> tuple[Path, Path]:
    """Unused (html, text) paths for an edition: YYYY/YYYY-MM-DD-slug, then -2, -3, ... .

    A second edition on the same day gets the next number rather than replacing the first.
    `taken` holds archive-relative paths already recorded (whose files may be missing).
    """
    folder_name, stem = edition_prefix(date, slug).split("/")
    folder = root / folder_name
    for number in range(1, 1000):
        name = stem if number == 1 else f"{stem}-{number}"
        html, text = folder / f"{name}.html", folder / f"{name}.txt"
        recorded = relative(root, html) in taken or relative(root, text) in taken
        if not html.exists() and not text.exists() and not recorded:
            return html, text
    raise ArchiveError(f"{folder}: too many editions named {stem} on one day")


def edition_prefix(date: datetime, slug: str) -> str:
    """What every name `edition_paths` can give an edition starts with: "2026/2026-11-23-slug"."""
    return f"{date:%Y}/{date:%Y-%m-%d}-{slug}"


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write through a temporary file in the same folder, fsync, then rename over `path`.

    Readers see the old file or the new one, never half of one; a crash leaves no partial file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = _create_temporary(path)
        try:
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _fsync_folder(path.parent)
    except OSError as exc:
        raise ArchiveError(f"cannot write {path}: {exc.strerror or exc}") from None


# What `write_atomic` names its temporary files: ".NAME.XXXXXXXX.tmp".
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
_NAME_CHARS = string.ascii_letters + string.digits + "_"


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new, unique temporary file beside `path`, created 0666 less the umask (as any
    static-site generator's pages are, so a web server running as another user can read them;
    mkstemp would make them 0600)."""
    for _ in range(100):
        name = "".join(secrets.choice(_NAME_CHARS) for _ in range(8))
        temporary = str(path.parent / f".{path.name}.{name}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def remove_temporary(root: Path, *, years: bool = True) -> tuple[Path, ...]:
    """Delete temporary files a killed writer left in the archive: its top folder and, with
    `years`, its year folders (thousands of pages in a long archive: only a writer killed after
    its journal was written, see `write_site`, can have left one there).

    Call only while holding the archive's lock: then no other writer's file can be in flight.
    """
    removed = []
    folders = [root, *(p for p in root.iterdir() if years and p.is_dir() and p.name.isdigit())]
    for folder in folders:
        with os.scandir(folder) as entries:  # a year holds hundreds of pages: no Path for each
            for entry in entries:
                if _TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink(missing_ok=True)
                    removed.append(Path(entry.path))
    return tuple(removed)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_site(
    root: Path, files: Mapping[str, str], *, journal: Path | None = None
) -> tuple[Path, ...]:
    """Write each archive-relative path whose content differs from what is on disk.

    Unchanged files are left alone (same bytes, same time), so a rebuild that changes nothing
    writes nothing. Returns the paths written. Paths must stay inside the archive. With
    `journal`, that file exists from before the first write until after the last: a writer
    stopped between them leaves it, so the next one knows pages may be stale and temporary
    files may be anywhere.
    """
    written: list[Path] = []
    base = root.resolve()
    for name, content in sorted(files.items()):
        path = root / name
        if base not in (root / name).resolve().parents:
            raise ArchiveError(f"refusing to write {name}: outside the archive {root}")
        try:
            if path.read_bytes() == content.encode("utf-8"):
                continue
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from None
        if journal is not None and not written:
            write_atomic(journal, "")
        write_atomic(path, content)
        written.append(path)
    if journal is not None and written:
        journal.unlink(missing_ok=True)
    return tuple(written)


def copy_saved(root: Path, copies: Mapping[str, Path], max_bytes: int) -> tuple[Path, ...]:
    """Copy each saved article into the archive (archive-relative path -> original) when the
    copy is missing or differs. An original that is gone, unreadable or over `max_bytes` is
    left out (its last copy, if any, stays), never an error: a run does not stop for it."""
    written = []
    base = root.resolve()
    for name, original in sorted(copies.items()):
        path = root / name
        if base not in path.resolve().parents:
            raise ArchiveError(f"refusing to write {name}: outside the archive {root}")
        try:
            if not original.is_file() or original.stat().st_size > max_bytes:
                continue
            data = original.read_bytes()
        except OSError:
            continue
        try:
            if path.read_bytes() == data:
                continue
        except OSError:
            pass
        write_atomic(path, data)
        written.append(path)
    return tuple(written)


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


@contextmanager
def locked(root: Path, *, name: str = ".lock", holder: str = "digest") -> Iterator[None]:
    """Hold the archive's lock: one run or serve at a time may change the archive.

    `name` picks the lock file (serve also holds `.serve.lock` for its lifetime); `holder` is
    what a refused process is told is using the archive.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = os.fdopen(open_private(root / name), "a+", encoding="utf-8")
    except OSError as exc:
        raise ArchiveError(f"cannot use the archive {root}: {exc.strerror or exc}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip() or "another process"
            raise ArchiveLocked(
                f"the archive {root} is in use by {other}; try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{holder} (pid {os.getpid()})")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
