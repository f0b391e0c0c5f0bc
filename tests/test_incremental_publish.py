"""A publish renders only what the new edition changes, from only the editions that needs, and
leaves the archive exactly as a whole rebuild would make it: across digests, same-day editions,
a new year and an edition that lands between two others."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from editions import store_and_publish, talks_edition

from digest.config import Config
from digest.edition import PENDING, publish, rebuild
from digest.errors import ArchiveError
from digest.models import Edition
from digest.publish import archive
from digest.store import Store

DIGESTS = {"Daily": "daily", "Weekly": "weekly"}


def edition(name: str, until: datetime, number: int) -> Edition:
    return talks_edition(name, DIGESTS[name], until, number)


# (digest, when) in the order published: two digests, two Daily editions on one day, a new
# year, and a late Daily edition that falls between two published ones.
PUBLISHED = (
    ("Daily", datetime(2025, 12, 28, 7, tzinfo=UTC)),
    ("Weekly", datetime(2025, 12, 29, 8, tzinfo=UTC)),
    ("Daily", datetime(2025, 12, 30, 7, tzinfo=UTC)),
    ("Daily", datetime(2025, 12, 30, 15, 5, tzinfo=UTC)),
    ("Daily", datetime(2026, 1, 2, 7, tzinfo=UTC)),
    ("Weekly", datetime(2026, 1, 5, 8, tzinfo=UTC)),
    ("Daily", datetime(2026, 1, 1, 7, tzinfo=UTC)),
    ("Daily", datetime(2026, 1, 6, 7, tzinfo=UTC)),
)


def new_archive(tmp_path: Path) -> tuple[Path, Config, Store]:
    """An empty archive's folder, a config writing to it and its open store."""
    root = tmp_path / "archive"
    config = Config.model_validate({"archive": str(root), "sources": [{"name": "x", "path": "."}]})
    return root, config, Store.open(root / archive.DATABASE_NAME)


def test_each_publish_leaves_what_a_whole_rebuild_would_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config, store = new_archive(tmp_path)
    every_edition_read = 0
    read_all = Store.editions

    def counted(self: Store) -> list:  # type: ignore[type-arg]
        nonlocal every_edition_read
        every_edition_read += 1
        return read_all(self)

    try:
        years: set[int] = set()
        for number, (name, when) in enumerate(PUBLISHED):
            made = edition(name, when, number)
            store.add_items([s.item for story in made.stories for s in story.items], when)
            monkeypatch.setattr(Store, "editions", counted)
            every_edition_read = 0
            publish(config=config, store=store, edition=made)
            monkeypatch.setattr(Store, "editions", read_all)
            # Only the first edition of a year reads them all (every year's page links it).
            assert every_edition_read == (0 if when.year in years else 1), (name, when)
            years.add(when.year)
            assert rebuild(config=config, store=store) == (), (name, when)
        assert (root / "2025/2025-12-30-daily-2.html").is_file()
        page = (root / "2025/2025-12-30-daily.html").read_text(encoding="utf-8")
        assert re.search(r"Next: 30 Dec 2025, \d\d:\d\d", page)  # two that day: their times
        before = (root / "2025/2025-12-28-daily.html").read_text(encoding="utf-8")
        assert re.search(r"Next: 30 Dec 2025, \d\d:\d\d", before)
        late = (root / "2026/2026-01-01-daily.html").read_text(encoding="utf-8")
        assert "2025-12-30-daily-2.html" in late and "2026-01-02-daily.html" in late
        assert "2026-01-01-daily.html" in (root / "2026/2026-01-02-daily.html").read_text()
    finally:
        store.close()


def test_what_a_publish_asks_of_the_editions_is_answered_from_indexes(tmp_path: Path) -> None:
    _, config, store = new_archive(tmp_path)
    try:
        for number, (name, when) in enumerate(PUBLISHED[:3]):
            made = edition(name, when, number)
            store.add_items([s.item for story in made.stories for s in story.items], when)
            statements: list[str] = []
            store.db.set_trace_callback(statements.append)
            publish(config=config, store=store, edition=made)
            store.db.set_trace_callback(None)
        asked = [s for s in statements if s.lstrip().startswith("SELECT") and "editions" in s]
        assert len(asked) > 5
        for statement in asked:
            plan = [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {statement}")]
            # Each row holds its content: reading the whole table is what grows with the years.
            assert "SCAN editions" not in plan, (statement, plan)
    finally:
        store.close()


def test_a_rebuild_stopped_midway_makes_the_next_publish_render_and_clean_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, config, store = new_archive(tmp_path)
    try:
        for number, (name, when) in enumerate(PUBLISHED[:5]):
            store_and_publish(config, store, edition(name, when, number))
        lost = ["2025/2025-12-28-daily.html", "2025/2025-12-29-weekly.html"]
        for name in lost:
            (root / name).unlink()
        real = archive.write_atomic

        def full_at_the_second_page(path: Path, content: str) -> None:
            if path.name == "2025-12-29-weekly.html":
                raise ArchiveError(f"cannot write {path}: No space left on device")
            real(path, content)

        monkeypatch.setattr(archive, "write_atomic", full_at_the_second_page)
        with pytest.raises(ArchiveError):
            rebuild(config=config, store=store)
        monkeypatch.setattr(archive, "write_atomic", real)
        assert (root / PENDING).is_file() and (root / lost[0]).is_file()
        left = root / "2025" / ".2025-12-29-weekly.html.Ab3dE6gH.tmp"  # as a kill leaves it
        left.write_text("half a page")
        store_and_publish(config, store, edition("Daily", datetime(2026, 1, 9, 7, tzinfo=UTC), 99))
        assert not (root / PENDING).exists() and not left.exists()
        assert (root / lost[1]).is_file()  # everything rendered, not only what it touches
        assert rebuild(config=config, store=store) == ()
    finally:
        store.close()
