"""Editions made in a temporary archive for the mail and scheduler tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from digest.config import Config
from digest.edition import publish
from digest.models import Edition, Item, Origin, Relevance, ScoredItem, Story
from digest.store import EditionRecord, Store

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def loopback_mail(port: int) -> dict[str, Any]:
    """Mail settings for a test SMTP server on 127.0.0.1 that retries every second."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "sender": "digest@example.org",
        "timeout": 2,
        "retry_every": "1s",
    }


def make_config(tmp_path: Path, **settings: Any) -> Config:
    saved = tmp_path / "saved"
    saved.mkdir(exist_ok=True)
    raw: dict[str, Any] = {
        "archive": str(tmp_path / "archive"),
        "timezone": "UTC",
        "sources": [{"name": "Saved", "path": str(saved)}],
        **settings,
    }
    return Config.model_validate(raw)


def make_edition(config: Config, *, now: datetime = NOW, digest: str | None = None) -> Edition:
    settings = config.digest(digest)
    item = Item(
        id="talks",
        source="Wire",
        origin=Origin.FEED,
        title="Japan and North Korea resume <abduction> talks",
        link="https://news.invalid/talks",
        text="Officials met in Stockholm.",
        seen_at=now,
    )
    story = Story(
        id="s1",
        lead=ScoredItem(item, Relevance(3.0, True, ("abduct",))),
        others=(),
        summary=("Officials from Japan and North Korea met in Stockholm on Tuesday.",),
        section="Abductions",
    )
    return Edition(
        digest=settings.name,
        slug=settings.file_slug,
        date=now,
        since=now - timedelta(days=7),
        until=now,
        stories=(story,),
        sections=("Abductions", "Other"),
    )


def published(
    config: Config, store: Store, *, recipients: tuple[str, ...] = (), now: datetime = NOW
) -> EditionRecord:
    """Publish an edition into the config's archive; return its record."""
    edition = make_edition(config, now=now)
    store.add_items([s.item for story in edition.stories for s in story.items], now)
    publish(config=config, store=store, edition=edition, recipients=recipients)
    record = store.editions()[0]
    return record
