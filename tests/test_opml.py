"""OPML round trip: what feed readers export comes in with its folders and sites, what was left out
is named, and the export is the OPML 2.0 that Feedly, Inoreader, NetNewsWire and Miniflux read.

The reader exports below are written for these tests in the shape each reader's export takes
(Feedly and Inoreader: OPML 1.0, one folder level, `text` and `title`; NetNewsWire: OPML 1.1 with
`version="RSS"` and empty descriptions; Miniflux: OPML 2.0 with a dateCreated, every feed in a
category outline).
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import WriteConfig
from defusedxml.ElementTree import fromstring

from digest.cli.app import cli
from digest.config import load_config
from digest.sources.opml import plan_import, read_opml
from digest.sources.settings import SourceSettings

FEEDLY = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Reader subscriptions in feedly Cloud</title></head>
  <body>
    <outline text="Korea" title="Korea">
      <outline type="rss" text="NK News" title="NK News" xmlUrl="https://www.nknews.org/feed/"
          htmlUrl="https://www.nknews.org"/>
      <outline type="rss" text="38 North" title="38 North"
          xmlUrl="https://www.38north.org/feed/" htmlUrl="https://www.38north.org/"/>
    </outline>
    <outline text="Japan" title="Japan">
      <outline type="rss" text="NK News" title="NK News"
          xmlUrl="https://www.nknews.org/feed/japan/" htmlUrl="https://www.nknews.org"/>
      <outline type="rss" text="Kyodo" title="Kyodo"
          xmlUrl="https://english.kyodonews.net/rss/all.xml"/>
    </outline>
  </body>
</opml>"""

INOREADER = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Subscriptions from Inoreader</title></head>
  <body>
    <outline text="Wires" title="Wires">
      <outline text="Kyodo again" title="Kyodo again" type="rss"
          xmlUrl="https://english.kyodonews.net/rss/all.xml"
          htmlUrl="https://english.kyodonews.net/"/>
      <outline text="Bookmarklet" title="Bookmarklet" type="rss"
          xmlUrl="javascript:alert(document.cookie)"/>
      <outline text="Lost its URL" title="Lost its URL" type="rss"/>
    </outline>
  </body>
</opml>"""

NETNEWSWIRE = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.1">
  <head><title>mySubscriptions.opml</title></head>
  <body>
    <outline text="Yonhap" title="Yonhap" description="" type="rss" version="RSS"
        htmlUrl="https://en.yna.co.kr/" xmlUrl="https://en.yna.co.kr/RSS/nk.xml"/>
    <outline text="Analysis" title="Analysis">
      <outline text="Deep" title="Deep">
        <outline text="Daily NK" title="Daily NK" description="" type="rss" version="RSS"
            htmlUrl="https://www.dailynk.com/english/"
            xmlUrl="https://www.dailynk.com/english/feed/"/>
      </outline>
    </outline>
  </body>
</opml>"""

MINIFLUX = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Miniflux</title><dateCreated>Mon, 23 Nov 2026 07:00:00 +0900</dateCreated></head>
  <body>
    <outline text="All">
      <outline title="The Diplomat" text="The Diplomat" xmlUrl="https://thediplomat.com/feed/"
          htmlUrl="https://thediplomat.com"></outline>
      <outline title="NHK" text="NHK" xmlUrl="https://www3.nhk.or.jp/rss/news/cat0.xml"
          htmlUrl="https://www3.nhk.or.jp/" category="/ignored/here"></outline>
    </outline>
    <outline title="Loose" text="Loose" xmlUrl="https://loose.example.org/rss"
        category="/Regional/Asia,/Other"></outline>
  </body>
</opml>"""

CONFIG = """# the desk's feeds
sources:
  # saved articles
  - name: Clippings
    path: saved
  - name: Kyodo
    url: https://english.kyodonews.net/rss/all.xml
"""


def test_reader_exports_keep_their_folders_and_sites() -> None:
    feedly = read_opml(FEEDLY, where="feedly.opml")
    assert [(o.name, o.category, o.site_url) for o in feedly.feeds] == [
        ("NK News", ("Korea",), "https://www.nknews.org"),
        ("38 North", ("Korea",), "https://www.38north.org/"),
        ("NK News", ("Japan",), "https://www.nknews.org"),
        ("Kyodo", ("Japan",), None),
    ]
    nested = read_opml(NETNEWSWIRE, where="nnw.opml")
    assert [(o.name, o.category) for o in nested.feeds] == [
        ("Yonhap", ()),
        ("Daily NK", ("Analysis", "Deep")),
    ]
    miniflux = read_opml(MINIFLUX, where="miniflux.opml")
    assert [(o.name, o.category) for o in miniflux.feeds] == [
        ("The Diplomat", ("All",)),
        ("NHK", ("All",)),  # the nesting wins over a category attribute
        ("Loose", ("Regional", "Asia")),  # OPML 2.0's category: the first path
    ]


def test_outlines_that_cannot_be_feeds_are_named_with_the_reason() -> None:
    found = read_opml(INOREADER, where="inoreader.opml")
    assert [o.name for o in found.feeds] == ["Kyodo again"]
    reasons = [s.line() for s in found.skipped]
    assert reasons == [
        "skipped 'Bookmarklet': not an http(s) feed URL ('javascript:alert(document.cookie)')",
        "skipped 'Lost its URL': no feed URL (xmlUrl)",
    ]
    twice = FEEDLY.replace(b"/feed/japan/", b"/feed/")
    assert [s.line() for s in read_opml(twice, where="x").skipped] == [
        "skipped 'NK News': the same feed URL as 'NK News' above"
    ]


def import_(config: Path, opml: bytes, tmp_path: Path, *extra: str) -> object:
    path = tmp_path / "export.opml"
    path.write_bytes(opml)
    runner = CliRunner()
    return runner.invoke(cli, ["sources", "import", str(path), "--config", str(config), *extra])


def test_import_reports_what_it_skipped_and_never_numbers_names(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    (tmp_path / "saved").mkdir()
    config = write_config(CONFIG)
    result = import_(config, FEEDLY, tmp_path)
    assert result.exit_code == 0, result.output
    assert "added 3 feeds to" in result.stdout and "skipped 1" in result.stdout
    assert "skipped 'Kyodo': already configured as 'Kyodo'" in result.stderr
    renamed = "named 'NK News (Japan)': another source is already called 'NK News'"
    assert renamed in result.stderr
    text = config.read_text()
    assert text.startswith(CONFIG) and "(2)" not in text
    sources = load_config(config).sources
    assert [(s.name, s.category, s.site_url) for s in sources[2:]] == [
        ("NK News", ("Korea",), "https://www.nknews.org"),
        ("38 North", ("Korea",), "https://www.38north.org/"),
        ("NK News (Japan)", ("Japan",), "https://www.nknews.org"),
    ]
    again = import_(config, INOREADER, tmp_path)
    assert again.exit_code == 0
    assert "no new feeds" in again.stdout and "skipped 3" in again.stdout
    assert len(again.stderr.strip().splitlines()) == 3


def test_export_is_indented_opml_2_that_readers_import(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    (tmp_path / "saved").mkdir()
    config = write_config(CONFIG)
    for opml in (FEEDLY, NETNEWSWIRE, MINIFLUX):
        assert import_(config, opml, tmp_path).exit_code == 0
    exported = CliRunner().invoke(cli, ["sources", "export", "--config", str(config)])
    assert exported.exit_code == 0
    text = exported.stdout
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>')
    assert "\n      <outline " in text  # one outline a line, indented by depth
    root = fromstring(text.encode())
    assert root.get("version") == "2.0"
    assert root.findtext("head/title")
    parsedate_to_datetime(root.findtext("head/dateCreated") or "")  # RFC 822, as 2.0 requires
    body = root.find("body")
    assert body is not None
    for outline in body.iter("outline"):
        assert outline.get("text"), "every outline needs text (OPML 2.0; Feedly requires it)"
        if outline.get("xmlUrl"):
            assert outline.get("type") == "rss" and outline.get("title") == outline.get("text")
            assert not list(outline), "a feed outline has no children"
        else:  # a folder: text and title, no feed attributes
            assert outline.get("title") == outline.get("text") and outline.get("type") is None
    # Round trip: the export read back is the config's feeds, folders and sites included.
    configured = [
        (s.name, s.feed_url, s.site_url, s.category)
        for s in load_config(config).sources
        if s.feed_url
    ]
    back = read_opml(text.encode(), where="export")
    read_back = [(o.name, o.url, o.site_url, o.category) for o in back.feeds]
    assert sorted(read_back, key=repr) == sorted(configured, key=repr)  # grouped by folder
    assert not back.skipped


@pytest.mark.parametrize("depth", [50, 20_000])
def test_deep_nesting_keeps_the_outer_folders_and_every_feed(depth: int) -> None:
    opening = b'<outline text="f">' * depth
    feed = b'<outline text="Deep" xmlUrl="https://deep.example.org/rss"/>'
    document = b"<opml><body>" + opening + feed + b"</outline>" * depth + b"</body></opml>"
    (outline,) = read_opml(document, where="deep.opml").feeds
    assert outline.name == "Deep" and outline.category == ("f",) * 8


def test_a_taken_name_without_a_folder_is_told_apart_by_its_address() -> None:
    found = read_opml(NETNEWSWIRE.replace(b"RSS/nk.xml", b"RSS/all.xml"), where="x")
    taken = (SourceSettings(name="Yonhap", url="https://en.yna.co.kr/RSS/nk.xml"),)
    plan = plan_import(found, taken)
    assert plan.added[0].name == "Yonhap (en.yna.co.kr/RSS/all.xml)"
    assert plan.renamed == (("Yonhap (en.yna.co.kr/RSS/all.xml)", "Yonhap"),)
