"""The lxml fast path reads every real feed exactly as feedparser does, or declines it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import EVAL, need

from digest.errors import SourceError
from digest.sources.entries import parse_feed
from digest.sources.fastfeed import parse_fast

REAL = EVAL / "feeds" / "real"
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
HEADERS = {"content-type": "application/xml"}


def real_files() -> list[Path]:
    need(REAL)
    return sorted(p for p in REAL.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")


def test_both_paths_give_the_same_items_on_every_real_feed() -> None:
    """Ids, titles, links, dates, authors and text alike: the fast path changes nothing.

    Files the fast path declines (RSS 0.9x, JSON Feed, malformed, unusual elements) go to feedparser
    and are equal by construction; the test also makes sure most real feeds take the fast path.
    """
    fast_files = 0
    files = real_files()
    for path in files:
        data = path.read_bytes()
        try:
            slow = parse_feed(data, source="s", now=NOW, headers=HEADERS, fast=False)
        except SourceError:
            assert parse_fast(data, HEADERS) is None, path
            continue
        fast = parse_feed(data, source="s", now=NOW, headers=HEADERS)
        if parse_fast(data, HEADERS) is not None:
            fast_files += 1
        assert len(fast.items) == len(slow.items), path
        for mine, theirs in zip(fast.items, slow.items, strict=True):
            assert mine == theirs, (path, mine.id)
        assert fast.teasers == slow.teasers, path
        assert fast.warning == slow.warning, path
    rows = [line.split("\t") for line in (REAL / "MANIFEST.tsv").read_text().splitlines()[1:]]
    plain = sum(1 for r in rows if r[7] in ("rss20", "atom10") and r[9] == "0")
    assert fast_files >= 0.8 * plain, f"only {fast_files} of {plain} plain feeds on the fast path"


@pytest.mark.parametrize(
    "document",
    [
        # RSS 0.90 (RDF in Netscape's namespace)
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://my.netscape.com/rdf/simple/0.9/"><item><title>t</title></item></rdf:RDF>',
        # RSS 1.0 with an item inside the channel, or CDF attributes on an item
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><channel><item><title>t</title></item></channel>'
        b"<item><title>u</title></item></rdf:RDF>",
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><item href="http://x/"><title>t</title></item></rdf:RDF>',
        b'{"version": "https://jsonfeed.org/version/1", "items": []}',
        b"<rss version='2.0'><channel><item><title>broken</item></channel></rss>",
        # another encoding where feedparser would not simply decode it as declared
        b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel></channel></rss>'
        b"\x00",
        b'<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><item>'
        b"<title>\x98</title></item></channel></rss>",
        b'<!DOCTYPE rss [<!ENTITY x "y">]><rss version="2.0"><channel></channel></rss>',
        # an Atom-style source (a feed's own fields) inside an RSS item
        b"<rss version='2.0'><channel><item><source url='u'><title>s</title></source></item>"
        b"</channel></rss>",
    ],
)
def test_unusual_documents_go_to_feedparser(document: bytes) -> None:
    assert parse_fast(document, HEADERS) is None


def test_another_declared_encoding_is_read_as_feedparser_reads_it_unless_http_says_otherwise() -> (
    None
):
    document = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><item>'
        "<guid>a</guid><title>Caf\u00e9 \u00c3\u00a9t\u00e9 \x93quoted\x94</title>"
        "<description>na\u00efve</description></item></channel></rss>"
    ).encode("iso-8859-1")
    assert parse_fast(document, HEADERS) is not None
    fast = parse_feed(document, source="s", now=NOW, headers=HEADERS)
    slow = parse_feed(document, source="s", now=NOW, headers=HEADERS, fast=False)
    assert fast.items == slow.items and fast.items
    for kind in ("text/xml", "application/xml; charset=utf-8", "text/html"):
        assert parse_fast(document, {"content-type": kind}) is None, kind


def test_a_huge_or_expanding_document_is_not_read_by_the_fast_path() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel><item>'
        b"<title>&b;</title></item></channel></rss>"
    )
    assert parse_fast(bomb, HEADERS) is None
    remote = (
        b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd">'
        b'<rss version="2.0"><channel></channel></rss>'
    )
    assert parse_fast(remote, HEADERS) is None


ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'


def rss(items: str, namespaces: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {namespaces}><channel>'
        f"<title>c</title>{items}</channel></rss>"
    ).encode()


def atom(entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>f</title>{entries}</feed>"
    ).encode()


XHTML = 'xmlns:h="http://www.w3.org/1999/xhtml"'
DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"'


@pytest.mark.parametrize(
    "document",
    [
        # XHTML content, summary and title: one wrapping div removed, two kept, markup nested
        atom(
            '<entry><id>a</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            "An <em>XHTML</em> &amp; title</div></title>"
            '<content type="xhtml"> <div xmlns="http://www.w3.org/1999/xhtml"><p>One '
            '<a href="/x?a=1&amp;b=2">link</a></p><p>Two<br/>lines &lt;ok&gt;</p></div> </content>'
            "</entry>"
        ),
        atom(
            '<entry><id>b</id><title>t</title><summary type="xhtml">'
            '<div xmlns="http://www.w3.org/1999/xhtml">first</div>'
            '<div xmlns="http://www.w3.org/1999/xhtml">second</div></summary></entry>'
        ),
        atom(
            f'<entry {XHTML}><id>c</id><title>t</title><content type="xhtml">'
            "<h:div><h:P>Prefixed</h:P> and <h:B>bold</h:B> text, caf\u00e9</h:div>"
            "</content></entry>"
        ),
        # SVG inside XHTML: feedparser runs no end handler inside it (here: its title)
        atom(
            '<entry><id>s</id><title>t</title><content type="xhtml"><div xmlns='
            '"http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg"><title>pic'
            "</title><path d='M0'/></svg><p>After the picture.</p></div></content></entry>"
        ),
        # itunes:summary is a summary; the second summary becomes content until there is some
        rss(
            "<item><guid>d</guid><title>t</title><description>short</description>"
            "<itunes:summary>The longer summary of the episode.</itunes:summary></item>",
            ITUNES,
        ),
        rss(
            "<item><guid>e</guid><title>t</title><content:encoded>&lt;p&gt;Body&lt;/p&gt;"
            "</content:encoded><description>short</description>"
            "<itunes:summary>later</itunes:summary></item>",
            f"{ITUNES} {CONTENT}",
        ),
        # an item's image: text only, or parts feedparser keeps out of the entry
        rss(
            "<item><guid>f</guid><image>https://example.com/i.jpg</image><title>t</title>"
            "<link>https://example.com/f</link></item>"
            "<item><guid>g</guid><title>own</title><image><url>https://example.com/i.jpg</url>"
            "<title>the picture</title><link>https://example.com/elsewhere</link></image>"
            "<description>text</description></item>"
            "<item><guid>h</guid><image><title>the picture</title></image><title>own, later"
            "</title></item>"
        ),
        # podcast chapters are kept apart from the entry's fields
        rss(
            "<item><guid>m</guid><title>t</title><psc:chapters version='1.2'>"
            "<psc:chapter start='00:00:00' title='Intro'/><psc:chapter start='00:01:30.500' "
            "title='Main'/></psc:chapters></item>",
            'xmlns:psc="http://podlove.org/simple-chapters"',
        ),
        # RSS 1.0: the rdf:about is the id unless the item names one; dc:date and dc:creator
        (
            b'<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf='
            b'"http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="http://x/">'
            b"<title>c</title></channel>"
            b'<item rdf:about="http://x/1"><title>One</title><link>http://x/1</link>'
            b"<description>&lt;p&gt;First&lt;/p&gt;</description><dc:date>2026-11-20T10:00:00Z"
            b"</dc:date><dc:creator>Writer</dc:creator></item>"
            b'<item rdf:about="http://x/2"><title>Two</title><guid isPermaLink="false">g2</guid>'
            b"</item><item><title>Three</title><link>http://x/3</link></item></rdf:RDF>"
        ),
        # media:description: a summary at its depth, or content after a summary (feedparser's
        # rules: the shallowest summary is kept; a second one is content until there is some)
        rss(
            "<item><guid>p</guid><title>t</title><description>The item's own summary."
            "</description><media:content url='u'><media:description>A caption"
            "</media:description></media:content></item>"
            "<item><guid>q</guid><title>t</title><media:content url='v'><media:description>"
            "Nested caption</media:description></media:content><media:description>Item-level"
            "</media:description><description>Own, last</description></item>"
            "<item><guid>s</guid><media:content url='u'><media:title>Picture</media:title>"
            "</media:content><title>Own title</title></item>"
            "<item><guid>r</guid><title>t</title><content:encoded>Body</content:encoded>"
            "<media:content url='u'><media:description>Caption</media:description>"
            "</media:content></item>",
            f'xmlns:media="http://search.yahoo.com/mrss/" {CONTENT}',
        ),
        # a contributor is not the author
        atom(
            "<entry><id>n</id><title>t</title><contributor><name>Helper</name>"
            "<email>h@example.com</email><uri>https://example.com/h</uri></contributor>"
            "<author><name>Writer</name></author></entry>"
            "<entry><id>o</id><title>t</title><contributor><name>Only a helper</name>"
            "</contributor></entry>"
        ),
        # dc:title is a title: the first non-empty one is kept, until an image or a source
        # makes feedparser forget it (then the next one is)
        rss(
            "<item><guid>u</guid><title>Own</title><dc:title>Second</dc:title></item>"
            "<item><guid>v</guid><title></title><dc:title>After an empty one</dc:title></item>"
            "<item><guid>w</guid><title>Own</title><source url='https://example.com/s'>Wire"
            "</source><dc:title>After the source</dc:title></item>"
            "<item><guid>x</guid><title>Own</title><image>https://example.com/i.jpg</image>"
            "<title>After the image</title></item>",
            DC,
        ),
        # titles, summaries and names nested in elements feedparser does not know: a deeper
        # title loses to the item's own, a nested summary after the item's becomes content
        rss(
            "<item><guid>y</guid><title>Own</title><description>Own summary</description><og>"
            "<type>article</type><title>Nested</title><description/><image>https://example.com"
            "/i.png</image><url>https://example.com/y</url></og><author><name>Writer</name>"
            "<title>Editor</title><company/></author></item>"
            "<item><guid>z</guid><og><title>Nested first</title></og><title>Own, later</title>"
            "<other><name>Not the author</name><email>x@example.com</email></other></item>"
        ),
        atom(
            '<entry><id>gd</id><title>t</title><lastModifiedBy xmlns="http://example.com/g">'
            "<name>Someone</name><email>s@example.com</email></lastModifiedBy></entry>"
        ),
        # RSS 2.0 in UserLand's namespace, which feedparser reads as plain RSS
        *(
            f'<rss version="2.0" xmlns="http://backend.userland.com/{space}"><channel><title>c'
            "</title><item><title>Userland</title><link>http://example.com/u</link><description>"
            "&lt;p&gt;d&lt;/p&gt;</description><guid>u1</guid><pubDate>Thu, 23 Jan 2014 09:33:08"
            " +0600</pubDate></item></channel></rss>".encode()
            for space in ("rss2", "rss")
        ),
    ],
)
def test_widened_cases_read_as_feedparser_reads_them(document: bytes) -> None:
    assert parse_fast(document, HEADERS) is not None
    fast = parse_feed(document, source="s", now=NOW, headers=HEADERS)
    slow = parse_feed(document, source="s", now=NOW, headers=HEADERS, fast=False)
    assert fast.items == slow.items and fast.items
    assert fast.teasers == slow.teasers


@pytest.mark.parametrize(
    "document",
    [
        # the image's title would be the entry's: feedparser decides
        rss("<item><guid>i</guid><image><title>the picture</title></image></item>"),
        # an image holding something else, or XHTML outside Atom
        rss(
            "<item><guid>j</guid><title>t</title><image><description>d</description></image></item>"
        ),
        rss('<item><guid>k</guid><title type="xhtml">t</title></item>'),
        # a nested title with no title of the item's own: feedparser decides
        rss("<item><guid>n</guid><og><title>Only nested</title></og></item>"),
        rss("<item><guid>o</guid><author><name>W</name><title>Job</title></author></item>"),
        rss(
            "<item><guid>t</guid><media:content url='u'><media:title>Picture</media:title>"
            "</media:content></item>",
            'xmlns:media="http://search.yahoo.com/mrss/"',
        ),
        # an element in XHTML that feedparser would also handle as a feed element
        atom(
            '<entry><id>l</id><title>t</title><content type="xhtml"><div xmlns='
            '"http://www.w3.org/1999/xhtml"><p>x</p><link xmlns="" href="/y"/></div></content>'
            "</entry>"
        ),
    ],
)
def test_cases_still_left_to_feedparser(document: bytes) -> None:
    assert parse_fast(document, HEADERS) is None
