"""`digest eval crosslang DIR PAIRS... --anchors FILE`: cross-language links, alone and among
others."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# Two events of one morning, each told by a Japanese and a Korean outlet (written for this test).
ITEMS = [
    {
        "id": "t:ja-launch",
        "lang": "ja",
        "publisher": "NHK",
        "date": "2026-03-02T08:10:00+09:00",
        "title": "北朝鮮 弾道ミサイル2発を発射 EEZ外に落下か 防衛省",
        "text": "防衛省によりますと、北朝鮮は2日午前7時12分ごろ、西岸付近から弾道ミサイル2発を"
        "東の方向に発射しました。いずれも飛行距離はおよそ650キロで、日本の排他的経済水域の"
        "外側に落下したとみられます。",
    },
    {
        "id": "t:ko-launch",
        "lang": "ko",
        "publisher": "Yonhap",
        "date": "2026-03-02T08:40:00+09:00",
        "title": "북한, 동해상으로 탄도미사일 2발 발사…650㎞ 비행",
        "text": "합동참모본부는 북한이 2일 오전 7시 12분께 서해안 일대에서 동해상으로 탄도미사일 "
        "2발을 발사했다고 밝혔다. 미사일은 약 650㎞를 비행했으며 일본 배타적경제수역 밖에 "
        "떨어진 것으로 추정된다.",
    },
    {
        "id": "t:ko-auction",
        "lang": "ko",
        "publisher": "Chosun Ilbo",
        "date": "2026-03-02T15:00:00+09:00",
        "title": "조총련 본부 건물 경매 재개…도쿄지법 결정",
        "text": "도쿄지방법원이 재일본조선인총련합회(조총련) 중앙본부 건물의 경매 절차를 "
        "재개하기로 했다고 현지 언론이 2일 보도했다. 매각 기준가는 약 21억 엔이다.",
    },
    {
        "id": "t:ja-auction",
        "lang": "ja",
        "publisher": "NHK",
        "date": "2026-03-02T16:00:00+09:00",
        "title": "朝鮮総連本部 競売手続き再開へ 東京地裁",
        "text": "東京地方裁判所は、朝鮮総連の中央本部の土地と建物について、競売の手続きを再開する"
        "ことを決めました。売却基準価額はおよそ21億円です。",
    },
]


def _lines(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def _folder(root: Path) -> Path:
    _lines(root / "nhk-yonhap-chosun-2025.jsonl", ITEMS)  # type: ignore[arg-type]
    _lines(root / "yonhap-naver-en-ko-ja-2025.jsonl", [])
    return root


def _eval(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digest", "eval", "crosslang", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_pairs_are_scored_alone_and_among_their_periods_items(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    pairs = _lines(
        tmp_path / "pairs.jsonl",
        [
            {"a": "t:ja-launch", "b": "t:ko-launch", "same": True},
            {"a": "t:ja-launch", "b": "t:ko-auction", "same": False},
            {"a": "t:ja-auction", "b": "t:ko-auction", "same": True},
        ],
    )
    # the same launch, labelled wrongly as two events: its link counts as a wrong merge
    mislabelled = _lines(
        tmp_path / "mislabelled.jsonl", [{"a": "t:ko-launch", "b": "t:ja-launch", "same": False}]
    )
    result = _eval(str(folder), str(pairs), str(mislabelled))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "pairs.jsonl: alone found 2/2, wrong 0/1; in context found 2/2, wrong 0/1",
        "mislabelled.jsonl: alone found 0/0, wrong 1/1; in context found 0/0, wrong 1/1",
        # more than one set: the totals, and each pair of languages (here only one)
        "all pairs, every set: alone found 2/2, wrong 1/2; in context found 2/2, wrong 1/2",
        "ja/ko pairs, every set: alone found 2/2, wrong 1/2; in context found 2/2, wrong 1/2",
    ]


def test_anchors_score_the_stories_an_edition_would_show(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    anchors = _lines(
        tmp_path / "anchors.jsonl",
        [
            {"anchor": "t:ja-launch", "same": ["t:ko-launch"], "thread": []},
            # a reader who saw no Korean version of the auction: the one shown is not "right"
            {"anchor": "t:ja-auction", "same": [], "thread": ["t:ko-auction"]},
            # a window the item is not in (an undated item placed by its text): not scored
            {"anchor": "t:ko-launch", "window": ["2026-04-01", "2026-04-03"]},
        ],
    )
    result = _eval(str(folder), "--anchors", str(anchors))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "anchors.jsonl: 2 anchors: precision 0.50 (1/2; 1 of one thread), recall 1.00 (1/1);"
        " skipped, outside their windows: t:ko-launch"
    )


def test_a_pair_naming_an_unknown_item_is_one_clear_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    pairs = _lines(tmp_path / "pairs.jsonl", [{"a": "t:ja-launch", "b": "t:gone", "same": True}])
    result = _eval(str(folder), str(pairs))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith("pair t:ja-launch / t:gone: not both in one shared file")
    )
    assert result.stdout == ""
