"""A folder of saved articles: each .txt, .md, .html or .htm file gives one or more items."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from stat import S_ISREG

import httpx

from digest.errors import SourceError
from digest.models import Batch, Item, Origin
from digest.sources.settings import FetchSettings
from digest.sources.text import decode_bytes, html_page_to_text, saved_text_articles

SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})


class FolderSource:
    remote = False

    def __init__(
        self,
        name: str,
        folder: Path,
        fetch: FetchSettings,
        *,
        follow_symlinks: bool = False,
        lang: str | None = None,
    ) -> None:
        self.name = name
        self.lang = lang
        self.folder = folder
        self.fetch = fetch
        self.follow_symlinks = follow_symlinks  # read links to files outside the folder

    def read(self, *, client: httpx.Client, now: datetime) -> Batch:
        if not self.folder.is_dir():
            raise SourceError(f"folder {self.folder} does not exist")
        items: list[Item] = []
        skipped: list[str] = []
        for path in sorted(self.folder.rglob("*")):
            if (
                path.suffix.lower() in SUFFIXES
                and path.is_file()
                and not _hidden(path, self.folder)
            ):
                try:
                    items.extend(self.read_file(path))
                except SourceError as exc:
                    skipped.append(f"{path.name} ({exc})")
        warning = f"skipped {len(skipped)} file(s): {'; '.join(skipped)}" if skipped else ""
        return Batch(tuple(items), warning)

    def read_file(self, path: Path) -> list[Item]:
        """Items of one saved file; SourceError when it is too large, unreadable, not a
        regular file, or (unless `follow_symlinks`) a link out of the folder."""
        data, stat, real = self._read_bytes(path)
        if _binary(data):
            raise SourceError("a binary file, not text")
        saved = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
        text = decode_bytes(data)
        if path.suffix.lower() in (".html", ".htm"):
            title, body, date = html_page_to_text(text)
            parsed = _parse_iso_date(date)
            articles = [(title or path.stem, "", body, parsed)] if body else []
        else:
            articles = [
                (a.title, a.author, a.text, _date(a.date))
                for a in saved_text_articles(text, markdown=path.suffix.lower() == ".md")
            ]
        items = []
        for index, (title, author, body, published) in enumerate(articles):
            digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:32]
            link = real.as_uri() + (f"#article-{index + 1}" if len(articles) > 1 else "")
            items.append(
                Item(
                    id=f"saved:{digest}",
                    source=self.name,
                    origin=Origin.SAVED,
                    title=title,
                    link=link,
                    text=body,
                    seen_at=saved,
                    published=published,
                    author=author,
                )
            )
        return items

    def _read_bytes(self, path: Path) -> tuple[bytes, os.stat_result, Path]:
        """The file's bytes (up to the cap), its status and the real path of what was opened.

        The checks are on what was opened, not on the name looked at before: a file swapped
        for a FIFO, a device or a link to /etc/passwd between the folder's listing and the read
        is refused. Opening never blocks (a FIFO with no writer would wait for good)."""
        cap = self.fetch.max_file_bytes
        try:
            handle = os.open(path, _OPEN_FLAGS)
        except OSError as exc:
            raise SourceError(exc.strerror or str(exc)) from None
        try:
            stat = os.fstat(handle)
            if not S_ISREG(stat.st_mode):
                raise SourceError("not a regular file (a FIFO, device or socket)")
            real = _opened_path(handle, path, stat)
            root = self.folder.resolve()
            if not self.follow_symlinks and root != real and root not in real.parents:
                raise SourceError("a link out of the folder (set follow_symlinks: true to read it)")
            if stat.st_size > cap:
                raise SourceError(f"larger than {cap} bytes")
            chunks: list[bytes] = []
            size = 0
            while size <= cap:  # a file still growing is read up to the cap
                chunk = os.read(handle, min(1 << 20, cap + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        except OSError as exc:
            raise SourceError(exc.strerror or str(exc)) from None
        finally:
            os.close(handle)
        if size > cap:
            raise SourceError(f"larger than {cap} bytes")
        return b"".join(chunks), stat, real


_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def _opened_path(handle: int, path: Path, stat: os.stat_result) -> Path:
    """The real path of the open file `handle`: from /proc where there is one, else `path`
    resolved, if it is still the same file."""
    try:
        return Path(f"/proc/self/fd/{handle}").readlink()
    except OSError:
        pass
    real = path.resolve()
    now = real.stat()
    if (now.st_dev, now.st_ino) != (stat.st_dev, stat.st_ino):
        raise SourceError("changed while it was read")
    return real


_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")


def _binary(data: bytes) -> bool:
    """True for bytes that are no text in any encoding digest reads: control bytes make up
    more than 5% of the start (random or compressed data has about 9%), or NULs more than 1%
    (UTF-16 with a BOM excepted). A few stray NULs in a text file are only dropped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    head = data[:65536]
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > max(16, len(head) // 20) or head.count(0) > max(16, len(head) // 100)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _date(ymd: tuple[int, int, int] | None) -> datetime | None:
    if ymd is None:
        return None
    try:
        return datetime(*ymd, tzinfo=UTC)
    except ValueError:
        return None


def _parse_iso_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
