"""An Edition to JSON and back, so a stored edition can be re-rendered exactly as it was made.

The JSON also records the archive folder the edition was made in, so links to saved articles
inside the archive can be made relative even after the folder has moved.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from digest.models import (
    Edition,
    FollowUp,
    Item,
    Origin,
    Relevance,
    ScoredItem,
    SourceReport,
    Story,
    Tally,
)

FORMAT = 1


@dataclass(frozen=True, slots=True)
class StoredEdition:
    edition: Edition
    archive_root: str  # absolute POSIX path of the archive when the edition was made


def dumps(edition: Edition, *, archive_root: str) -> str:
    """Stable JSON (sorted keys, no whitespace): the same edition always gives the same text."""
    zone = edition.date.tzinfo
    data = {
        "format": FORMAT,
        "archive_root": archive_root,
        "zone": zone.key if isinstance(zone, ZoneInfo) else None,
        "digest": edition.digest,
        "slug": edition.slug,
        "date": edition.date.isoformat(),
        "since": edition.since.isoformat(),
        "until": edition.until.isoformat(),
        "stories": [_story(s) for s in edition.stories],
        "brief": list(edition.brief),
        "failed_sources": [
            {"name": r.name, "ok": r.ok, "items": r.items, "error": r.error}
            for r in edition.failed_sources
        ],
        "tally": None if edition.tally is None else _tally(edition.tally),
        "sections": list(edition.sections),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def loads(text: str) -> StoredEdition:
    data = json.loads(text)
    zone: tzinfo | None = ZoneInfo(data["zone"]) if data.get("zone") else None
    date = datetime.fromisoformat(data["date"])
    edition = Edition(
        digest=data["digest"],
        slug=data["slug"],
        date=date.astimezone(zone) if zone is not None else date,
        since=datetime.fromisoformat(data["since"]),
        until=datetime.fromisoformat(data["until"]),
        stories=tuple(_load_story(s) for s in data["stories"]),
        brief=tuple(data["brief"]),
        failed_sources=tuple(SourceReport(**r) for r in data["failed_sources"]),
        tally=None if data["tally"] is None else Tally(**data["tally"]),
        sections=tuple(data["sections"]),
    )
    return StoredEdition(edition, data["archive_root"])


def _story(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "lead": _scored(story.lead),
        "others": [_scored(s) for s in story.others],
        "summary": list(story.summary),
        "section": story.section,
        "follows": None if story.follows is None else asdict(story.follows),
        "related": list(story.related),
        "gloss": story.gloss,
        "summary_gap": story.summary_gap,
        "opening": story.opening,
    }


def _scored(scored: ScoredItem) -> dict[str, Any]:
    item, relevance = scored.item, scored.relevance
    return {
        "item": {
            "id": item.id,
            "source": item.source,
            "origin": item.origin.value,
            "title": item.title,
            "link": item.link,
            "text": "",  # the full text lives in the items table; pages show only summaries
            "seen_at": item.seen_at.isoformat(),
            "published": item.published.isoformat() if item.published else None,
            "author": item.author,
            "lang": item.lang,
        },
        "relevance": {
            "score": relevance.score,
            "on_topic": relevance.on_topic,
            "matched": list(relevance.matched),
        },
    }


def _tally(tally: Tally) -> dict[str, int]:
    return {
        "sources_ok": tally.sources_ok,
        "sources_failed": tally.sources_failed,
        "items_seen": tally.items_seen,
        "items_new": tally.items_new,
        "items_on_topic": tally.items_on_topic,
    }


def _load_story(data: dict[str, Any]) -> Story:
    return Story(
        id=data["id"],
        lead=_load_scored(data["lead"]),
        others=tuple(_load_scored(s) for s in data["others"]),
        summary=tuple(data["summary"]),
        section=data["section"],
        follows=FollowUp(**data["follows"]) if data.get("follows") else None,
        related=tuple(data.get("related", ())),
        gloss=str(data.get("gloss", "")),
        # editions written before the reason was kept said "no text beyond its headline"
        summary_gap=str(data.get("summary_gap", "" if data["summary"] else "headline")),
        opening=str(data.get("opening", "")),
    )


def _load_scored(data: dict[str, Any]) -> ScoredItem:
    item = data["item"]
    published = item["published"]
    return ScoredItem(
        Item(
            id=item["id"],
            source=item["source"],
            origin=Origin(item["origin"]),
            title=item["title"],
            link=item["link"],
            text=item["text"],
            seen_at=datetime.fromisoformat(item["seen_at"]),
            published=datetime.fromisoformat(published) if published else None,
            author=item["author"],
            lang=str(item.get("lang", "")),
        ),
        Relevance(
            score=data["relevance"]["score"],
            on_topic=data["relevance"]["on_topic"],
            matched=tuple(data["relevance"]["matched"]),
        ),
    )
