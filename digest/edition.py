"""The orchestrator: one edition from polling to archived files. The CLI and the scheduler call it.

Side effects come in as arguments (the store, the HTTP client, the clock), so tests hand it an
in-memory database, a client aimed at a loopback server and a fixed date.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import httpx

from digest.config import Config, DigestSettings
from digest.durations import ALL_TIME
from digest.editorial.crosslang import english_gloss
from digest.editorial.relevance import on_topic_text, score_item
from digest.editorial.sections import assign_section
from digest.editorial.stories import group_items
from digest.editorial.story_lead import lead_first
from digest.editorial.threads import WINDOW as THREAD_WINDOW
from digest.editorial.threads import PastStory, Rarity, gather_threads, link_threads
from digest.errors import ArchiveError, DigestError
from digest.language.detect import with_language
from digest.language.morphemes import ANALYSED
from digest.language.sentences import split_sentences
from digest.models import Edition, Item, ScoredItem, Story, Tally
from digest.publish import archive, codec
from digest.sources import Source
from digest.sources.health import footer_reports, period_notices
from digest.sources.poller import Poller
from digest.sources.polling import PollResult as PollResult  # callers import these from here
from digest.sources.polling import Progress as Progress
from digest.sources.polling import poll_sources as poll_sources
from digest.store import EditionRecord, Store

if TYPE_CHECKING:
    from digest.publish.listing import Listing, Parts
    from digest.publish.site import SiteBuild

log = logging.getLogger(__name__)

EmptyPolicy = Literal["skip", "write", "mail"]


@dataclass(frozen=True, slots=True)
class RunResult:
    edition: Edition
    files: tuple[Path, ...]
    poll: PollResult

    @property
    def partial(self) -> bool:
        return any(not r.ok for r in self.poll.reports)


def build_edition(
    *,
    config: Config,
    digest: DigestSettings,
    candidates: Sequence[ScoredItem],
    now: datetime,
    since: datetime,
    poll: PollResult,
    stream: Sequence[ScoredItem] = (),
    earlier: Sequence[PastStory] = (),
) -> Edition:
    """Group, summarise, section and rank the on-topic items into an edition (no I/O).

    `stream` is every item of the period, on topic or not: how often a term occurs in it tells
    the grouping, and the developing-story links, which names and places are the period's rare
    ones. Each story says which of the `earlier` editions' stories it follows up, if any."""
    # Imported here, and only when there is something to summarise: sumy, nltk and numpy take
    # longer to import than a warm poll takes, and most runs find nothing new on the topic.
    from digest.summary.brief import week_in_brief

    if candidates:
        from digest.summary.gaps import missing_summary
        from digest.summary.summarize import summarize_many

    topic = config.topic_of(digest)
    rarity = Rarity.of([f"{s.item.title} {s.item.text}" for s in stream]) if stream else None
    services = {s.name: s.gloss for s in config.sources if s.gloss}
    stories: list[Story] = []
    for found in group_items(candidates, config.stories, stream):
        group = lead_first(found, _informative_words, rarity)
        lead = group[0]
        # one language per summary, the lead's: the story lists its outlets in every language
        lang = lead.item.lang
        same_lang = [s for s in group if s.item.lang == lang]
        texts = [on_topic_text(topic, s.item.text, lang) or s.item.text for s in same_lang]
        summary = summarize_many(texts, config.summary, lang)
        gap, opening = (
            ("", "") if summary else missing_summary([s.item.text for s in same_lang], lang)
        )
        stories.append(
            Story(
                id=story_id(lead.item),
                lead=lead,
                others=tuple(group[1:]),
                summary=summary,
                # with no summary, the opening the edition shows tells the section instead
                section=assign_section(
                    lead.item.title, summary or ((opening,) if opening else ()), config.sections
                ),
                gloss=english_gloss(lead, group[1:], services),
                summary_gap=gap,
                opening=opening,
            )
        )
    stories.sort(key=_rank)
    stories = list(gather_threads(link_threads(stories, earlier, rarity)))
    sections = tuple(dict.fromkeys([*(s.name for s in config.sections), "Other"]))
    tally = Tally(
        sources_ok=sum(r.ok for r in poll.reports),
        sources_failed=sum(not r.ok for r in poll.reports),
        items_seen=poll.items_seen,
        items_new=poll.items_new,
        items_on_topic=len(candidates),
    )
    return Edition(
        digest=digest.name,
        slug=digest.file_slug,
        date=now.astimezone(config.zone),
        since=since,
        until=now,
        stories=tuple(stories),
        brief=week_in_brief(stories),
        failed_sources=footer_reports(poll.reports, poll.notices),
        tally=tally,
        sections=sections,
    )


def story_id(lead: Item) -> str:
    """The story's anchor, from its lead item's source and id: stable across rebuilds, and two
    feeds' entries that share an id ("1") get two anchors."""
    return hashlib.sha256(f"{lead.source}\n{lead.id}".encode()).hexdigest()[:10]


def earlier_stories(store: Store, digest: str, now: datetime) -> list[PastStory]:
    """The stories of the digest's editions of the last weeks, for follow-ups to point at."""
    recent = store.editions_since(digest, now - THREAD_WINDOW)  # not the whole archive
    if not recent:
        return []
    contents = store.edition_contents([r.id for r in recent])
    return [
        PastStory(story, record.date, record.html_path)
        for record in recent
        if record.id in contents
        for story in codec.loads(contents[record.id]).edition.stories
    ]


_MIN_WORDS, _MAX_WORDS = 6, 55  # informative_words' own bounds, for every language alike


def _informative_words(item: Item) -> int:
    """The words of an item's sentences that a summary could use, counted in its language
    (content morphemes in Japanese, words between spaces in Korean): a full Korean report
    outweighs a one-line English version of it, which then glosses it."""
    from digest.summary import cjk
    from digest.summary.cleaning import informative_words

    if item.lang not in ANALYSED:
        return informative_words(item.text)
    pickable = cjk.rules(item.lang, _MIN_WORDS, _MAX_WORDS).is_pickable
    return sum(
        cjk.word_count(sentence, item.lang)
        for paragraph in cjk.paragraphs(item.text)
        for sentence in split_sentences(paragraph, item.lang)
        if pickable(sentence)
    )


def _moment(item: Item) -> datetime:
    return min(item.published or item.seen_at, item.seen_at)


def _rank(story: Story) -> tuple[float, float, float]:
    """More outlets first, then more relevant, then more recent."""
    newest = max((s.item.published or s.item.seen_at).timestamp() for s in story.items)
    return (-len(story.outlets), -story.lead.relevance.score, -newest)


def _not_behind_editions(store: Store, now: datetime) -> datetime:
    """The edition's moment: `now`, unless the clock is behind the last edition's end (stepped
    back); then just after it, so this edition's window holds what was stored meanwhile."""
    moment = store.not_before_editions(now)
    if moment > now + timedelta(seconds=1):  # one second: two runs at once are no news
        log.warning(
            "the clock (%s) is behind the end of the last edition: this edition ends at %s",
            f"{now.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
            f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
        )
    return moment


def run_edition(
    *,
    config: Config,
    sources: Sequence[Source],
    store: Store,
    client: httpx.Client,
    now: datetime,
    digest_name: str | None = None,
    since: timedelta | None = None,
    offline: bool = False,
    write: bool = True,
    progress: Progress | None = None,
    checkpoint: Callable[[], None] | None = None,
    poller: Poller | None = None,
    scheduled: datetime | None = None,
    recipients: Sequence[str] = (),
    empty: EmptyPolicy | None = None,
    polled: PollResult | None = None,
) -> RunResult:
    """Poll, select what is new for the digest, build the edition and archive it.

    With `write=False` nothing is written to the archive and nothing is recorded. The scheduler
    passes the period's `scheduled` time and the `recipients` to record pending deliveries for,
    and the digest's `empty` policy for an edition with no stories: "skip" writes nothing,
    "write" writes it for no one, "mail" writes it for the recipients (None: always written).
    A caller that polled already (`digest run`, which polls first) passes what it `polled`.
    """
    digest = config.digest(digest_name)
    now = _not_behind_editions(store, now)
    if write:  # a template that does not compile is refused before anything is polled
        check_site_templates(config)
    poll = polled or poll_sources(
        sources=sources,
        store=store,
        client=client,
        now=now,
        offline=offline,
        progress=progress,
        checkpoint=checkpoint,
        poller=poller or Poller(config.fetch),
    )
    lookback = config.lookback_of(digest)
    previous = store.last_edition(digest.name)
    start = now - (since or lookback) if since or previous is None else previous.until
    notices = period_notices(
        store.source_states(),
        poll.reports,
        since=start,
        now=now,
        stale_after=config.fetch.stale_after,
    )
    for notice in notices:
        if notice.error.startswith("STALE"):
            log.warning("source %r is stale: %s", notice.name, notice.error)
    poll = replace(poll, notices=notices)
    topic = config.topic_of(digest)
    scored = [
        ScoredItem(item, score_item(topic, item.title, item.text, item.lang))
        for item in map(
            with_language, store.candidates(digest.name, now=now, lookback=lookback, since=since)
        )
    ]
    on_topic = [s for s in scored if s.relevance.on_topic]
    if since is not None and since >= ALL_TIME:  # "--since all": the period the items span
        start = min((_moment(s.item) for s in on_topic or scored), default=now)
    edition = build_edition(
        config=config,
        digest=digest,
        candidates=on_topic,
        now=now,
        since=start,
        poll=poll,
        stream=scored,
        earlier=earlier_stories(store, digest.name, now),
    )
    if not edition.stories and empty is not None:
        log.info("%s: no stories for this period (empty: %s)", digest.name, empty)
        if empty == "skip":
            write = False
        elif empty == "write":
            recipients = ()
    if not write:
        return RunResult(edition, (), poll)
    files = publish(
        config=config, store=store, edition=edition, scheduled=scheduled, recipients=recipients
    )
    return RunResult(edition, files, poll)


def publish(
    *,
    config: Config,
    store: Store,
    edition: Edition,
    scheduled: datetime | None = None,
    recipients: Sequence[str] = (),
) -> tuple[Path, ...]:
    """Record the edition with its items, content and deliveries and write it, refreshing the
    archive: all of it or, on a full disk or a crash, none of it (see below).

    The new page is rendered from the stored content, exactly as `rebuild` would render it; the
    previous edition's page (now with a "next" link), the index, feed and search index follow.
    """
    from digest.publish import listing  # jinja2: imported after the poll, not before it

    root = config.archive
    journal = root / PENDING
    # After a killed publish any page may be stale, so this one renders them all; otherwise
    # only what the new edition changes (see `touched_by`), from only the editions that takes:
    # however long the archive, never all of them.
    everything = journal.is_file()
    recover(root, store)  # files of an edition a killed run never recorded free their names
    recorded = store.recorded_paths(archive.edition_prefix(edition.date, edition.slug))
    html_path, text_path = archive.edition_paths(root, edition.date, edition.slug, recorded)
    record = edition_record(edition, root=root, html=html_path, text=text_path, scheduled=scheduled)
    items = [scored for story in edition.stories for scored in story.items]
    content = codec.dumps(edition, archive_root=root.resolve().as_posix())
    # All or nothing: the new files are named in a journal, then the edition is recorded in a
    # transaction left open while every file is written from it, and committed last. A full
    # disk rolls it back (which needs no space), removes the files that are new and renders the
    # changed ones as they were; a crash leaves the journal, and the next run removes the
    # unrecorded files it names.
    new = [record.html_path, record.text_path]
    archive.write_atomic(journal, "".join(f"{name}\n" for name in new))
    parts = listing.EVERYTHING
    try:
        # Inside the try: a full disk can refuse the record itself, and the journal must go too.
        edition_id = store.begin_edition(record, items, content, recipients)
        if not everything:
            parts = listing.touched_by(store, edition_id)
        # A whole build renders every piece anew; it neither reads nor keeps them.
        built = _site_build(config, store, parts, kept=not everything)
        files = built.files
        new = [name for name in files if not (root / name).exists()]  # the edition's among them
        archive.write_atomic(journal, "".join(f"{name}\n" for name in new))
        archive.write_site(root, files)
        _saved_copies(config, {edition_id: content})
        if not everything:  # the pieces it was assembled from, for the next publish
            store.keep_fragments(built.used, built.made)
        store.commit()
    except BaseException as exc:
        # Whatever stopped it (a full disk, a bug, Ctrl-C), undo it all here; only a process
        # killed outright leaves the journal, for `recover` to act on.
        store.rollback()
        for name in new:
            (root / name).unlink(missing_ok=True)
        with contextlib.suppress(DigestError, OSError, sqlite3.Error):
            archive.write_site(root, _site_files(config, store, parts))  # the pages as they were
        journal.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            message = f"cannot record the edition in the archive's database: {exc}"
            raise ArchiveError(message) from None
        raise
    journal.unlink(missing_ok=True)
    return (html_path, text_path, root / "index.html")


def edition_record(
    edition: Edition, *, root: Path, html: Path, text: Path, scheduled: datetime | None = None
) -> EditionRecord:
    """What the store records of an edition whose files are `html` and `text` in `root`."""
    return EditionRecord(
        id=0,
        digest=edition.digest,
        slug=edition.slug,
        date=edition.date.date().isoformat(),
        since=edition.since,
        until=edition.until,
        html_path=archive.relative(root, html),
        text_path=archive.relative(root, text),
        stories=len(edition.stories),
        headlines=tuple(s.lead.item.title for s in edition.stories[:5]),
        scheduled=scheduled,
    )


PENDING = ".pending-edition"  # the journal of an edition being published


def recover(root: Path, store: Store, *, everywhere: bool = False) -> tuple[Path, ...]:
    """Undo what a publish killed before its commit left: the files its journal names that no
    recorded edition owns, and temporary files: in the archive's top folder (where the
    journal's own is), and in every year folder when the journal is there (a page was being
    written) or `everywhere`. Call only while holding the archive's lock."""
    removed: list[Path] = []
    if not root.is_dir():
        return ()
    journal = root / PENDING
    killed = journal.is_file()
    if killed:
        recorded = {p for e in store.editions() for p in (e.html_path, e.text_path)}
        for name in journal.read_text(encoding="utf-8").split():
            path = root / name
            if name not in recorded and path.is_file() and root.resolve() in path.resolve().parents:
                path.unlink()
                removed.append(path)
        journal.unlink()
    removed += archive.remove_temporary(root, years=killed or everywhere)
    return tuple(removed)


def rebuild(*, config: Config, store: Store, repair: bool = True) -> tuple[Path, ...]:
    """Re-render every stored edition, the index, the feed and the search page; return what
    changed on disk (nothing, when neither the store nor the templates changed).

    With `repair`, first undo what a killed run left (see `recover`)."""
    if repair:
        with contextlib.suppress(OSError):
            recover(config.archive, store, everywhere=True)
    # Under the publish's journal while it writes: a rebuild stopped midway leaves it, and the
    # next publish then renders everything and looks for temporary files everywhere.
    files = _every_file(config, store)
    written = archive.write_site(config.archive, files, journal=config.archive / PENDING)
    return written + _saved_copies(config, store.edition_contents())


PARALLEL_FROM = 200  # editions: below this, worker processes cost more than they save


def _every_file(config: Config, store: Store) -> dict[str, str]:
    """Every file of the archive; with many editions rendered by a process per core, each
    taking whole years (their pages, index pages and search pieces), the rest here."""
    from digest.publish import listing, search_index, site

    records = store.editions()
    whole = listing.whole(records)
    workers = min(os.cpu_count() or 1, 4)
    if len(records) < PARALLEL_FROM or workers < 2:
        return _site_files(config, store, listing.EVERYTHING, whole)
    years = sorted(whole.years)
    contents = store.edition_contents()
    jobs = []
    for group in (frozenset(years[start::workers]) for start in range(workers)):
        mine = [r for r in records if r.date[:4] in group]
        part = listing.Parts(
            editions=frozenset(r.id for r in mine),
            years=group,
            months=frozenset(search_index.month_of(r) for r in mine),
            common=False,
        )
        jobs.append((part, {r.id: contents[r.id] for r in mine if r.id in contents}))
    files: dict[str, str] = {}
    context = multiprocessing.get_context("forkserver")  # clean workers, whoever calls
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        user_dir = _user_templates(config)
        futures = [
            pool.submit(site.build_part, user_dir, whole, mine, config.zone, part)
            for part, mine in jobs
        ]
        for future in futures:
            files.update(future.result())
    nothing = frozenset[str]()
    common = listing.Parts(editions=frozenset(), years=nothing, months=nothing)
    files.update(_site_files(config, store, common, whole))
    return files


def _site_files(
    config: Config, store: Store, parts: Parts, known: Listing | None = None
) -> dict[str, str]:
    """The archive's files that `parts` names, from the store as it is (`known`: the listing
    to build them from, when the caller has it at hand), every piece rendered anew."""
    return _site_build(config, store, parts, known, kept=False).files


def _site_build(
    config: Config, store: Store, parts: Parts, known: Listing | None = None, *, kept: bool = True
) -> SiteBuild:
    """`_site_files`, assembled from the pieces the store keeps (with `kept`) where they fit."""
    from digest.publish import listing, site
    from digest.publish.render import make_environment

    env = make_environment(_user_templates(config))
    return site.build_site(
        env,
        listing.needed(store, parts) if known is None else known,
        store.edition_contents,
        zone=config.zone,
        parts=parts,
        base_url=config.archive_url or "",
        kept=store.fragments if kept else None,
    )


def _saved_copies(config: Config, contents: Mapping[int, str]) -> tuple[Path, ...]:
    """A published archive carries the saved articles its editions link to (README,
    archive_url); without an `archive_url` there is nothing to copy."""
    if not config.archive_url:
        return ()
    from digest.publish.site import saved_copies

    copies = saved_copies(contents)
    return archive.copy_saved(config.archive, copies, config.fetch.max_file_bytes)


def check_site_templates(config: Config) -> None:
    """Refuse (TemplateError) a site template that does not compile; nothing is written."""
    from digest.publish.render import check_templates, make_environment

    check_templates(make_environment(_user_templates(config)))


def _user_templates(config: Config) -> Path | None:
    return config.templates if config.templates.is_dir() else None
