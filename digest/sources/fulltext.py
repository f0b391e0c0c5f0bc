"""Full text for feeds that carry only a teaser: fetch each new entry's page, keep its main text.

Pages go through the poller's client and limits, the text is extracted with trafilatura off the
event loop, and every page is cached by URL in the store, so it is fetched once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import httpx

from digest.models import Batch, Item
from digest.sources.http import Fetcher, total_deadline

if TYPE_CHECKING:
    from digest.sources.feeds import FeedSource
    from digest.store import Store

MAX_PAGE_BYTES = 3_000_000
# Names that never resolve (RFC 2606/6761): asking for them only costs a timeout.
_RESERVED = (".invalid", ".example", ".test", ".localhost")


def wanted(batch: Batch, full_text: bool | None) -> list[Item]:
    """The items whose page should be fetched: all (`full_text: true`), teasers (unset), none."""
    if full_text is False:
        return []
    return [
        item
        for item in batch.items
        if (full_text or item.id in batch.teasers) and _fetchable(item.link)
    ]


def _fetchable(link: str) -> bool:
    parsed = urlparse(link)
    host = (parsed.hostname or "").lower()
    return parsed.scheme in ("http", "https") and bool(host) and not host.endswith(_RESERVED)


async def add_full_text(
    batch: Batch,
    *,
    feed: FeedSource,
    client: Fetcher,
    gate: Callable[[str], asyncio.Semaphore],
    store: Store,
    now: datetime,
    executor: Executor,
) -> Batch:
    """`batch` with the text of new teaser items replaced by their article's main text."""
    todo = wanted(batch, feed.full_text)
    if not todo:
        return batch
    known = store.known_ids(i.id for i in todo)
    todo = [i for i in todo if i.id not in known][: feed.fetch.max_pages]
    pages = store.cached_pages(i.link for i in todo)
    missing = [link for link in dict.fromkeys(i.link for i in todo) if link not in pages]
    loop = asyncio.get_running_loop()

    async def one(link: str) -> tuple[str, str]:
        async with gate(link):
            markup = await client.run(_get_page, link, feed.headers, feed.fetch.timeout)
        if not markup:
            return link, ""
        from digest.sources.text import html_page_to_text  # lxml, trafilatura: only when needed

        _, text, _ = await loop.run_in_executor(executor, html_page_to_text, markup, link)
        return link, text

    fetched = dict(await asyncio.gather(*(one(link) for link in missing)))
    store.cache_pages({k: v for k, v in fetched.items() if v}, now)
    pages.update(fetched)
    items = tuple(
        replace(item, text=pages[item.link])
        if len(pages.get(item.link, "")) > len(item.text)
        else item
        for item in batch.items
    )
    return replace(batch, items=items)


def _get_page(client: httpx.Client, url: str, headers: dict[str, str], timeout: float) -> str:
    """The page's markup, or "" when it cannot be had (the teaser is kept then). On a thread."""
    try:
        with total_deadline(timeout * 2), client.stream("GET", url, headers=headers) as response:
            kind = response.headers.get("content-type", "text/html")
            if response.status_code != 200 or "html" not in kind:
                return ""
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_PAGE_BYTES:
                    return ""
                chunks.append(chunk)
            from digest.sources.text import decode_bytes

            return decode_bytes(b"".join(chunks), response.charset_encoding)
    except httpx.HTTPError:
        return ""
