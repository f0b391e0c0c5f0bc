"""`digest sources`: the health table, OPML import (comments kept) and export, round-tripping."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LoopbackServer, Route, WriteConfig
from feeds import rfc822, rss

from digest.cli.app import cli
from digest.config import FetchSettings, load_config
from digest.errors import ConfigError
from digest.sources.feeds import FeedSource
from digest.sources.opml import read_opml
from digest.sources.poller import Poller
from digest.store import Store

OPML = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>Desk</title></head><body>
<outline text="Korea"><outline text="NK News" xmlUrl="https://www.nknews.org/feed/"/>
<outline title="38 North" text="38N" xmlUrl="https://www.38north.org/feed/"/></outline>
<outline text="Already here" xmlUrl="https://a.example.org/rss"/>
<outline text="Not a feed" htmlUrl="https://b.example.org/"/>
</body></opml>"""

CONFIG = """# the desk's feeds
timezone: Asia/Tokyo
sources:
  # wire services
  - name: Wire
    url: https://a.example.org/rss
  - name: Abductions
    search: "Japan North Korea abduction"
"""


def test_opml_import_keeps_comments_and_export_round_trips(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    config = write_config(CONFIG)
    opml = tmp_path / "desk.opml"
    opml.write_bytes(OPML)
    runner = CliRunner()
    result = runner.invoke(cli, ["sources", "import", str(opml), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "added 2 feeds" in result.output
    text = config.read_text()
    assert text.startswith(CONFIG) and "# wire services" in text
    names = [(s.name, s.feed_url) for s in load_config(config).sources]
    assert names[2:] == [
        ("NK News", "https://www.nknews.org/feed/"),
        ("38 North", "https://www.38north.org/feed/"),
    ]
    assert "news.google.com/rss/search?q=Japan+North+Korea+abduction" in str(names[1][1])

    exported = runner.invoke(cli, ["sources", "export", "--config", str(config)])
    assert exported.exit_code == 0
    assert exported.output.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
    )
    back = [(o.name, o.url) for o in read_opml(exported.output.encode(), where="export").feeds]
    assert back == names

    fresh = tmp_path / "new.yaml"
    opml.write_text(exported.output)
    result = runner.invoke(cli, ["sources", "import", str(opml), "--output", str(fresh)])
    assert result.exit_code == 0, result.output
    assert [(s.name, s.feed_url) for s in load_config(fresh).sources] == names


def test_an_imported_feed_inside_the_network_is_named(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    opml = tmp_path / "shared.opml"
    opml.write_bytes(
        b'<opml version="2.0"><body><outline text="Meta" xmlUrl="http://169.254.169.254/latest"/>'
        b'<outline text="Admin" xmlUrl="http://localhost:8080/feed"/>'
        b'<outline text="Fine" xmlUrl="https://www.38north.org/feed/"/></body></opml>'
    )
    result = CliRunner().invoke(
        cli, ["sources", "import", str(opml), "--output", str(tmp_path / "new.yaml")]
    )
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: 'Meta' points inside your network (http://169.254.169.254/latest)",
        "warning: 'Admin' points inside this machine (http://localhost:8080/feed)",
    ]


def test_unsafe_or_foreign_xml_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>'
    with pytest.raises(ConfigError, match="not a readable OPML file"):
        read_opml(bomb, where="bomb.opml")
    with pytest.raises(ConfigError, match="root element <rss>"):
        read_opml(b"<rss/>", where="x.opml")


def test_sources_prints_health_as_a_table(
    server: LoopbackServer, write_config: WriteConfig, tmp_path: Path
) -> None:
    items = [{"title": "T", "link": "http://news.invalid/t", "date": rfc822(1), "body": "b"}]
    ok = server.add("/ok", Route(rss(items)))
    bad = server.add("/bad", Route(b"no", 500, "text/plain"))
    config = write_config(
        f"sources:\n  - {{name: Good feed, url: '{ok}'}}\n  - {{name: Bad feed, url: '{bad}'}}\n"
        "  - {name: Unpolled, url: 'https://c.example.org/rss'}\n"
    )
    store = Store.open(tmp_path / "archive" / "digest.sqlite3")
    fetch = FetchSettings(timeout=2)
    feeds = [FeedSource("Good feed", ok, fetch), FeedSource("Bad feed", bad, fetch)]
    polled = Poller(fetch).poll(feeds, store=store, now=datetime.now(UTC))
    store.save_source_states(p.state for p in polled)
    store.close()
    result = CliRunner().invoke(cli, ["sources", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    good = next(line for line in lines if "Good feed" in line)
    assert " ok " in good and " 1 " in good  # items per poll, a whole number
    failing = next(line for line in lines if "Bad feed" in line)
    assert "failing" in failing and "HTTP 500" in failing
    assert "never polled" in next(line for line in lines if "Unpolled" in line)
    assert "median ms" in result.output
