"""Where items come from: a `Source` protocol with a feed and a folder implementation."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import httpx

from digest.config import Config, SourceSettings
from digest.models import Batch


class Source(Protocol):
    """Reads its items; raises `SourceError` with a one-line reason when it cannot."""

    name: str
    remote: bool  # needs the network; skipped by --offline

    def read(self, *, client: httpx.Client, now: datetime) -> Batch: ...


def build_sources(config: Config) -> list[Source]:
    from digest.sources.feeds import FeedSource
    from digest.sources.folder import FolderSource

    def build(settings: SourceSettings) -> Source:
        if settings.path is not None:
            return FolderSource(settings.name, settings.path, config.fetch)
        url = settings.feed_url
        assert url is not None  # the config validator guarantees a url, a path or a search
        return FeedSource(
            settings.name,
            url,
            config.fetch,
            full_text=settings.full_text,
            user_agent=settings.user_agent,
            headers=settings.headers,
        )

    return [build(s) for s in config.sources]
