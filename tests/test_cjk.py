"""Japanese and Korean items end to end: relevance, one story across languages, summaries,
the stored language, search, and the edition (lang attributes, text wrapped by display width)."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from chromium import browser, sync_api
from conftest import SHARED, need

from digest.edition import poll_sources
from digest.editorial.crosslang import CrossLinks
from digest.editorial.relevance import TopicSettings, score_item
from digest.editorial.stories import GroupingSettings, group_items
from digest.evaluation.crosslang import linked_alone, shared_item
from digest.language.width import display_width
from digest.models import Item, Origin, Relevance, ScoredItem
from digest.sources.folder import FolderSource
from digest.sources.settings import FetchSettings
from digest.store import SearchFilters, Store
from digest.store.query import search
from digest.summary.summarize import SummarySettings, summarize

__all__ = ["browser"]  # the shared fixture

ROOT = Path(__file__).resolve().parents[1]
LANG = SHARED / "eval" / "lang"
WEEK = timedelta(days=7)
TOPIC = TopicSettings()
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def report_half(key: str) -> bool:
    """The half of the shared data we report on (the other half was for tuning)."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 == 1


def item(ident: str, title: str, text: str = "", lang: str = "", hours: float = 0.0) -> Item:
    when = NOW - timedelta(hours=hours)
    return Item(
        ident, "Wire", Origin.FEED, title, f"http://x.invalid/{ident}", text, when, when, lang=lang
    )


# --- relevance ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("拉致被害者家族 “日米首脳会談 全員取り戻すこと確認の場に”", "ja"),
        ('북한, 日다카이치 총리에 첫 반응…"우익보수 대변"', "ko"),
        ("北のミサイルが上空を通過か", "ja"),
        ("北朝鮮がミサイル発射 避難を", "ja"),
        ('北 "日 해상자위대 토마호크 배치, 재침략 화살" 반발', "ko"),
        ("日 정부, 北 탄도미사일 발사에 항의", "ko"),
        ("일본 납북자 단체, 총리에 조기 귀국 요청", "ko"),  # Japan's abductees, not the South's
        ("日 납북자 가족, 美 대통령과 면담", "ko"),
    ],
)
def test_japanese_and_korean_headlines_on_topic(title: str, lang: str) -> None:
    assert score_item(TOPIC, title, "", lang).on_topic


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("北海道で大雪 日本海側中心に", "ja"),  # 北 inside 北海道 is no North Korea
        ("15日朝 関東平野部で雪の恐れ", "ja"),  # 日朝 across two morphemes
        ("北朝鮮が核実験か 人工的地震", "ja"),  # one side only
        ("韓·美·日, 북한 IT 인력 우려에 공동성명 발표", "ko"),  # Japan one name in a list
        ("납북자 가족 단체, 통일부 장관 면담", "ko"),  # the South's own abductees
    ],
)
def test_japanese_and_korean_headlines_off_topic(title: str, lang: str) -> None:
    assert not score_item(TOPIC, title, "", lang).on_topic


def test_english_terms_still_apply_to_english() -> None:
    assert score_item(TOPIC, "North Korea fires missile over Japan", "", "en").on_topic
    assert not score_item(TOPIC, "北朝鮮がミサイル発射 避難を", "", "en").on_topic


def _f1(rows: list[dict[str, object]]) -> float:
    tp = fp = fn = 0
    for row in rows:
        got = score_item(TOPIC, str(row["title"]), str(row["text"] or ""), str(row["lang"]))
        tp += got.on_topic and row["label"] == 1
        fp += got.on_topic and row["label"] == 0
        fn += not got.on_topic and row["label"] == 1
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_relevance_on_labelled_japanese_and_korean_items() -> None:
    with need(LANG / "labelled.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    clear = [r for r in rows if r["clear"]]
    korean = [r for r in clear if r["lang"] == "ko" and report_half(r["id"])]
    assert _f1(korean) >= 0.85  # the half not tuned on
    # the Japanese positives all fell in the tuning half: the whole set is reported
    assert _f1([r for r in clear if r["lang"] == "ja"]) >= 0.85


# --- one story across languages -----------------------------------------------------------------


def _pairs(name: str) -> tuple[int, int, int, int]:
    """(found, same-event pairs, wrongly linked, different-event pairs) on a labelled set."""
    rows: dict[str, dict[str, str]] = {}
    for shared in ("yonhap-naver-en-ko-ja-2025.jsonl", "nhk-yonhap-chosun-2025.jsonl"):
        with need(LANG / shared).open(encoding="utf-8") as lines:
            rows.update((r["id"], r) for r in map(json.loads, lines))
    with (ROOT / "tests" / "data" / name).open(encoding="utf-8") as lines:
        pairs = [json.loads(line) for line in lines]
    found = same = wrong = different = 0
    for pair in pairs:
        linked = linked_alone(shared_item(rows[pair["a"]]), shared_item(rows[pair["b"]]), 36.0)
        same += pair["same"]
        different += not pair["same"]
        found += linked and pair["same"]
        wrong += linked and not pair["same"]
    return found, same, wrong, different


def test_labelled_cross_language_pairs_tuned_on() -> None:
    """The 36 pairs session 2 built the rules on (both of its halves: their events overlap);
    tuned on again in session 4 (17 of 23 then, 21 now)."""
    found, same, wrong, _ = _pairs("crosslang_pairs.jsonl")
    assert wrong == 0
    assert found / same >= 0.9  # 21 of 23


def test_labelled_cross_language_pairs_of_session_3() -> None:
    """Session 3's 24 held-out pairs (12 same-event, 12 different events sharing names or
    figures): 7 of 12 found then. Measured once for session 3's rules, then a dev set for
    session 4's (names heard alike, Sino-Korean wording, rounding half up): 10 of 12; and for
    session 5's (what the words mean, JMdict's glosses): 12 of 12."""
    found, same, wrong, different = _pairs("crosslang_pairs_heldout.jsonl")
    assert (same, different) == (12, 12)
    assert wrong == 0
    assert found >= 12


def test_labelled_cross_language_pairs_of_the_topic() -> None:
    """15 NHK / Chosun and Yonhap pairs on Japan, Korea and China: 6 same-event, 9 same-day
    different events. 3 of 6 found at session3-start; a dev set in session 4: 4 of 6."""
    found, same, wrong, different = _pairs("crosslang_pairs_nhk.jsonl")
    assert (same, different) == (6, 9)
    assert wrong == 0
    assert found / same >= 0.65


def test_labelled_korean_english_pairs_tuned_on_in_session_4() -> None:
    """16 Korean-English pairs of events in no other set (8 same-event, 8 one thread or day
    apart), built as a dev set in session 4: 4 of 8 and 1 wrong merge at session4-start, 4 of
    8 and none at session5-start (the next day's ceremony no longer joins the retirement's
    announcement); tuned on again in session 5: 7 of 8, none wrong."""
    found, same, wrong, different = _pairs("crosslang_pairs_kodev.jsonl")
    assert (same, different) == (8, 8)
    assert wrong == 0
    assert found >= 7


def test_labelled_cross_language_pairs_held_out_in_session_4() -> None:
    """36 pairs no earlier set used (20 same-event: 9 ko/en, 5 ja/en, 6 NHK ja/ko; 16
    different events sharing names, figures or a thread), labelled before any rule changed
    and never tuned on (only totals were ever printed, three times in session 4, once at the
    end of session 5): 8 of 20 found and 2 wrong merges at session4-start, 9 of 20 and 1 wrong
    merge at session5-start, 13 of 20 and 1 wrong merge with session 5's glosses. Short of the
    target (0.8, no wrong merge): this floor only keeps it from getting worse."""
    found, same, wrong, different = _pairs("crosslang_pairs_session4.jsonl")
    assert (same, different) == (20, 16)
    assert wrong <= 1
    assert found >= 13


def test_labelled_cross_language_pairs_held_out_in_session_5() -> None:
    """46 pairs no earlier set used (29 same-event: 17 ko/en from the Yonhap/Naver crawl, 12
    NHK/Yonhap/Chosun ja/ko; 17 different events of one day and topic, each with its reason),
    labelled by reading and committed before any rule changed, measured once at the end of
    session 5 (totals only): 7 of 29 found, none wrong, with session5-start's rules; 9 of 29
    (0.31), none wrong, with its glosses (8 of 17 ko/en, 1 of 12 ja/ko). Far from the target.
    Read after that one measurement (so no longer a clean check of a fix for them): Korea
    Herald's "$700b" and "W845b" read as 700 and 845, which then disagree with 7천억 달러;
    Yonhap's Korean leads in the NHK set stop after 100 characters; and the glosses bridge to
    English only, so the ja/ko pairs gain nothing. A dev set in session 6 (money shorthand,
    spans of days, hanja-glossed and sound-spelt Japanese names, the opening's wording): 15 of
    29, none wrong; in session 8 (Korean persons' whole names): 17 of 29, none wrong. Session
    11 (the Korean glossary; words meant alike add one at most): 14 of 29 alone, none wrong,
    the three lost each a person or a concept with what the two mean alike (as thread pairs
    are); in context 14 of 29 before and after."""
    found, same, wrong, different = _pairs("crosslang_pairs_session5.jsonl")
    assert (same, different) == (29, 17)
    assert wrong == 0
    assert found >= 14


def test_labelled_cross_language_pairs_held_out_in_session_6() -> None:
    """49 pairs no earlier set used (29 same-event: 17 ko/en from the Yonhap/Naver crawl, 12
    NHK ja / Yonhap-Chosun ko; 20 different events of one day, thread, figures or names: 9
    ja/ko, 8 ko/en, 3 ja/en; no ja/en same-event pair, since none of the crawl's unused
    Japanese items has an English version), labelled by reading and committed before any rule
    changed, measured once at session6-start and once with session 6's rules (totals only):
    13 of 29 then (6 of 17 ko/en, 7 of 12 ja/ko), 15 of 29 (0.52) now (6 of 17, 9 of 12),
    none wrong of 20 either time. Far from the target (0.8): the Korean-English pairs that
    share no figure or Latin name (a resignation, a New Year message) are still missed. Its
    events overlap session 5's (one crawl, the same fortnight), so the two sets are not
    independent of each other. A dev set in session 8 (Korean persons' whole names): 17 of
    29, none wrong; session 11 (the Korean glossary): 18 of 29, none wrong."""
    found, same, wrong, different = _pairs("crosslang_pairs_session6.jsonl")
    assert (same, different) == (29, 20)
    assert wrong == 0
    assert found >= 18


def test_labelled_cross_language_pairs_held_out_in_session_8() -> None:
    """51 pairs no earlier set used (31 same-event: 25 ko/en from the Yonhap/Naver crawl, most
    sharing no figure or Latin name (a nominee's remarks, a court ruling, a New Year message),
    6 NHK ja / Chosun-Yonhap ko; 20 different events of one day, thread or firm: 15 ko/en, 5
    ja/ko), labelled by reading and committed before any rule changed, measured once at
    session8-start and once with session 8's rules (totals only): 3 of 31 and 1 wrong merge
    of 20 then, 4 of 31 (0.13; 4 of 25 ko/en, 0 of 6 ja/ko) and the same 1 wrong merge now.
    Far from the target (0.8, no wrong merge); this floor keeps it from getting worse. Session
    11 (the Korean glossary; words meant alike add one at most): 5 of 31, none wrong."""
    found, same, wrong, different = _pairs("crosslang_pairs_session8.jsonl")
    assert (same, different) == (31, 20)
    assert wrong == 0
    assert found >= 5


def test_labelled_cross_language_pairs_held_out_in_session_10() -> None:
    """35 pairs no earlier set used, labelled in session 10 by a reader who saw none of the
    rules (16 same-event: 8 ko/en, 5 NHK ja / Yonhap-Chosun ko, 3 with Yonhap's Japanese
    service; 19 different events of one thread, mostly a day apart), measured once: 3 of 16
    (0.19) and 1 wrong merge of 19 (the earthquake of 9 Dec and the next day's advisory), the
    same with session 10's rules as at its start, alone and among the crawl's items alike.
    Measured again at the end of session 11 (the Korean glossary): 4 of 16, the same 1 wrong."""
    found, same, wrong, different = _pairs("crosslang_pairs_session10.jsonl")
    assert (same, different) == (16, 19)
    assert wrong <= 1
    assert found >= 4


def test_labelled_cross_language_pairs_held_out_in_session_11() -> None:
    """28 pairs no earlier set used, labelled in session 11 by a reader who saw none of the
    rules (12 same-event: 9 ko/en, most of them a Korean report and an AP or EPA photo's
    caption of world news; 3 NHK ja / Chosun ko; 16 different events of one thread), measured
    once with session 11's starting rules: 2 of 12 (0.17) and 3 wrong merges of 16 (KT's
    morning preview and its announcement; a column on the MDL and the UN Command's statement;
    the Setagaya killing and the next days' revelation), alone and in context alike. With
    session 11's Korean glossary: the same 2 of 12 and 3 wrong alone, 2 wrong in context."""
    found, same, wrong, different = _pairs("crosslang_pairs_session11.jsonl")
    assert (same, different) == (12, 16)
    assert wrong <= 3
    assert found >= 2


def test_rounded_figures_and_units_across_languages() -> None:
    def linked(a: Item, b: Item) -> bool:
        links = CrossLinks(
            [ScoredItem(a, Relevance(0.6, True)), ScoredItem(b, Relevance(0.6, True))], 36.0
        )
        return (0, 1) in links.candidates() and links.link(0, 1) > 0

    ja = item(
        "ja",
        "事務所が元メンバーらに約４６億円の損害賠償を請求",
        "ＡＤＯＲは総額４３１億ウォン（約４６億円）の損害賠償を求める訴訟を起こした。",
        "ja",
    )
    en = item("en", "ADOR seeks 43.1 bln won in damages from former member", "ADOR sued.", "en")
    assert linked(ja, en)  # yen and won headlines do not disagree; 431億 is 43.1 billion
    opening = item("ko", "코스피 0.64% 내린 4193.75 출발", "코스피가 0.64% 내렸다.", "ko")
    close = item("ja", "KOSPI ０．１５％安で取引終える", "KOSPIは0.15％安の4214.17で終えた。", "ja")
    assert not linked(opening, close)  # two percentages that differ: two events
    days = item("ja", "特別検察 179日間の捜査終える ICBM", "ICBMの捜査は179日間。", "ja")
    other = item("en", "ICBM probe ends after 180 days", "The ICBM probe took 180 days.", "en")
    assert not linked(days, other)  # 179 is not 180: only large amounts are rounded
    jet = item("ja", "空軍のT50練習機が緊急着陸", "T50練習機が着陸した。50人", "ja")
    landing = item(
        "en", "T-50 trainer jet makes emergency landing", "The T-50 and its 50 crew", "en"
    )
    assert linked(jet, landing)  # T-50 and T50 are one name


def test_one_launch_in_three_languages_is_one_story() -> None:
    en = item(
        "en",
        "North Korean missile lands in Japan's EEZ off Hokkaido",
        "North Korea fired a ballistic missile that flew for about 70 minutes and fell some 200"
        " kilometres west of Okushiri island, reaching an altitude of 6,000 kilometres.",
        "en",
    )
    ja = item(
        "ja",
        "北朝鮮の弾道ミサイル、北海道沖のEEZ内に落下",
        "ミサイルは約70分間飛行し、奥尻島の西およそ200キロに落下した。最高高度は6000キロを超えた。",
        "ja",
        hours=2,
    )
    ko = item(
        "ko",
        "북한 탄도미사일, 日 홋카이도 앞 EEZ에 낙하",
        "미사일은 약 70분간 비행한 뒤 오쿠시리섬 서쪽 약 200㎞ 해상에 떨어졌다."
        " 최고 고도는 6천㎞를 넘었다.",
        "ko",
        hours=3,
    )
    other = item(
        "ko2", "북한, 日 정부 규탄 담화 발표", "조선중앙통신은 22일 담화를 냈다.", "ko", hours=1
    )
    scored = [ScoredItem(i, Relevance(0.6, True)) for i in (en, ja, ko, other)]
    groups = group_items(scored, GroupingSettings())
    assert sorted(s.item.id for s in groups[0]) == ["en", "ja", "ko"]
    assert [s.item.id for s in groups[1]] == ["ko2"]
    # a day and a half apart, they are two events
    late = ScoredItem(item("ja", ja.title, ja.text, "ja", hours=40), Relevance(0.6, True))
    assert len(group_items([scored[0], late], GroupingSettings())) == 2


# --- summaries ------------------------------------------------------------------------------------


def _clipping(name: str) -> str:
    text = (ROOT / "archive" / "clippings" / name).read_text(encoding="utf-8")
    return text.split("\n\n", 2)[2]  # past the headline and the date


@pytest.mark.parametrize(
    ("name", "lang"), [("2026-11-missile-eez-ja.txt", "ja"), ("2026-11-missile-eez-ko.txt", "ko")]
)
def test_summaries_are_whole_sentences_of_the_article(name: str, lang: str) -> None:
    text = _clipping(name)
    summary = summarize("【東京】 記者\n" + text if lang == "ja" else text, SummarySettings(), lang)
    assert 1 <= len(summary) <= 3
    flat = " ".join(text.split())
    for sentence in summary:
        assert sentence in flat
        assert re.search(r"[。.!?！？]$", sentence)
        assert sentence.count("「") == sentence.count("」")
        assert sentence.count('"') % 2 == 0


def test_summary_hygiene_in_korean() -> None:
    text = (
        "(서울=연합뉴스) 홍길동 기자 = 북한이 20일 오전 동해상으로 탄도미사일 1발을"
        " 발사했다고 합동참모본부가 밝혔다.\n\n"
        "사진=연합뉴스 무단 전재 및 재배포 금지\n\n"
        '합참은 "추가 발사에 대비해 감시를 강화하고 있다"며 "미국, 일본과 정보를 긴밀히'
        ' 공유하고 있다"고 말했다.\n\n'
        "gildong@yna.co.kr"
    )
    summary = summarize(text, SummarySettings(), "ko")
    assert summary[0].startswith("북한이 20일")  # the dateline and byline are gone
    assert not any("무단" in s or "@" in s for s in summary)


# --- store and search ---------------------------------------------------------------------------


def test_language_is_stored_and_japanese_and_korean_words_are_found() -> None:
    store = Store.memory()
    store.add_items(
        [
            item("ja", "北朝鮮が弾道ミサイルを発射", "政府は抗議した。", "ja"),
            item("ko", "북한, 납치피해자 문제 언급", "일본 정부는 반발했다.", "ko"),
            item("en", "North Korea fires missile", "Tokyo protested.", "en"),
        ],
        NOW,
    )
    langs = {row[0]: row[1] for row in store.db.execute("SELECT id, lang FROM items")}
    assert langs == {"ja": "ja", "ko": "ko", "en": "en"}
    ids = lambda query: sorted(h.item.id for h in search(store, query, SearchFilters()))  # noqa: E731
    assert ids("ミサイル") == ["ja"]  # inside a run of Japanese text (trigram index)
    assert ids("北朝鮮") == ["ja"]
    assert ids("납치") == ["ko"]  # two characters, inside 납치피해자 (substring search)
    assert ids("일본 정부") == ["ko"]
    assert ids("missile") == ["en"]
    store.db.execute("DELETE FROM items WHERE id = 'ja'")
    assert ids("ミサイル") == []


def test_a_source_lang_overrides_detection(tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "北朝鮮のミサイル発射について\n\n政府は北朝鮮に抗議した。\n", encoding="utf-8"
    )
    (folder / "b.txt").write_text("Japan protests the launch\n\nTokyo lodged a protest.\n")

    def langs(lang: str | None) -> list[str]:
        store = Store.memory()
        source = FolderSource("Saved", folder, FetchSettings(), lang=lang)
        with httpx.Client() as client:
            poll_sources(sources=[source], store=store, client=client, now=NOW)
        return sorted(row[0] for row in store.db.execute("SELECT lang FROM items"))

    assert langs(None) == ["en", "ja"]  # detected per item
    assert langs("ko") == ["ko", "ko"]  # the source's `lang:` wins


# --- the edition ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real `digest run --offline` over the shipped clippings (English, Japanese, Korean)."""
    import subprocess

    folder = tmp_path_factory.mktemp("mixed")
    config = (ROOT / "feeds.yaml").read_text(encoding="utf-8")
    config = config.replace("path: archive/clippings", f"path: {ROOT / 'archive' / 'clippings'}")
    (folder / "feeds.yaml").write_text(config, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "digest",
            "run",
            "--offline",
            "--since",
            "all",
            "--config",
            str(folder / "feeds.yaml"),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 3), result.stderr
    return folder / "archive"


def test_text_edition_of_a_mixed_edition_lines_up(mixed_edition: Path) -> None:
    (text_file,) = mixed_edition.rglob("*.txt")
    text = text_file.read_text(encoding="utf-8")
    assert "北朝鮮の弾道ミサイル" in text.replace("\n    ", "") and "북한 탄도미사일" in text
    for line in text.splitlines():
        if "://" in line or line.strip().startswith("../"):
            continue  # a link is never cut
        assert display_width(line) <= 72, line
    assert any(display_width(line) > len(line) for line in text.splitlines())  # wide lines exist


def test_html_marks_the_language_of_titles(mixed_edition: Path) -> None:
    (page,) = (p for p in mixed_edition.rglob("*.html") if re.match(r"\d{4}-", p.name))
    html = page.read_text(encoding="utf-8")
    assert re.search(r' lang="ja">北朝鮮の弾道ミサイル', html)  # on the link, or a span
    assert re.search(r' lang="ko">북한 탄도미사일', html)


# Where each line of an element starts: the index of its first character in the text.
_LINE_STARTS = """element => {
    const text = element.firstChild, starts = [];
    let top = null;
    for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const box = range.getClientRects()[0];
        if (!box || box.width === 0) continue;
        if (top !== null && box.top > top + 2) starts.push(i);
        top = box.top;
    }
    return [text.data, starts];
}"""


def _may_end_a_line(character: str) -> bool:
    return character.isspace() or unicodedata.category(character).startswith("P")


def test_korean_lines_break_between_words_not_inside_them(
    mixed_edition: Path, browser: sync_api.Browser
) -> None:
    # Korean is written with spaces between words (eojeol): a line broken between two syllables
    # of one word ("반응 / 을 보였다") reads as a typo; Japanese may break between characters.
    (page_file,) = (p for p in mixed_edition.rglob("*.html") if re.match(r"\d{4}-", p.name))
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(page_file.as_uri())
        korean = page.locator('article [lang="ko"]')
        assert korean.count() >= 1
        for width in range(240, 420, 12):  # wherever the line happens to end
            page.set_viewport_size({"width": width, "height": 800})
            for n in range(korean.count()):
                text, starts = korean.nth(n).evaluate(_LINE_STARTS)
                assert starts, text  # narrow enough to wrap
                # after a space, or after punctuation ("낙하…일본": "…" joins two clauses)
                cuts = [text[i - 3 : i + 3] for i in starts if not _may_end_a_line(text[i - 1])]
                assert not cuts, (width, cuts)
        japanese = page.locator('article [lang="ja"]')
        assert japanese.count() >= 1
        text, starts = japanese.first.evaluate(_LINE_STARTS)
        assert starts and " " not in text  # no spaces to break at: it still wraps
    finally:
        context.close()


def test_browser_search_finds_japanese_and_korean_words(
    mixed_edition: Path, browser: sync_api.Browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((mixed_edition / "search.html").as_uri() + "?q=ミサイル")
        results = page.locator("#results li")
        assert results.count() == 1  # inside 北朝鮮の弾道ミサイル, one story in three languages
        page.fill("#q", "북한")  # a prefix of 북한이 / 북한, as for English
        assert results.count() == 1
        page.fill("#q", "EEZ 홋카이도")
        assert results.count() == 1
        page.fill("#q", "北海道沖 abduction")
        assert results.count() == 0
    finally:
        context.close()
    assert errors == []


def test_japanese_and_korean_stories_find_their_sections() -> None:
    from digest.editorial.sections import DEFAULT_SECTIONS, assign_section

    assert assign_section("北朝鮮の弾道ミサイル、EEZ内に落下", [], DEFAULT_SECTIONS) == (
        "Missiles and nuclear"
    )
    assert assign_section("拉致被害者家族が会見", [], DEFAULT_SECTIONS) == "Abductions"
    assert assign_section("일본, 대북 독자 제재 2년 연장", [], DEFAULT_SECTIONS) == (
        "Sanctions and trade"
    )


def test_a_weeks_korean_reports_of_one_meeting_are_one_story() -> None:
    """The week of Trump's Tokyo visit as an edition takes it (the topic filter's items, the
    week's stream as context): Yonhap's three versions and Chosun's report of his meeting the
    abductees' families are one story. When candidate pairs came from each item's rarest terms
    among the few on-topic items alone, chance ties of two items crowded out the terms all four
    share, and Chosun's report went to NHK's piece on the families' hopes the day before."""
    with need(LANG / "nhk-yonhap-chosun-2025.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    start = datetime(2025, 10, 27, tzinfo=timezone(timedelta(hours=9)))
    stream = [s for s in map(shared_item, rows) if start <= _published(s) < start + WEEK]
    topic = TopicSettings()
    week = []
    for s in stream:
        relevance = score_item(topic, s.item.title, s.item.text, s.item.lang or "en")
        if relevance.on_topic:
            week.append(ScoredItem(s.item, relevance))
    story = {
        s.item.id: k
        for k, group in enumerate(group_items(week, GroupingSettings(), stream))
        for s in group
    }
    meeting = [
        f"ko:hectorcho:{h}" for h in ("df7637c268", "3500034b7b", "0f5f48c035", "cb0168cdda")
    ]
    assert all(m in story for m in meeting)
    assert len({story[m] for m in meeting}) == 1
    assert story["ja:hectorcho:d597a3b5e9"] != story[meeting[0]]


def _published(s: ScoredItem) -> datetime:
    return s.item.published or s.item.seen_at
