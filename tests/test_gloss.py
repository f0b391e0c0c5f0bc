"""The English gloss line: a Japanese or Korean lead shows its wire's English headline, marked
`lang="en"`, in the HTML (checked in headless Chromium) and in the text edition (by display width).

A source supplies a gloss when feeds.yaml names its English service (`gloss:`); the gloss is that
service's version of the same report, found by cross-language grouping, never another outlet's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chromium import browser, sync_api
from cli_process import digest

from digest.config import load_config
from digest.editorial.crosslang import english_gloss
from digest.errors import ConfigError
from digest.language.width import display_width
from digest.models import Item, Origin, Relevance, ScoredItem

__all__ = ["browser"]  # the shared fixture

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

JA_TITLE = (
    "北朝鮮の弾道ミサイル、北海道・奥尻島沖の日本の排他的経済水域（EEZ）内に落下"
    "　政府が北京の大使館ルートで厳重に抗議"
)
JA_GLOSS = "North Korean missile falls inside Japan's EEZ off Hokkaido, Tokyo protests"
KO_TITLE = (
    '김여정, 다카이치 총리의 북일 정상회담 제안에 "일본과 마주 앉을 이유 없다" 담화…'
    '납치 문제는 "이미 해결된 문제"라고 거듭 주장'
)
KO_GLOSS = "Kim Yo Jong rejects Takaichi's offer of a summit, calls abductions settled"
KO_TEXT = (
    "북한 김여정 조선노동당 부부장은 24일 담화를 내고 다카이치 총리가 제안한 북일 정상회담에"
    ' 대해 "일본과 마주 앉을 이유가 없다"고 밝혔다고 조선중앙통신이 보도했다.\n\n'
    '김 부부장은 납치 문제는 "이미 해결된 문제"라며 일본이 이를 회담의 전제로 삼는 한 대화는'
    " 없다고 주장했다.\n\n"
    "일본 정부는 담화 내용을 분석하고 있으며 정상회담을 계속 추진하겠다는 입장을 밝혔다.\n\n"
    '관방장관은 기자회견에서 "모든 납치 피해자의 조속한 귀국을 위해 전력을 다하겠다"고'
    " 말했다.\n"
)


def _scored(ident: str, source: str, title: str, lang: str, hours: float = 0.0) -> ScoredItem:
    when = NOW - timedelta(hours=hours)
    link = f"http://x.invalid/{ident}"
    item = Item(ident, source, Origin.FEED, title, link, "", when, when, lang=lang)
    return ScoredItem(item, Relevance(0.6, True))


def test_the_gloss_is_the_english_service_headline_nearest_the_lead() -> None:
    lead = _scored("ko", "Yonhap Korean", KO_TITLE, "ko")
    other_outlet = _scored("a", "Korea Herald", "Kim Yo Jong says no to summit", "en")
    far = _scored("b", "Yonhap English", "Kim Yo Jong's statement (update)", "en", hours=9)
    near = _scored("c", "Yonhap English", KO_GLOSS, "en", hours=1)
    japanese = _scored("d", "Yonhap English", "金与正氏が談話", "ja")
    services = {"Yonhap Korean": "Yonhap English"}
    assert english_gloss(lead, [other_outlet, far, near, japanese], services) == KO_GLOSS
    assert english_gloss(lead, [other_outlet, japanese], services) == ""  # not its service's
    assert english_gloss(lead, [near], {}) == ""  # the source names no English service
    english_lead = _scored("e", "Yonhap Korean", "Kim Yo Jong statement", "en")
    assert english_gloss(english_lead, [near], services) == ""  # English needs no gloss


def test_a_gloss_naming_no_source_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text(
        "sources:\n  - name: Yonhap Korean\n    url: https://example.org/ko.xml\n"
        "    gloss: Yonhap Englsh\n  - name: Yonhap English\n    url: https://example.org/en.xml\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="'Yonhap Englsh', which is not one of the sources"):
        load_config(config)
    result = digest("run", "--offline", "--config", config, cwd=tmp_path)
    assert result.returncode == 2 and "Yonhap Englsh" in result.stderr
    assert not (tmp_path / "archive").exists()  # nothing written


@pytest.fixture(scope="module")
def glossed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real `digest run --offline` over four folders: a Japanese and a Korean wire, each with
    its English service named as `gloss:`, and those English services."""
    root = tmp_path_factory.mktemp("gloss")
    clipping = (ROOT / "archive" / "clippings" / "2026-11-missile-eez-ja.txt").read_text("utf-8")
    body = clipping.split("\n\n", 2)[2]
    files = {
        "ja/launch.txt": f"{JA_TITLE}\n\n{body}",
        "ja-en/launch.txt": f"{JA_GLOSS}\n\nThe missile flew for about 70 minutes and fell some"
        " 200 kilometres west of Okushiri, inside Japan's EEZ, Japan's Defence Ministry said.\n",
        "ko/statement.txt": f"{KO_TITLE}\n\n{KO_TEXT}",
        "ko-en/statement.txt": f"{KO_GLOSS}\n\nKim Yo Jong, the sister of North Korea's leader,"
        " said Pyongyang had no reason to sit down with Japan for a summit, KCNA reported.\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "feeds.yaml").write_text(
        "sources:\n"
        "  - {name: 共同通信, path: ja, lang: ja, gloss: Kyodo English}\n"
        "  - {name: Kyodo English, path: ja-en, lang: en}\n"
        "  - {name: 연합뉴스, path: ko, lang: ko, gloss: Yonhap English}\n"
        "  - {name: Yonhap English, path: ko-en, lang: en}\n",
        encoding="utf-8",
    )
    result = digest("run", "--offline", "--since", "all", "--config", "feeds.yaml", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "archive"


def test_text_edition_shows_the_gloss_under_the_original_and_lines_up(glossed: Path) -> None:
    (text_file,) = glossed.rglob("*.txt")
    lines = text_file.read_text(encoding="utf-8").splitlines()
    for line in lines:
        if "://" not in line and not line.strip().startswith("../"):
            assert display_width(line) <= 72, line
    for title, gloss in ((JA_TITLE, JA_GLOSS), (KO_TITLE, KO_GLOSS)):
        start = next(i for i, line in enumerate(lines) if line and title.startswith(line))
        end = next(i for i in range(start, len(lines)) if lines[i].startswith("  English: "))
        title_lines = lines[start:end]
        assert len(title_lines) >= 2  # long titles wrap
        if title is KO_TITLE:  # Korean breaks only at spaces: the words come back whole
            assert " ".join(title_lines).split() == title.split()
        else:  # Japanese may break between characters: only the characters come back
            assert "".join("".join(title_lines).split()) == "".join(title.split())
        gloss_lines = [lines[end]]  # and its continuation lines, aligned under the gloss
        gloss_lines += [line for line in lines[end + 1 : end + 3] if line.startswith(" " * 11)]
        assert " ".join(gloss_lines).split() == ["English:", *gloss.split()]
        assert all(display_width(line) > len(line) for line in title_lines)  # wide characters


def test_html_marks_the_gloss_as_english_in_a_browser(
    glossed: Path, browser: sync_api.Browser
) -> None:
    (page_file,) = (p for p in glossed.rglob("*.html") if re.match(r"\d{4}-", p.name))
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(page_file.as_uri())
        for title, gloss, lang in ((JA_TITLE, JA_GLOSS, "ja"), (KO_TITLE, KO_GLOSS, "ko")):
            heading = page.locator("h3", has_text=title[:12])
            assert heading.get_attribute("lang") == lang
            line = heading.locator("xpath=following-sibling::*[1]")
            assert line.inner_text() == gloss and line.is_visible()
            # what fonts and screen readers go by: the nearest lang of the gloss is English
            assert line.evaluate("e => e.closest('[lang]').lang") == "en"
            box, under = heading.bounding_box(), line.bounding_box()
            assert box and under and under["y"] >= box["y"] + box["height"] - 1  # below it
        assert page.locator(".gloss").count() == 2
    finally:
        context.close()
    assert errors == []


def test_default_feeds_are_trilingual_and_their_glosses_english() -> None:
    from urllib.parse import urlparse

    from digest.language.detect import detect_language

    config = load_config(ROOT / "feeds.yaml")
    by_name = {s.name: s for s in config.sources}
    hosts = {urlparse(s.url).hostname: s.lang for s in config.sources if s.url}
    for host, lang in [
        ("www3.nhk.or.jp", "ja"),  # NHK News Web
        ("www.yna.co.kr", "ko"),  # Yonhap Korean
        ("jp.yna.co.kr", "ja"),  # Yonhap Japanese
        ("world.kbs.co.kr", "ko"),  # KBS World Korean
        ("dailynk.jp", "ja"),  # Daily NK Japan
        ("english.kyodonews.net", "en"),
        ("en.yna.co.kr", None),  # Yonhap English, detected (English)
    ]:
        assert hosts[host] == lang
    for source in config.sources:
        if source.gloss and source.url:  # a wire's English service is an English feed
            assert by_name[source.gloss].lang in (None, "en")
            assert urlparse(by_name[source.gloss].url or "").hostname in (
                "english.kyodonews.net",
                "en.yna.co.kr",
            )
    clippings = ROOT / "archive" / "clippings"
    langs = {detect_language(p.read_text(encoding="utf-8")[:300]) for p in clippings.iterdir()}
    assert {"en", "ja", "ko"} <= langs  # our own Japanese and Korean samples among them


def test_a_rebuilt_archive_keeps_the_gloss(glossed: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(glossed.parent, copy)
    for page in (copy / "archive").rglob("*.txt"):
        page.unlink()  # rebuilt from the stored editions, not left from the run
    result = digest("--config", "feeds.yaml", "archive", "rebuild", cwd=copy)
    assert result.returncode == 0, result.stderr
    (text_file,) = (copy / "archive").rglob("*.txt")
    text = text_file.read_text(encoding="utf-8")
    assert "  English: Kim Yo Jong rejects" in text
    assert "  English: North Korean missile falls" in text
