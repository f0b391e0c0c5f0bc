"""Feed documents written for the tests, with dates relative to now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime


def rfc822(days_ago: float) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(days=days_ago))


def iso(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="seconds")


def rss(items: list[dict[str, str]], title: str = "Test outlet") -> bytes:
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        f"<guid>{i.get('guid', i['link'])}</guid><pubDate>{i['date']}</pubDate>"
        f"<description><![CDATA[{i['body']}]]></description></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link>"
        f"<description>test</description>{entries}</channel></rss>"
    ).encode()


def atom(items: list[dict[str, str]], title: str = "Atom outlet") -> bytes:
    entries = "".join(
        f'<entry><title>{i["title"]}</title><link href="{i["link"]}"/><id>{i["link"]}</id>'
        f"<updated>{i['date']}</updated>"
        f'<content type="html"><![CDATA[{i["body"]}]]></content></entry>'
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:test</id><updated>{iso(0)}</updated>{entries}</feed>"
    ).encode()


ABDUCTION_TALKS = (
    "<p>Japanese and North Korean diplomats met in Ulaanbaatar on Tuesday for talks on the "
    "abduction of Japanese citizens by North Korea, the Japanese Foreign Ministry said.</p>"
    "<p>Japan pressed Pyongyang to reinvestigate the fate of the abductees, and the North Korean "
    "side agreed to consider a new inquiry, according to officials in Tokyo.</p>"
    "<p>It was the first meeting between the two governments on the abduction issue this year.</p>"
)
MISSILE_OVER_JAPAN = (
    "<p>North Korea launched an intermediate-range ballistic missile that flew over northern "
    "Japan on Thursday, prompting evacuation alerts in Hokkaido and Aomori.</p>"
    "<p>Japan's prime minister condemned the launch as reckless and said Tokyo had protested "
    "to Pyongyang through its embassy in Beijing.</p>"
)
TOKYO_STOCKS = (
    "<p>Tokyo stocks rose on Wednesday as exporters gained on a weaker yen, with the Nikkei "
    "average closing up 1.2 percent.</p><p>Trading volume was light ahead of a holiday.</p>"
)
SEOUL_FESTIVAL = (
    "<p>A kimchi festival opened in Seoul on Friday, drawing thousands of visitors to the city "
    "centre, organisers said.</p>"
)

# A saved article (plain text) on the topic, for folder sources.
CLIPPING = (
    "Japan and North Korea hold abduction talks in Ulaanbaatar\n\n"
    "Japanese and North Korean diplomats met in Ulaanbaatar on Tuesday for talks on the "
    "abduction of Japanese citizens by North Korea, the Japanese Foreign Ministry said.\n"
)


def talks_feed() -> bytes:
    """A feed of one on-topic entry: the abduction talks, published a day ago."""
    entry = {
        "title": "Japan and North Korea hold abduction talks",
        "link": "http://news.invalid/a",
        "date": rfc822(1),
        "body": ABDUCTION_TALKS,
    }
    return rss([entry])
