"""`digest run` end to end: real CLI process, real loopback feeds, real seeds, real SQLite."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import LoopbackServer, Route, WriteConfig, digest
from feeds import ABDUCTION_TALKS, MISSILE_OVER_JAPAN, TOKYO_STOCKS, atom, iso, rfc822, rss


def editions(archive: Path) -> list[Path]:
    return sorted(archive.glob("*/*.html"))


def test_seeds_folder_makes_an_edition_of_the_on_topic_articles(
    seeds_folder: Path, write_config: WriteConfig
) -> None:
    config = write_config(f"sources:\n  - name: Saved\n    path: {seeds_folder}\n")
    result = digest("run", "--config", config, cwd=config.parent)
    assert result.returncode == 0, result.stderr
    html_files = editions(config.parent / "archive")
    assert len(html_files) == 1
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-japan-north-korea-relations\.html", html_files[0].name)
    html = html_files[0].read_text()
    text = html_files[0].with_suffix(".txt").read_text()
    for output in (html, text):
        # The 2012 and 2014 talks, the abduction reporting and the 2013 outlook are in...
        assert "Governmental-level Talks" in output
        assert "Caution on Overhyping Agreements" in output
        assert "Breakthrough on horizon for Japan-NK ties" in output
        assert "Megumi Yokota" in output
        assert "first formal talks since November 2012" in output
        # ...and the Ukraine interview and the defectors' concert are not.
        for off_topic in ("Ukraine", "Crimea", "Concert", "concert", "defectors", "Putin"):
            assert off_topic not in output, off_topic
    assert all(len(line) <= 72 or line.lstrip().startswith("Link:") for line in text.splitlines())
    # The Global Times analysis opens with its own first sentence, not with one leaning on it.
    story = text[text.index("Breakthrough on horizon for Japan-NK ties") :]
    opening = " ".join(story.split("\n\n")[1].split())
    assert opening.startswith("It has been reported that in December 2012"), opening
    assert "- Japan has not responded" not in text
    assert "wrote " in result.stdout and "items" in result.stdout.splitlines()[-1]
    index = (config.parent / "archive" / "index.html").read_text()
    assert html_files[0].name in index


def test_feeds_and_failures_are_reported_and_the_run_goes_on(
    server: LoopbackServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    server.add(
        "/rss",
        Route(
            rss(
                [
                    {
                        "title": "Japan and North Korea hold abduction talks",
                        "link": "http://news.invalid/a",
                        "date": rfc822(1),
                        "body": ABDUCTION_TALKS,
                    },
                    {
                        "title": "Tokyo stocks rise",
                        "link": "http://news.invalid/b",
                        "date": rfc822(1),
                        "body": TOKYO_STOCKS,
                    },
                    {
                        "title": "Old abduction story",
                        "link": "http://news.invalid/old",
                        "date": rfc822(30),
                        "body": ABDUCTION_TALKS.replace("Tuesday", "a Monday last month"),
                    },
                ]
            )
        ),
    )
    server.add(
        "/atom",
        Route(
            atom(
                [
                    {
                        "title": "North Korean missile flies over Japan",
                        "link": "http://news.invalid/c",
                        "date": iso(2),
                        "body": MISSILE_OVER_JAPAN,
                    },
                ]
            ),
            content_type="application/atom+xml",
            gzip=True,
        ),
    )
    server.add("/broken", Route(b"<rss><channel><item><title>unclosed", content_type="text/xml"))
    server.add("/500", Route(b"oops", 500, "text/plain"))
    config = write_config(
        "fetch:\n  timeout: 1\nsources:\n"
        f"  - {{name: Wire, url: '{server.url('/rss')}'}}\n"
        f"  - {{name: Atom outlet, url: '{server.url('/atom')}'}}\n"
        f"  - {{name: Broken, url: '{server.url('/broken')}'}}\n"
        f"  - {{name: Missing, url: '{server.url('/404')}'}}\n"
        f"  - {{name: Erroring, url: '{server.url('/500')}'}}\n"
    )
    server.add("/slow", Route(rss([]), delay=3))
    config.write_text(config.read_text() + f"  - {{name: Slow, url: '{server.url('/slow')}'}}\n")

    result = digest("run", "--config", config, cwd=tmp_path)
    assert result.returncode == 3, result.stderr  # partial: made, but some sources failed
    for name, reason in (("Missing", "HTTP 404"), ("Erroring", "HTTP 500"), ("Slow", "timed out")):
        assert f"source '{name}' not read: {reason}" in result.stderr
    assert (
        "source 'Broken' read with a warning: malformed feed, 1 entries recovered" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[-1] == (
        "sources 3 ok, 3 failed; items 5 seen, 5 new, 2 on topic"
    )
    html = editions(tmp_path / "archive")[0].read_text()
    assert 'href="http://news.invalid/a"' in html and 'href="http://news.invalid/c"' in html
    assert "Tokyo stocks" not in html and "Old abduction story" not in html
    for name in ("Missing", "Erroring", "Slow", "Broken"):
        assert f"<li>{name}: " in html
    assert server.requests[0][1]["User-Agent"].startswith("digest/")

    # Nothing is new twice: a second run the same day takes no item again, and writes a new
    # numbered edition rather than overwriting the first.
    [first_page] = editions(tmp_path / "archive")
    first = first_page.read_bytes()
    again = digest("run", "--config", config, cwd=tmp_path)
    assert again.returncode == 3
    # The feeds' bytes are unchanged (no validators sent: the hash path), so none is parsed.
    assert again.stdout.splitlines()[-1].endswith("items 0 seen, 0 new, 0 on topic")
    pages = sorted(editions(tmp_path / "archive"), key=lambda p: len(p.name))
    assert len(pages) == 2 and pages[1].name == pages[0].name.replace(".html", "-2.html")
    # The first edition keeps its stories; only its navigation gains a link to the next one.
    kept = pages[0].read_bytes()
    assert b'href="http://news.invalid/a"' in kept and b'href="http://news.invalid/c"' in kept
    assert len(kept) >= len(first)


def test_offline_uses_saved_articles_and_names_the_feeds_not_reached(
    seeds_folder: Path, write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config(
        f"sources:\n  - {{name: Saved, path: '{seeds_folder}'}}\n"
        "  - {name: Remote, url: 'http://192.0.2.1/feed'}\n"
    )
    result = digest("run", "--offline", "--config", config, cwd=tmp_path)
    assert result.returncode == 3
    assert "source 'Remote' not read: not fetched (offline)" in result.stderr
    assert "Governmental-level Talks" in editions(tmp_path / "archive")[0].read_text()


def test_dry_run_writes_nothing(
    seeds_folder: Path, write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config(f"sources:\n  - {{name: Saved, path: '{seeds_folder}'}}\n")
    result = digest("run", "--dry-run", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Governmental-level Talks" in result.stdout
    assert not (tmp_path / "archive").exists()


def test_since_overrides_the_window(write_config: WriteConfig, tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    article = saved / "talks.txt"
    article.write_text(
        "Japan and North Korea agree to resume abduction talks\n\n"
        + re.sub(r"<[^>]+>", "\n\n", ABDUCTION_TALKS)
    )
    import os

    old = 40 * 86400
    stat = article.stat()
    os.utime(article, (stat.st_atime - old, stat.st_mtime - old))  # saved 40 days ago
    config = write_config(f"sources:\n  - {{name: Saved, path: '{saved}'}}\n")
    recent = digest("run", "--dry-run", "--config", config, cwd=tmp_path)
    assert "0 on topic" in recent.stdout
    wide = digest("run", "--dry-run", "--since", "60d", "--config", config, cwd=tmp_path)
    assert "1 on topic" in wide.stdout, wide.stdout


def test_a_run_imports_no_summariser_parser_or_templates_before_its_first_request() -> None:
    """The first request should not wait for sumy, nltk, numpy, lxml, feedparser or jinja2.

    (rich is not in the list: httpx imports it for its own command line.)"""
    heavy = ("nltk", "sumy", "numpy", "jinja2", "feedparser", "lxml", "trafilatura")
    code = (
        "import sys\n"
        "import digest.config, digest.edition, digest.sources, digest.sources.poller\n"
        "import digest.store\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
