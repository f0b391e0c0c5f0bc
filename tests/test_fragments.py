"""Pieces kept between publishes (an edition's body in the feed, a month of an index page, an
edition's stories in its search piece): a publish assembles the feed and pages from them and
renders only what is missing, to the bytes a whole rebuild renders; a changed template or
input is never answered with an old piece."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from editions import store_and_publish, talks_edition

from digest.config import Config
from digest.edition import rebuild
from digest.models import Edition
from digest.publish import archive, site
from digest.store import Store

HOSTILE = "Talks </article><script>alert(1)</script> & more"


def edition(digest: str, until: datetime, number: int) -> Edition:
    """A small edition; every seventh with a headline that tries to break out of the markup."""
    hostile = HOSTILE if number % 7 == 3 else ""
    return talks_edition(digest, digest.lower(), until, number, lead_title=hostile)


def schedule() -> list[tuple[str, datetime]]:
    """(digest, when) in the order published: 26 Daily editions across a new year (more than
    the feed holds), a Weekly beside them, a second Daily on one day and a late one that falls
    between two published ones."""
    start = datetime(2025, 12, 10, 7, tzinfo=UTC)
    published = [("Daily", start + timedelta(days=n)) for n in range(0, 30) if n != 20]
    published[5:5] = [("Weekly", start + timedelta(days=5, hours=1))]
    published[12:12] = [("Daily", start + timedelta(days=10, hours=8))]  # a second that day
    published.append(("Daily", start + timedelta(days=20)))  # late: between two published
    return published


def config_for(root: Path, base_url: str) -> Config:
    settings: dict[str, Any] = {"archive": str(root), "sources": [{"name": "x", "path": "."}]}
    if base_url:
        settings["archive_url"] = base_url
    return Config.model_validate(settings)


def site_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(archive.DATABASE_NAME)
    }


class Renders:
    """How many feed bodies, month sections and search stories a publish rendered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.counts = {"feed": 0, "month": 0, "search": 0}
        for kind, owner, name in (
            ("feed", site._Pages, "feed_body"),
            ("search", site._Pages, "search_stories"),
            ("month", site, "_month_html"),
        ):
            monkeypatch.setattr(owner, name, self._counting(kind, getattr(owner, name)))

    def _counting(self, kind: str, real: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.counts[kind] += 1
            return real(*args, **kwargs)

        return counted

    def take(self) -> dict[str, int]:
        counts, self.counts = self.counts, dict.fromkeys(self.counts, 0)
        return counts


@pytest.mark.parametrize("base_url", ["", "https://digest.example.org/nk/"])
def test_publishing_from_kept_pieces_gives_the_bytes_of_a_whole_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    root, other = tmp_path / "published", tmp_path / "rebuilt"
    config = config_for(root, base_url)
    store = Store.open(root / archive.DATABASE_NAME)
    renders = Renders(monkeypatch)
    rendered = []
    try:
        for number, (name, when) in enumerate(schedule()):
            store_and_publish(config, store, edition(name, when, number))
            rendered.append(renders.take())
        kinds = dict(store.db.execute("SELECT kind, count(*) FROM fragments GROUP BY kind"))
        other.mkdir()
        with sqlite3.connect(other / archive.DATABASE_NAME) as copy:
            store.db.backup(copy)
    finally:
        store.close()
    # A plain publish renders two feed bodies (its own, and the previous edition's, whose page
    # gains a "next" link), its month's index section and its own search stories: the feed's
    # 18 other bodies, the other months and the month's other editions' stories are kept ones.
    assert rendered[-2] == {"feed": 2, "month": 1, "search": 1}, rendered
    assert all(r["feed"] <= 3 and r["month"] == 1 for r in rendered), rendered
    # The late edition, back in December: its neighbours' bodies, and December's piece, whose
    # stories were not kept (the table holds what the publish before needed, January's).
    assert rendered[-1] == {"feed": 3, "month": 1, "search": 24}, rendered
    assert kinds == {"feed": 20, "month": 2, "search": 24}  # what the last publish used

    rebuilt = config_for(other, base_url)
    second = Store.open(other / archive.DATABASE_NAME)
    try:
        rebuild(config=rebuilt, store=second)
    finally:
        second.close()
    published, remade = site_files(root), site_files(other)
    assert sorted(published) == sorted(remade)
    assert len(published) > 2 * 31
    differing = [name for name in published if published[name] != remade[name]]
    assert differing == []
    feed = published["feed.xml"].decode()
    index = published["index-2025.html"].decode()
    # Kept pieces are escaped as the templates escape: the hostile title stays text.
    assert "<script>" not in index and "&lt;script&gt;" in index
    assert "<script>" not in feed and "&amp;lt;script&amp;gt;" in feed


def test_a_changed_template_is_never_answered_with_a_kept_piece(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "archive"
    config = config_for(root, "")
    store = Store.open(root / archive.DATABASE_NAME)
    renders = Renders(monkeypatch)
    start = datetime(2026, 3, 1, 7, tzinfo=UTC)
    try:
        for number in range(24):
            store_and_publish(
                config, store, edition("Daily", start + timedelta(2 * number), number)
            )
        renders.take()
        # A house style for the body and the month sections, in the config's templates folder.
        templates = root / "templates"
        templates.mkdir()
        packaged = Path(__file__).resolve().parent.parent / "templates"
        for name, mark in (("_edition_body.html.j2", "<main>"), ("_index_month.html.j2", "</h3>")):
            text = (packaged / name).read_text(encoding="utf-8")
            (templates / name).write_text(text.replace(mark, mark + "<!-- house -->"))
        config = config_for(root, "").model_copy(update={"templates": templates})
        store_and_publish(config, store, edition("Daily", start + timedelta(days=48), 99))
        # Every piece rendered again: 20 feed bodies, March and April, April's 9 editions.
        assert renders.take() == {"feed": 20, "month": 2, "search": 9}
        feed = (root / "feed.xml").read_text(encoding="utf-8")
        assert feed.count("&lt;!-- house --&gt;") == 20  # every entry, not only the new one
        index = (root / "index.html").read_text(encoding="utf-8")
        assert index.count("<!-- house -->") == 2
        # What the publish assembled is what a whole rebuild renders with the new templates
        # (which renders the older editions' own pages too: a publish does not).
        rewritten = {p.relative_to(root).as_posix() for p in rebuild(config=config, store=store)}
        assert rewritten and not rewritten & {"feed.xml", "index.html", "2026/search-2026-04.js"}
        renders.take()
        # Back to the packaged templates: the pieces made with them are gone, rendered again.
        shutil.rmtree(templates)
        store_and_publish(config, store, edition("Daily", start + timedelta(days=50), 100))
        assert renders.take()["feed"] == 20, renders.counts
        assert "house" not in (root / "feed.xml").read_text(encoding="utf-8")
        rewritten = {p.relative_to(root).as_posix() for p in rebuild(config=config, store=store)}
        assert rewritten and not rewritten & {"feed.xml", "index.html", "2026/search-2026-04.js"}
    finally:
        store.close()


def test_an_index_template_that_lists_the_entries_itself_still_works(tmp_path: Path) -> None:
    """An `index.html.j2` written before the months were kept lists each month's entries."""
    root = tmp_path / "archive"
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index.html.j2").write_text(
        "{% for year in years %}{% for month in year.months %}<h3>{{ month.label }}</h3>\n"
        '{% for edition in month.entries %}<a href="{{ edition.html_href }}">'
        "{{ edition.digest }} — {{ edition.date_label }}</a>\n"
        "{% endfor %}{% endfor %}{% endfor %}"
    )
    config = config_for(root, "").model_copy(update={"templates": templates})
    store = Store.open(root / archive.DATABASE_NAME)
    try:
        for number in range(5):
            when = datetime(2026, 4, 28, 7, tzinfo=UTC) + timedelta(days=number)
            store_and_publish(config, store, edition("Daily", when, number))
        index = (root / "index.html").read_text(encoding="utf-8")
        assert index.count("<h3>") == 2 and index.count("<a href=") == 5
        assert '<a href="2026/2026-04-28-daily.html">Daily — Tuesday 28 April 2026</a>' in index
        assert rebuild(config=config, store=store) == ()
    finally:
        store.close()
