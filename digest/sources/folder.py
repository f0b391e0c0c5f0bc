"""A folder of saved articles: each .txt, .md, .html or .htm file gives one or more items."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import httpx

from digest.errors import SourceError
from digest.models import Batch, Item, Origin
from digest.sources.settings import FetchSettings
from digest.sources.text import decode_bytes, html_page_to_text, saved_text_articles

SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})


class FolderSource:
    remote = False

    def __init__(
        self, name: str, folder: Path, fetch: FetchSettings, *, lang: str | None = None
    ) -> None:
        self.name = name
        self.lang = lang
        self.folder = folder
        self.fetch = fetch

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
        """Items of one saved file; SourceError when it is too large or unreadable."""
        try:
            stat = path.stat()
            if stat.st_size > self.fetch.max_file_bytes:
                raise SourceError(f"larger than {self.fetch.max_file_bytes} bytes")
            with path.open("rb") as handle:  # a file still growing is read up to the cap
                data = handle.read(self.fetch.max_file_bytes + 1)
            if len(data) > self.fetch.max_file_bytes:
                raise SourceError(f"larger than {self.fetch.max_file_bytes} bytes")
        except OSError as exc:
            raise SourceError(exc.strerror or str(exc)) from None
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
            link = path.resolve().as_uri() + (f"#article-{index + 1}" if len(articles) > 1 else "")
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
