"""Full text for feeds that carry only a teaser: fetch each new entry's page, keep its main text.

Pages go through the poller's client and limits, the text is extracted with trafilatura off the
event loop, and every page is cached by URL in the store, so it is fetched once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from datetime import datetime
from email.message import Message
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

import httpx

from digest.errors import SourceError
from digest.models import Batch, Item
from digest.sources.http import Fetcher, get
from digest.visible import one_line

T = TypeVar("T")

if TYPE_CHECKING:
    from digest.sources.feeds import FeedSource
    from digest.store import Store

log = logging.getLogger(__name__)

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
    try:
        parsed = urlparse(link)
        host = (parsed.hostname or "").lower()
    except ValueError:  # such as an unclosed "[" in the host
        return False
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
    db: Executor | None = None,
) -> Batch:
    """`batch` with the text of new teaser items replaced by their article's main text.

    With `db`, the store is used only on that executor (the poll's store thread)."""
    todo = wanted(batch, feed.full_text)
    if not todo:
        return batch
    loop = asyncio.get_running_loop()

    async def stored(call: Callable[..., T], *args: Any) -> T:
        return call(*args) if db is None else await loop.run_in_executor(db, call, *args)

    known = await stored(store.known_ids, feed.name, [i.id for i in todo])
    todo = [i for i in todo if i.id not in known][: feed.fetch.max_pages]
    pages = await stored(store.cached_pages, [i.link for i in todo])
    missing = [link for link in dict.fromkeys(i.link for i in todo) if link not in pages]

    async def one(link: str) -> tuple[str, str]:
        """The page's text, or "" (the teaser is kept) whatever went wrong with this page."""
        try:
            async with gate(link):
                markup = await client.run(_get_page, link, feed)
            if not markup:
                return link, ""
            from digest.sources.text import html_page_to_text  # lxml, trafilatura: when needed

            _, text, _ = await loop.run_in_executor(executor, html_page_to_text, markup, link)
        except Exception as exc:
            name, where = one_line(feed.name), one_line(link)[:200]
            log.warning("source %s: page %s not read: %s: %s", name, where, type(exc).__name__, exc)
            return link, ""
        return link, text

    fetched = dict(await asyncio.gather(*(one(link) for link in missing)))
    await stored(store.cache_pages, {k: v for k, v in fetched.items() if v}, now)
    pages.update(fetched)
    items = tuple(
        replace(item, text=pages[item.link])
        if len(pages.get(item.link, "")) > len(item.text)
        else item
        for item in batch.items
    )
    return replace(batch, items=items)


def _get_page(client: httpx.Client, url: str, feed: FeedSource) -> str:
    """The page's markup, or "" when it cannot be had (the teaser is kept then). On a thread.

    The page comes from the feed, not the config: it may reach public addresses only (unless
    `fetch.allow_private_addresses`), and the source's headers go with it only on the feed's
    own origin."""
    try:
        got = get(
            client,
            url,
            max_bytes=MAX_PAGE_BYTES,
            timeout=feed.fetch.timeout,
            headers={"User-Agent": feed.user_agent},
            own_url=feed.url,
            own_headers=feed.headers,
        )
    except SourceError as exc:
        log.info("source %s: page %s not read: %s", one_line(feed.name), one_line(url)[:200], exc)
        return ""
    kind = got.headers.get("content-type", "text/html")
    if got.status != 200 or "html" not in kind:
        return ""
    from digest.sources.text import decode_bytes

    return decode_bytes(got.body, _charset(kind))


def _charset(content_type: str) -> str | None:
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset()
