"""What language analysis costs per item, on the real Japanese, Korean and English items.

Reads the shared items by path (never copied into the project): 6,805 headlines with their
snippets or leads from NHK, Yonhap (Korean, Japanese, English), Chosun Ilbo and others. For
each item it times what digest adds for its language: detection (done once, when the item is
stored) and the topic's scoring, which for Japanese and Korean means morpheme analysis of the
runs around each term found, plus what grouping reads across languages: the anchors (figures,
names, Japanese kanji names spelt in Hangul), the Sino-Korean words of the headline and first
sentence, and the English meanings (JMdict's glosses). English scoring is timed too, for
comparison. The analysers' one-off start (loading Sudachi's dictionary and
Kiwi's model, indexing JMdict, on the first Japanese or Korean item) is printed apart.

Each item is timed twice over: the CPU time of this thread (what the item costs; the quoted
figure) and the wall clock (what it costs plus any time the scheduler gave to other processes:
on a shared 2-core machine at load 4-8 its 95th percentile is mostly those pauses).

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

from digest.editorial.crosslang import opening_words
from digest.editorial.relevance import TopicSettings, score_item
from digest.language.anchors import anchors
from digest.language.detect import detect_language
from digest.language.glosses import english_words, meanings
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
    detect_language("Abe's 'kokunan toppa' (国難突破)")  # script alone cannot tell: the model
    lingua = time.perf_counter() - start
    start = time.perf_counter()
    meanings("弾道", "ja")  # JMdict's common words and their Korean readings, indexed once
    glosses = time.perf_counter() - start
    start = time.perf_counter()
    for lang in ("en", "ja", "ko"):  # each language's terms compile once per topic
        score_item(topic, "北", "북", lang)
    terms = time.perf_counter() - start
    print(
        f"one-off start: Sudachi {sudachi * 1000:.0f} ms, Kiwi {kiwi * 1000:.0f} ms,"
        f" lingua (en/ja/ko) {lingua * 1000:.0f} ms, JMdict glosses {glosses * 1000:.0f} ms,"
        f" the topic's terms {terms * 1000:.0f} ms"
    )

    cpu: dict[str, list[list[float]]] = defaultdict(list)
    wall: dict[str, list[list[float]]] = defaultdict(list)
    for _ in range(args.runs):
        cpu_run: dict[str, list[float]] = defaultdict(list)
        wall_run: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            title, text, lang = row["title"], row["text"] or "", row["lang"]
            begin, begin_cpu = time.perf_counter(), time.thread_time()
            detected = detect_language(f"{title}\n{text}")
            score_item(topic, title, text, detected)
            lead = f"{title}\n{text[:500]}"
            anchors(lead, detected)
            opening_words(title, text, detected)  # the wording of a cut-short lead (ja/ko)
            for part in (title, text[:500]):  # what grouping reads of its meaning, across languages
                english_words(part) if detected == "en" else meanings(part, detected)
            cpu_run[lang].append((time.thread_time() - begin_cpu) * 1000)
            wall_run[lang].append((time.perf_counter() - begin) * 1000)
        for lang in cpu_run:
            cpu[lang].append(cpu_run[lang])
            wall[lang].append(wall_run[lang])
        # every pass starts cold: the analysers' caches would flatter the second one
        from digest.language import anchors as anchor_module
        from digest.language import glosses, sino, sounds
        from digest.language import morphemes as morpheme_module

        morpheme_module._analysed.cache_clear()
        morpheme_module._run_boundaries.cache_clear()
        morpheme_module.japanese_proper_nouns.cache_clear()
        anchor_module.anchors.cache_clear()
        sounds.name_sounds.cache_clear()
        sounds.japanese_names_in_hangul.cache_clear()
        sounds.kana_to_hangul.cache_clear()
        sino.sino_words.cache_clear()
        sino.hangul_reading.cache_clear()
        sino.glossed.cache_clear()
        glosses.meanings.cache_clear()
        glosses.english_words.cache_clear()
        glosses._korean_word.cache_clear()
    print(
        f"{'lang':5} {'items':>6} {'cpu mean':>9} {'p50':>6} {'p95':>6} {'max':>6}"
        f" | {'wall mean':>9} {'p95':>6}   (ms per item)"
    )
    for lang in sorted(cpu):
        ordered = _middle(cpu[lang])
        clock = _middle(wall[lang])
        print(
            f"{lang:5} {len(ordered):6d} {statistics.fmean(ordered):9.3f}"
            f" {statistics.median(ordered):6.3f} {_p95(ordered):6.3f} {ordered[-1]:6.1f}"
            f" | {statistics.fmean(clock):9.3f} {_p95(clock):6.3f}"
        )
    print(
        "per item: detection + topic scoring (with morphemes) + cross-script anchors and"
        " glosses;"
        f" the pass with the median mean of {args.runs}, cold caches each pass"
    )
    return 0


def _middle(runs: list[list[float]]) -> list[float]:
    """The pass whose mean is the median of the passes, sorted."""
    means = [statistics.fmean(times) for times in runs]
    return sorted(runs[means.index(statistics.median(means))])


def _p95(ordered: list[float]) -> float:
    return ordered[int(0.95 * (len(ordered) - 1))]


if __name__ == "__main__":
    raise SystemExit(main())
