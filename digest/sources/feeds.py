"""RSS, Atom and JSON Feed as sources: fetched with httpx, parsed by `digest.sources.entries`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import httpx

from digest.models import Batch
from digest.sources.http import fetch_bytes
from digest.sources.settings import FetchSettings


class FeedSource:
    """A feed. Remote feeds are polled together by `digest.sources.poller`; `read` reads one."""

    remote = True

    def __init__(
        self,
        name: str,
        url: str,
        fetch: FetchSettings,
        *,
        full_text: bool | None = None,
        user_agent: str | None = None,
        headers: Mapping[str, str] | None = None,
        lang: str | None = None,
    ) -> None:
        self.name = name
        self.lang = lang
        self.url = url
        self.fetch = fetch
        self.remote = not url.startswith("file:")
        self.full_text = full_text  # None: fetch the page of entries that carry only a teaser
        self.user_agent = user_agent or fetch.user_agent
        self.headers = dict(headers or {})  # tokens, cookies: for the feed's own origin only

    def read(self, *, client: httpx.Client, now: datetime) -> Batch:
        data, headers = fetch_bytes(
            client,
            self.url,
            self.fetch.max_bytes,
            headers={"User-Agent": self.user_agent},
            own_headers=self.headers,
        )
        return parse_feed(data, source=self.name, now=now, headers=headers)


def parse_feed(
    data: bytes, *, source: str, now: datetime, headers: dict[str, str], fast: bool = True
) -> Batch:
    """Items of a feed document (see `digest.sources.entries.parse_feed`)."""
    # Imported here: lxml and feedparser load in the parse workers, not before the first request.
    from digest.sources import entries

    return entries.parse_feed(data, source=source, now=now, headers=headers, fast=fast)
