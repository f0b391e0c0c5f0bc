"""The sources stage: where items come from.

Takes the `sources:` and `fetch:` settings, an HTTP client and the clock; gives `Batch`es of `Item`s
(feeds over HTTP with feedparser or the fast path, folders of saved articles, full text of teaser
entries), each source's health, and OPML import/export. Pages and saved files are cleaned to text
here (`text.py`) and every item is capped (`limits.py`) before the orchestrator stores it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from digest.models import Batch

if TYPE_CHECKING:  # the settings only for types: parse workers import this package, not pydantic
    import httpx

    from digest.sources.settings import FetchSettings, SourceSettings


class Source(Protocol):
    """Reads its items; raises `SourceError` with a one-line reason when it cannot."""

    name: str
    remote: bool  # needs the network; skipped by --offline
    lang: str | None  # the language its items are in, when the config says; else detected

    def read(self, *, client: httpx.Client, now: datetime) -> Batch: ...


class SourcesConfig(Protocol):
    """What building the sources needs of the config."""

    @property
    def sources(self) -> tuple[SourceSettings, ...]: ...

    @property
    def fetch(self) -> FetchSettings: ...


def build_sources(config: SourcesConfig) -> list[Source]:
    from digest.sources.feeds import FeedSource

    def build(settings: SourceSettings) -> Source:
        if settings.path is not None:
            from digest.sources.folder import FolderSource  # lxml and the cleaners: if needed

            return FolderSource(
                settings.name,
                settings.path,
                config.fetch,
                follow_symlinks=settings.follow_symlinks,
                lang=settings.lang,
            )
        url = settings.feed_url
        assert url is not None  # the config validator guarantees a url, a path or a search
        return FeedSource(
            settings.name,
            url,
            config.fetch,
            full_text=settings.full_text,
            user_agent=settings.user_agent,
            headers=settings.headers,
            lang=settings.lang,
        )

    return [build(s) for s in config.sources]
