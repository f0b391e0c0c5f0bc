"""The one HTTP client digest uses: named, time-limited, size-capped."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import httpx

from digest.config import FetchSettings
from digest.errors import SourceError


def make_client(settings: FetchSettings) -> httpx.Client:
    """A client with timeouts, redirects followed (at most 5) and a User-Agent naming digest."""
    return httpx.Client(
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
    )


def fetch_bytes(client: httpx.Client, url: str, max_bytes: int) -> tuple[bytes, dict[str, str]]:
    """GET `url` (or read a file: URL) up to `max_bytes`; raise SourceError with the reason."""
    if url.startswith("file:"):
        return read_file_url(url, max_bytes), {}
    # httpx's timeout bounds each read, not the whole: a server sending a byte a second would
    # never trip it. The body gets twice the timeout in all, as the poller's requests do.
    deadline = time.monotonic() + 2 * (client.timeout.read or 20.0)
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise SourceError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"response of {declared} bytes exceeds the {max_bytes}-byte cap")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:
                    raise SourceError("timed out")
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(f"response exceeds the {max_bytes}-byte cap")
                chunks.append(chunk)
            return b"".join(chunks), dict(response.headers)
    except httpx.TimeoutException:
        raise SourceError("timed out") from None
    except httpx.TooManyRedirects:
        raise SourceError("too many redirects") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None


def read_file_url(url: str, max_bytes: int) -> bytes:
    path = Path(unquote(urlparse(url).path))
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise SourceError(f"{path} exceeds the {max_bytes}-byte cap")
    return data
