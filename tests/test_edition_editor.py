"""An edition as an editor signs it, through the CLI: every outlet under its story, the most
informative lead, follow-ups to earlier editions, developing stories, an honest header, and
editions of one day told apart."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import LoopbackServer, Route, WriteConfig
from feeds import rfc822, rss
from test_run import digest

CLIPPINGS = Path(__file__).parents[1] / "archive" / "clippings"


def pages(archive: Path, suffix: str = ".txt") -> list[Path]:
    """The edition pages in the order they were made (a day's second edition ends in -2)."""
    return sorted(archive.glob(f"*/*{suffix}"), key=lambda p: (len(p.name), p.name))


NOTICE_WIRE = (
    "<p>North Korea has notified Japan's coast guard that it will launch a military spy "
    "satellite between Thursday and next Tuesday, on a path over Okinawa, Japanese officials "
    "said on Monday.</p>"
    "<p>Tokyo warned that it would shoot down any debris that threatened its territory and "
    "urged Pyongyang to cancel the launch of the rocket.</p>"
)
LAUNCH = (
    "<p>North Korea launched a rocket carrying a military spy satellite on Thursday, and an "
    "emergency alert told residents of Okinawa to take shelter as it flew over the islands.</p>"
    "<p>The satellite failed to reach orbit, the state news agency said later.</p>"
)


# The rest of a period's stream: what makes a thread's terms rare.
FILLER = [
    {
        "title": f"Markets in {city} close {move}",
        "link": f"http://markets.invalid/{city.lower()}",
        "date": rfc822(0.5),
        "body": f"Shares in {city} {move} on {reason}, with {sector} stocks leading.",
    }
    for city, move, reason, sector in [
        ("Frankfurt", "higher", "hopes of lower rates", "car"),
        ("Madrid", "lower", "weak bank earnings", "energy"),
        ("Toronto", "flat", "mixed jobs data", "mining"),
        ("Sydney", "higher", "strong iron ore prices", "resource"),
        ("Mumbai", "lower", "profit taking", "software"),
        ("Paris", "higher", "a rally in luxury goods", "fashion"),
    ]
]


def one_edition(
    server: LoopbackServer, write_config: WriteConfig, feeds: dict[str, bytes], extra: str = ""
) -> Path:
    """One `digest run` over these outlets' feeds (name -> RSS); the edition's HTML page.
    `extra` is added to every source's line (`lang: ko`)."""
    lines = []
    for number, (name, feed) in enumerate(feeds.items()):
        server.add(f"/feed{number}", Route(feed))
        lines.append(f"  - {{name: {name}, url: '{server.url(f'/feed{number}')}'{extra}}}\n")
    config = write_config("sources:\n" + "".join(lines))
    result = digest("run", "--config", config, cwd=config.parent)
    assert result.returncode == 0, result.stderr
    [html] = pages(config.parent / "archive", ".html")
    return html


def notice_feed(days_ago: float) -> bytes:
    return rss(
        [
            *FILLER,
            {
                "title": "North Korea notifies Japan of satellite launch window",
                "link": "http://wire.invalid/notice",
                "date": rfc822(days_ago),
                "body": NOTICE_WIRE,
            },
        ]
    )


def launch_feed() -> bytes:
    return rss(
        [
            *FILLER,
            {
                "title": "North Korean spy satellite launch sets off alert in Okinawa",
                "link": "http://wire.invalid/launch",
                "date": rfc822(0.01),
                "body": LAUNCH,
            },
        ]
    )


def test_a_story_shows_every_outlet_with_its_headline_and_leads_with_the_fullest(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    photo = {
        "title": "North Korea notifies Japan of a satellite launch window, officials say",
        "link": "http://photo.invalid/notice",
        "date": rfc822(0.1),
        "body": "People watch a TV screen showing a news report in Tokyo. (Ann Lee/AP Photo)",
    }
    html = one_edition(server, write_config, {"Photo desk": rss([photo]), "Wire": notice_feed(0.2)})
    page = html.read_text()
    # The fuller report leads, whatever came first; the other outlet is listed with its own
    # headline as the link text, and its caption is nowhere.
    start = page.index('<h3><a href="http://wire.invalid/notice">North Korea notifies Japan')
    article = page[start : page.index("</article>", start)]
    assert re.search(
        r"Also reported by:.*<li>Photo desk: <a href=\"http://photo.invalid/notice\">"
        r"North Korea notifies Japan of a satellite launch window, officials say</a></li>",
        article,
        re.DOTALL,
    ), article
    assert "TV screen" not in page
    text = " ".join(html.with_suffix(".txt").read_text().split())
    assert "- Photo desk: North Korea notifies Japan of a satellite launch window" in text
    assert "Link: http://photo.invalid/notice" in text


def test_the_leads_own_outlet_is_listed_apart_from_the_other_outlets(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    # A wire's update of its report is the same outlet again, not one more outlet telling it.
    update = {
        "title": "North Korea notifies Japan of satellite launch window (update)",
        "link": "http://wire.invalid/notice-update",
        "date": rfc822(0.1),
        "body": NOTICE_WIRE.split("</p>")[0] + "</p>",
    }
    other = {
        "title": "Pyongyang tells Japan of satellite launch window over Okinawa",
        "link": "http://daily.invalid/notice",
        "date": rfc822(0.15),
        "body": NOTICE_WIRE.split("</p>")[0] + "</p>",
    }
    notice = {
        "title": "North Korea notifies Japan of satellite launch window",
        "link": "http://wire.invalid/notice",
        "date": rfc822(0.2),
        "body": NOTICE_WIRE,
    }
    html = one_edition(
        server, write_config, {"Wire": rss([*FILLER, notice, update]), "Daily": rss([other])}
    )
    text = " ".join(html.with_suffix(".txt").read_text().split())
    assert re.search(
        r"Link: http://wire.invalid/notice Also from Wire: - North Korea notifies Japan of "
        r"satellite launch window \(update\) Link: http://wire.invalid/notice-update "
        r"Also reported by: - Daily: Pyongyang tells Japan",
        text,
    ), text
    page = html.read_text()
    assert re.search(
        r'<div class="also own"><p>Also from Wire:</p>\s*<ul><li><a href="http://wire.invalid/'
        r'notice-update">[^<]+</a></li></ul>\s*</div>\s*<div class="also"><p>Also reported by:'
        r"</p>\s*<ul><li>Daily: ",
        page,
    ), page


def test_a_story_that_continues_one_of_an_earlier_edition_says_so_and_links_to_it(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    server.add("/feed", Route(notice_feed(0.3)))
    config = write_config(f"sources:\n  - {{name: Wire, url: '{server.url('/feed')}'}}\n")
    first = digest("run", "--config", config, cwd=config.parent)
    assert first.returncode == 0, first.stderr
    server.add("/feed", Route(launch_feed()))
    second = digest("run", "--config", config, cwd=config.parent)
    assert second.returncode == 0, second.stderr
    old, new = pages(config.parent / "archive", ".html")
    text = new.with_suffix(".txt").read_text()
    assert re.search(
        r"Follow-up to: North Korea notifies Japan of satellite launch window\s+— edition of "
        r"\d{1,2} \w+ \d{4}",
        " ".join(text.split()),
    ), text
    html = new.read_text()
    earlier_id = re.search(r'<article id="(story-\w+)"', old.read_text())
    assert earlier_id is not None
    assert f'href="{old.name}#{earlier_id.group(1)}"' in html
    # The first edition follows nothing up.
    assert "Follow-up to" not in old.read_text()


def test_one_developing_story_inside_an_edition_is_shown_as_such(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    server.add("/notice", Route(notice_feed(1.5)))
    server.add("/launch", Route(launch_feed()))
    config = write_config(
        "sources:\n"
        f"  - {{name: Wire, url: '{server.url('/notice')}'}}\n"
        f"  - {{name: Agency, url: '{server.url('/launch')}'}}\n"
    )
    result = digest("run", "--config", config, cwd=config.parent)
    assert result.returncode == 0, result.stderr
    [text_page] = pages(config.parent / "archive")
    text = " ".join(text_page.read_text().split())
    assert (
        "Developing story, also in this edition: North Korean spy satellite launch sets off "
        "alert in Okinawa" in text
    )
    assert (
        "Developing story, also in this edition: North Korea notifies Japan of satellite "
        "launch window" in text
    )
    html = text_page.with_suffix(".html").read_text()
    assert re.search(r'class="developing">Developing story[^<]*<a href="#story-\w+">', html)


@pytest.fixture(scope="module")
def saved_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """`digest run --since all` over the saved articles, then the same run again in the same
    folder: the archive as the first run left it (a copy), and as the second left it."""
    folder = tmp_path_factory.mktemp("saved")
    config = folder / "feeds.yaml"
    config.write_text(f"sources:\n  - name: Saved\n    path: {CLIPPINGS}\n", encoding="utf-8")
    once = tmp_path_factory.mktemp("saved-once") / "archive"
    for run in range(2):
        result = digest("run", "--config", config, "--since", "all", cwd=folder)
        assert result.returncode == 0, result.stderr
        if run == 0:
            shutil.copytree(folder / "archive", once, symlinks=True)
    return once, folder / "archive"


def test_since_all_states_the_period_its_items_span_and_the_brief_stands_alone(
    saved_twice: tuple[Path, Path],
) -> None:
    [text_page] = pages(saved_twice[0])
    text = text_page.read_text()
    header = text.splitlines()[2]
    assert header.startswith("Covering ") and "1926" not in header
    brief = text[text.index("THE WEEK IN BRIEF") : text.index("==")]
    lines = brief.split("\n- ")[1:]
    assert 3 <= len(lines) <= 5
    for line in lines:
        assert not line.startswith(("The two-day", "It ", "This ", "But ", "He ", "She "))


def test_two_editions_of_one_day_are_told_apart_in_the_index_and_prev_next(
    saved_twice: tuple[Path, Path],
) -> None:
    archive = saved_twice[1]
    first, second = pages(archive, ".html")
    index = (archive / "index.html").read_text()
    labels = re.findall(r"\w+day \d{1,2} \w+ \d{4}, \d\d:\d\d", index)
    assert len(labels) == 2, labels
    nav_next = re.search(r'rel="next" href="[^"]+">Next: ([^<]+) →', first.read_text())
    nav_prev = re.search(r'rel="prev" href="[^"]+">← Previous: ([^<]+)</a>', second.read_text())
    assert nav_next and nav_prev
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d\d:\d\d", nav_next.group(1))
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d\d:\d\d", nav_prev.group(1))


def test_a_story_whose_report_has_no_text_says_so_instead_of_a_blank(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    caption_only = {
        "title": "Japan sends patrol planes to watch North Korea sanctions evasion at sea",
        "link": "http://photo.invalid/patrol",
        "date": rfc822(0.1),
        "body": "A patrol aircraft on the tarmac at an air base, in an undated photo. "
        "(Ann Lee/AP Photo)",
    }
    html = one_edition(server, write_config, {"Photo desk": rss([*FILLER, caption_only])})
    text = html.with_suffix(".txt").read_text()
    assert "Japan sends patrol planes" in text
    assert "No summary: the report came with no sentence that stands on its own" in text
    assert "undated photo" not in text
    assert '<p class="no-summary">No summary' in html.read_text()


def test_a_teaser_cut_mid_sentence_is_shown_as_the_feeds_opening_not_as_a_summary(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    # A portal's feed gives the first ~100 characters and "...": the sentence has no end.
    teaser = {
        "title": '북한, 일본 방위력 강화 비난…"지역 긴장 높일 것"',
        "link": "http://wire.invalid/ko/1",
        "date": rfc822(0.1),
        "body": "(서울=연합뉴스) 홍길동 기자 = 북한이 일본의 방위비 증액과 장거리 미사일 배치 "
        "계획을 비난하며 일본이 지역의 긴장을 높이고 있다고 주장했다고 조선중앙통신 ...",
    }
    html = one_edition(server, write_config, {"Wire": rss([*FILLER, teaser])}, extra=", lang: ko")
    text = html.with_suffix(".txt").read_text()
    assert "일본 방위력 강화 비난" in text
    # shown as what it is, the feed's opening (without byline), never as a summary
    assert "The feed gives only the report's opening, cut off:" in text
    assert "  북한이 일본의 방위비 증액과" in text and "홍길동" not in text
    assert "조선중앙통신…" in text and "조선중앙통신 ..." not in text
    page = html.read_text()
    assert re.search(r'<p class="opening" lang="ko">북한이 [^<]+조선중앙통신…</p>', page)


def wire_versions(lead_body: str) -> list[dict[str, str]]:
    """A wire's three versions of one report, the newest under a "(2nd LD)" marker."""
    titles = [
        ("North Korea notifies Japan of satellite launch window", 0.3),
        ("(LEAD) North Korea notifies Japan of satellite launch window", 0.25),
        ("(2nd LD) North Korea notifies Japan of satellite launch window", 0.2),
    ]
    return [
        {
            "title": title,
            "link": f"http://wire.invalid/notice-{number}",
            "date": rfc822(days_ago),
            "body": lead_body,
        }
        for number, (title, days_ago) in enumerate(titles, 1)
    ]


def test_a_wires_versions_of_one_report_are_one_line_with_the_earlier_ones_linked(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    short = NOTICE_WIRE.split("</p>")[0] + "</p>"
    # the fuller report leads: the wire's three versions vote for their headline once, not thrice
    fuller = {
        "title": "Pyongyang tells Japan of satellite launch window over Okinawa",
        "link": "http://daily.invalid/notice",
        "date": rfc822(0.15),
        "body": NOTICE_WIRE + "<p>Japan's defence ministry readied its interceptors.</p>",
    }
    html = one_edition(
        server,
        write_config,
        {"Wire": rss([*FILLER, *wire_versions(short)]), "Daily": rss([fuller])},
    )
    text = " ".join(html.with_suffix(".txt").read_text().split())
    assert re.search(
        r"Also reported by: - Wire: \(2nd LD\) North Korea notifies Japan of satellite launch "
        r"window \(newest of 3 versions\) Link: http://wire.invalid/notice-3 "
        r"Earlier: http://wire.invalid/notice-1 Earlier: http://wire.invalid/notice-2",
        text,
    ), text
    assert text.count("notifies Japan of satellite launch window") == 1, text
    page = html.read_text()
    [entry] = re.findall(r"<li>Wire: .*?</li>", page)
    assert re.fullmatch(
        r'<li>Wire: <a href="http://wire.invalid/notice-3">\(2nd LD\) North Korea [^<]+</a> '
        r'<span class="versions">\(newest of 3 versions; earlier: '
        r'<a href="http://wire.invalid/notice-1">[^<]+</a>, '
        r'<a href="http://wire.invalid/notice-2">[^<]+</a>\)</span></li>',
        entry,
    ), entry


def test_the_leads_other_versions_are_linked_under_it_not_listed_as_reports(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    versions = wire_versions(NOTICE_WIRE.split("</p>")[0] + "</p>")
    versions[1]["body"] = NOTICE_WIRE  # the (LEAD) version is the fullest: it leads
    html = one_edition(server, write_config, {"Wire": rss([*FILLER, *versions])})
    text = " ".join(html.with_suffix(".txt").read_text().split())
    assert re.search(
        r"Link: http://wire.invalid/notice-2 Other versions of this report from Wire: 2 "
        r"Link: http://wire.invalid/notice-1 Link: http://wire.invalid/notice-3",
        text,
    ), text
    assert "Also from Wire" not in text
    page = html.read_text()
    assert re.search(
        r'<p class="versions">Other versions of this report from Wire: '
        r'<a href="http://wire.invalid/notice-1">[^<]+</a>, '
        r'<a href="http://wire.invalid/notice-3">[^<]+</a></p>',
        page,
    ), page
    assert 'class="also' not in page


def test_a_story_with_only_an_opening_is_placed_by_what_the_opening_says(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    teaser = {
        "title": "Japanese court says N Korea responsible for abuses of people lured there",
        "link": "http://wire.invalid/court",
        "date": rfc822(0.1),
        "body": "A Japanese high court on Monday said the North Korean government was "
        "responsible for the human rights abuses of plaintiffs who said they were lured to...",
    }
    html = one_edition(server, write_config, {"Wire": rss([*FILLER, teaser])})
    text = html.with_suffix(".txt").read_text()
    assert "The feed gives only the report's opening, cut off:" in text
    assert "== REMAINS, CHONGRYON AND PEOPLE ==" in text, text


def test_a_reports_date_is_the_editions_day_not_utcs(
    server: LoopbackServer, write_config: WriteConfig
) -> None:
    # 00:30 in Tokyo is 15:30 UTC of the day before: a Tokyo edition dates it by Tokyo's day
    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime.now(tokyo)
    moment = now.replace(hour=0, minute=30, second=0, microsecond=0)
    if moment > now:
        moment -= timedelta(days=1)
    report = {
        "title": "North Korea notifies Japan of satellite launch window",
        "link": "http://wire.invalid/notice",
        "date": format_datetime(moment),
        "body": NOTICE_WIRE,
    }
    server.add("/wire", Route(rss([*FILLER, report])))
    config = write_config(
        f"timezone: Asia/Tokyo\nsources:\n  - {{name: Wire, url: '{server.url('/wire')}'}}\n"
    )
    result = digest("run", "--config", config, cwd=config.parent)
    assert result.returncode == 0, result.stderr
    [html] = pages(config.parent / "archive", ".html")
    day = f"{moment:%-d %b %Y}"
    assert moment.astimezone(UTC).date() != moment.date()
    assert f"  Wire - {day}\n" in html.with_suffix(".txt").read_text()
    assert f'<time datetime="{moment.date().isoformat()}">{day}</time>' in html.read_text()
    [piece] = (config.parent / "archive").glob("*/search-*.js")  # the browser search's dates
    assert f'"date":"{moment.date().isoformat()}"' in piece.read_text().replace(": ", ":")
