"""Editions for the archive tests: three on three dates, made in-process with a set clock, and
small ones of two stories made directly (`talks_edition`)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from digest.config import Config, load_config
from digest.edition import publish, run_edition
from digest.models import Edition, Item, Origin, Relevance, ScoredItem, Story
from digest.publish import archive
from digest.sources import build_sources
from digest.sources.http import make_client
from digest.store import Store

DATES = (
    datetime(2026, 10, 26, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 9, 0, 0, tzinfo=UTC),
    datetime(2027, 1, 4, 0, 0, tzinfo=UTC),
)

HOSTILE_TITLE = "Abduction families </script><script>alert(1)</script> meet envoy"

ARTICLES: tuple[tuple[tuple[str, str], ...], ...] = (
    (
        (
            "abduction-talks.txt",
            "Japan and North Korea hold abduction talks in Ulaanbaatar\n\n"
            "Japanese and North Korean diplomats met in Ulaanbaatar on Tuesday for talks on the "
            "abduction of Japanese citizens by North Korea, the Japanese Foreign Ministry said.\n\n"
            "Japan pressed Pyongyang to reinvestigate the fate of the abductees, and the North "
            "Korean side agreed to consider a new inquiry, according to officials in Tokyo.\n",
        ),
    ),
    (
        (
            "missile.txt",
            "North Korean missile flies over northern Japan\n\n"
            "North Korea launched an intermediate-range ballistic missile that flew over "
            "northern Japan on Thursday, prompting evacuation alerts in Hokkaido and Aomori.\n\n"
            "Japan's prime minister condemned the launch and said Tokyo had protested to "
            "Pyongyang through its embassy in Beijing.\n",
        ),
        (
            "hostile.txt",
            f"{HOSTILE_TITLE}\n\n"
            "Families of Japanese citizens abducted by North Korea met the government's envoy "
            "in Tokyo on Wednesday and urged a summit with Pyongyang on the abduction issue.\n\n"
            "The envoy said Japan would press North Korea for the return of all abductees.\n",
        ),
    ),
    (
        (
            "remains.txt",
            "Japan and North Korea Red Cross officials meet on wartime remains\n\n"
            "Red Cross officials from Japan and North Korea met in Shenyang to discuss the "
            "remains of Japanese who died in the north of the Korean Peninsula in 1945.\n\n"
            "The talks also touched on visits to burial sites by relatives from Japan, and "
            "Tokyo raised the abduction issue with the North Korean side.\n",
        ),
    ),
)


def make_three_editions(folder: Path) -> Path:
    """A config in `folder` whose archive holds three editions; returns the archive path.

    The saved articles live in archive/clippings, as in the default configuration, so links to
    them are inside the archive.
    """
    clippings = folder / "archive" / "clippings"
    clippings.mkdir(parents=True)
    config_path = folder / "feeds.yaml"
    config_path.write_text(
        "timezone: Asia/Tokyo\n"
        "digests:\n  - {name: Japan–North Korea Weekly, slug: japan-north-korea}\n"
        "sources:\n  - {name: Clippings, path: archive/clippings}\n",
        encoding="utf-8",
    )
    config = load_config(config_path)
    store = Store.open(config.archive / archive.DATABASE_NAME)
    try:
        with make_client(config.fetch) as client:
            for now, articles in zip(DATES, ARTICLES, strict=True):
                for name, text in articles:
                    path = clippings / name
                    path.write_text(text, encoding="utf-8")
                    saved = (now - timedelta(days=1)).timestamp()
                    os.utime(path, (saved, saved))
                run_edition(
                    config=config,
                    sources=build_sources(config),
                    store=store,
                    client=client,
                    now=now,
                )
    finally:
        store.close()
    return config.archive


def talks_edition(
    digest: str, slug: str, until: datetime, number: int, *, lead_title: str = ""
) -> Edition:
    """An edition of two stories from two outlets, numbered `number`; `lead_title` replaces the
    first story's headline."""
    stories = []
    for index in range(2):
        title = f"Japan and North Korea talks, part {number}.{index}"
        item = Item(
            f"n{number}s{index}",
            f"Outlet {index}",
            Origin.FEED,
            lead_title if lead_title and index == 0 else title,
            f"https://news.example.org/{number}/{index}",
            "Officials from Tokyo and Pyongyang met again. The talks will go on next week.",
            until - timedelta(hours=3),
        )
        scored = ScoredItem(item, Relevance(0.8, True, ("japan", "north korea")))
        summary = (f"Talks number {number} went on in Ulaanbaatar.",)
        stories.append(Story(f"{number:04d}{index}", scored, (), summary, "Other"))
    return Edition(
        digest=digest,
        slug=slug,
        date=until,
        since=until - timedelta(days=1),
        until=until,
        stories=tuple(stories),
    )


def store_and_publish(config: Config, store: Store, made: Edition) -> None:
    """Store the edition's items, as the poll before it would have, and publish it."""
    store.add_items([s.item for story in made.stories for s in story.items], made.until)
    publish(config=config, store=store, edition=made)
