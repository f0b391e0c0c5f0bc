"""What language analysis costs per item, on the real Japanese, Korean and English items.

Reads the shared items by path (never copied into the project): 6,805 headlines with their
snippets or leads from NHK, Yonhap (Korean, Japanese, English), Chosun Ilbo and others. For
each item it times what digest adds for its language: detection (done once, when the item is
stored) and the topic's scoring, which for Japanese and Korean means morpheme analysis of the
runs around each term found, plus the cross-script anchors grouping reads. English scoring is
timed too, for comparison. The analysers' one-off start (loading Sudachi's dictionary and
Kiwi's model, on the first Japanese or Korean item) is printed apart.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_language.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from digest.editorial.relevance import TopicSettings, score_item
from digest.language.anchors import anchors
from digest.language.detect import detect_language
from digest.language.morphemes import morphemes

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "lang"
FILES = ("labelled.jsonl", "nhk-yonhap-chosun-2025.jsonl", "yonhap-naver-en-ko-ja-2025.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="passes over the items (median)")
    args = parser.parse_args()
    if not all((SHARED / name).exists() for name in FILES):
        print(f"the shared items are not in {SHARED}: nothing to measure", file=sys.stderr)
        return 1
    rows = [json.loads(line) for name in FILES for line in (SHARED / name).open(encoding="utf-8")]
    topic = TopicSettings()

    start = time.perf_counter()
    morphemes("北朝鮮", "ja")
    sudachi = time.perf_counter() - start
    start = time.perf_counter()
    morphemes("북한", "ko")
    kiwi = time.perf_counter() - start
    start = time.perf_counter()
    detect_language("北朝鮮のミサイル")
    lingua = time.perf_counter() - start
    start = time.perf_counter()
    for lang in ("en", "ja", "ko"):  # each language's terms compile once per topic
        score_item(topic, "北", "북", lang)
    terms = time.perf_counter() - start
    print(
        f"one-off start: Sudachi {sudachi * 1000:.0f} ms, Kiwi {kiwi * 1000:.0f} ms,"
        f" lingua (en/ja/ko) {lingua * 1000:.0f} ms, the topic's terms {terms * 1000:.0f} ms"
    )

    costs: dict[str, list[list[float]]] = defaultdict(list)
    for _ in range(args.runs):
        per_run: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            title, text, lang = row["title"], row["text"] or "", row["lang"]
            begin = time.perf_counter()
            detected = detect_language(f"{title}\n{text}")
            score_item(topic, title, text, detected)
            anchors(f"{title}\n{text[:500]}", detected)
            per_run[lang].append((time.perf_counter() - begin) * 1000)
        for lang, times in per_run.items():
            costs[lang].append(times)
        # every pass starts cold: the analysers' caches would flatter the second one
        from digest.language import anchors as anchor_module
        from digest.language import morphemes as morpheme_module

        morpheme_module._analysed.cache_clear()
        morpheme_module._run_boundaries.cache_clear()
        anchor_module.anchors.cache_clear()
    print(f"{'lang':5} {'items':>6} {'mean ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for lang in sorted(costs):
        runs = costs[lang]
        means = [statistics.fmean(times) for times in runs]
        middle = runs[means.index(statistics.median(means))]
        ordered = sorted(middle)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"{lang:5} {len(ordered):6d} {statistics.fmean(ordered):8.3f}"
            f" {statistics.median(ordered):7.3f} {p95:7.3f} {ordered[-1]:7.1f}"
        )
    print(
        "per item: detection + topic scoring (with morphemes) + cross-script anchors;"
        f" median of {args.runs} passes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
