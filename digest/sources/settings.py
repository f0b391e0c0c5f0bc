"""The sources' own settings: where each source is, and the limits of everything fetched.

The config composes these (`sources:` and `fetch:` in feeds.yaml); the stage needs nothing else.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import quote_plus, urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from digest.durations import Duration
from digest.language.detect import normalise_code

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 field names


def _check_header_value(name: str, value: str) -> None:
    """A value HTTP can carry: no line break (a header of its own), Latin-1 only."""
    if re.search(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]", value):
        raise ValueError(f"{name}: a control character (a line break?) in {value!r}")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"{name}: HTTP headers are Latin-1; {value!r} is not") from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSettings(_Strict):
    """One source: an RSS/Atom feed (`url`) or a folder of saved articles (`path`)."""

    name: str = Field(min_length=1, description="the outlet's name, shown beside its items")
    url: str | None = Field(default=None, description="http(s):// or file: URL of an RSS/Atom feed")
    path: Path | None = Field(default=None, description="folder of saved .txt/.html/.md articles")
    full_text: bool | None = Field(
        default=None,
        description="fetch each entry's page for its full text (default: when entries are teasers)",
    )
    search: str | None = Field(default=None, description="a news-search query instead of a url")
    engine: Literal["google-news", "bing-news"] = Field(
        default="google-news", description="the news search a `search` source asks"
    )
    follow_symlinks: bool = Field(
        default=False, description="read a `path` folder's links to files outside it"
    )
    site_url: str | None = Field(
        default=None, description="the outlet's web site (OPML's htmlUrl), for feed readers"
    )
    category: tuple[str, ...] = Field(
        default=(), description="the feed reader folder it sits in, outermost first (OPML)"
    )
    user_agent: str | None = Field(default=None, description="User-Agent for this source only")
    headers: dict[str, str] = Field(default_factory=dict, description="extra request headers")
    lang: str | None = Field(
        default=None,
        description="the language of its items (en, ja, ko...); default: detected per item",
    )
    gloss: str | None = Field(
        default=None,
        description="the source that runs this one's English service (Yonhap English for"
        " Yonhap Korean): its headline of the same story is shown as an English gloss",
    )

    @field_validator("lang")
    @classmethod
    def _check_lang(cls, lang: str | None) -> str | None:
        return None if lang is None else normalise_code(lang)

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https") and parsed.netloc:
            return url
        if parsed.scheme == "file" and parsed.path:
            return url
        raise ValueError(f"expected an http://, https:// or file: feed URL, got {url!r}")

    @field_validator("headers")
    @classmethod
    def _check_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        for name, value in headers.items():
            if not _TOKEN.fullmatch(name):
                raise ValueError(f"not a header name: {name!r}")
            _check_header_value(name, value)
        return headers

    @field_validator("user_agent")
    @classmethod
    def _check_user_agent(cls, user_agent: str | None) -> str | None:
        if user_agent is not None:
            _check_header_value("user_agent", user_agent)
        return user_agent

    @field_validator("site_url")
    @classmethod
    def _check_site(cls, url: str | None) -> str | None:
        parsed = urlparse(url) if url is not None else None
        if parsed is not None and not (parsed.scheme in ("http", "https") and parsed.netloc):
            raise ValueError(f"expected an http:// or https:// address, got {url!r}")
        return url

    @field_validator("category", mode="before")
    @classmethod
    def _one_level(cls, category: object) -> object:
        return (category,) if isinstance(category, str) else category  # `category: Korea`

    @model_validator(mode="after")
    def _one_location(self) -> SourceSettings:
        if sum(x is not None for x in (self.url, self.path, self.search)) != 1:
            raise ValueError(
                "give exactly one of 'url' (a feed), 'path' (a folder) or 'search' (a query)"
            )
        return self

    @property
    def feed_url(self) -> str | None:
        """The feed's URL: `url`, or the news-search RSS URL built from `search`."""
        if self.search is None:
            return self.url
        query = quote_plus(self.search)
        if self.engine == "bing-news":
            return f"https://www.bing.com/news/search?q={query}&format=rss"
        return f"https://news.google.com/rss/search?q={query}&hl=en-US&gl=US&ceid=US:en"


class FetchSettings(_Strict):
    """Limits for everything read over the network: feeds are untrusted."""

    timeout: float = Field(default=20.0, gt=0, le=300, description="seconds per request")
    max_bytes: int = Field(default=10_000_000, gt=0, description="largest response accepted")
    max_file_bytes: int = Field(default=5_000_000, gt=0, description="largest saved file read")
    user_agent: str = Field(
        default="digest/0.1 (+https://github.com/digest-news/digest; topic news digest)",
        min_length=1,
    )
    connections: int = Field(default=40, ge=1, le=200, description="requests in flight at once")

    per_host: int = Field(default=4, ge=1, le=200, description="requests in flight per host")
    retries: int = Field(default=2, ge=0, le=5, description="retries of a 429/503 within a run")
    backoff: float = Field(default=1.0, ge=0, le=60, description="first retry's wait, seconds")
    stale_after: Duration = Field(
        default=timedelta(days=3), description="flag a source failing for longer than this"
    )
    max_pages: int = Field(
        default=50, ge=0, description="article pages fetched per source and poll"
    )
    allow_private_addresses: bool = Field(
        default=False,
        description="let article pages and redirects reach loopback, private and link-local "
        "addresses (an intranet's); the feed URLs you write may always",
    )

    @field_validator("user_agent")
    @classmethod
    def _check_user_agent(cls, user_agent: str) -> str:
        _check_header_value("fetch.user_agent", user_agent)
        return user_agent
