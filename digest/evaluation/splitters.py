"""Compare offline sentence splitters on hand-written tricky cases: accuracy and speed.

Run: `python -m digest.evaluation.splitters [DEV.jsonl]` (with a file, speed is also measured on
its articles). Only splitters that need no downloaded data take part.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from digest.summary.sentences import split_text

Splitter = Callable[[str], list[str]]
Case = tuple[str, tuple[str, ...]]

# Each case: a text and the sentences it should split into.
TRICKY_CASES: tuple[Case, ...] = (
    (
        "Mr. Smith met Dr. Jones on Tuesday. They talked.",
        ("Mr. Smith met Dr. Jones on Tuesday.", "They talked."),
    ),
    (
        "The U.S. Army said it would leave. Officials in the U.S. agreed.",
        ("The U.S. Army said it would leave.", "Officials in the U.S. agreed."),
    ),
    (
        "He moved to the U.S. The move was sudden.",
        ("He moved to the U.S.", "The move was sudden."),
    ),
    (
        "The vote is on Jan. 5 in Washington. It may slip.",
        ("The vote is on Jan. 5 in Washington.", "It may slip."),
    ),
    (
        "She is ranked No. 2 in the world. Her rival is No. 1.",
        ("She is ranked No. 2 in the world.", "Her rival is No. 1."),
    ),
    (
        "Prices rose 3.5 percent in May. Wages rose 2.1 percent.",
        ("Prices rose 3.5 percent in May.", "Wages rose 2.1 percent."),
    ),
    (
        '"We will win," he said. "Nobody can stop us."',
        ('"We will win," he said.', '"Nobody can stop us."'),
    ),
    (
        '"Is it over?" she asked. Nobody answered.',
        ('"Is it over?" she asked.', "Nobody answered."),
    ),
    (
        "The talks involved Kim Jong Un. Seoul welcomed them.",
        ("The talks involved Kim Jong Un.", "Seoul welcomed them."),
    ),
    (
        "John F. Kennedy was shot in Dallas. The nation mourned.",
        ("John F. Kennedy was shot in Dallas.", "The nation mourned."),
    ),
    (
        "He paused... Then he left the room. Silence followed.",
        ("He paused...", "Then he left the room.", "Silence followed."),
    ),
    (
        "Acme Inc., the maker, was sold. The buyer is Apple Inc. The deal closed Friday.",
        ("Acme Inc., the maker, was sold.", "The buyer is Apple Inc.", "The deal closed Friday."),
    ),
    (
        "Shares of Acme Corp. fell. The firm blamed Gov. Brown.",
        ("Shares of Acme Corp. fell.", "The firm blamed Gov. Brown."),
    ),
    (
        "It happened at 5 p.m. Friday near St. Louis. No one was hurt.",
        ("It happened at 5 p.m. Friday near St. Louis.", "No one was hurt."),
    ),
    (
        "The U.N. Security Council met. Its members, e.g. France, spoke.",
        ("The U.N. Security Council met.", "Its members, e.g. France, spoke."),
    ),
    (
        "Sen. Elizabeth Warren (D-Mass.) spoke. The crowd cheered!",
        ("Sen. Elizabeth Warren (D-Mass.) spoke.", "The crowd cheered!"),
    ),
    (
        "He earned $1.2 million in 2014. That was a record.",
        ("He earned $1.2 million in 2014.", "That was a record."),
    ),
    (
        "Is this the end? No. It is only the beginning.",
        ("Is this the end?", "No.", "It is only the beginning."),
    ),
    (
        "The game ended 2-1. Madrid are now top.",
        ("The game ended 2-1.", "Madrid are now top."),
    ),
    (
        "Police said the suspect, 40, was arrested. (He has not been named.) A trial is due.",
        (
            "Police said the suspect, 40, was arrested.",
            "(He has not been named.)",
            "A trial is due.",
        ),
    ),
)


def _pysbd() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: [s.strip() for s in segmenter.segment(text) if s.strip()]


def _punkt() -> Splitter:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    tokenizer = PunktSentenceTokenizer()  # untrained: no data needed
    return lambda text: [s.strip() for s in tokenizer.tokenize(text)]


def splitters() -> dict[str, Splitter]:
    """The splitters compared, by name."""
    return {"rules (digest)": split_text, "pysbd": _pysbd(), "punkt (untrained)": _punkt()}


def accuracy(split: Splitter, cases: Sequence[Case]) -> tuple[int, list[str]]:
    """How many cases split exactly right, and the texts of those that did not."""
    wrong = [text for text, expected in cases if tuple(split(text)) != expected]
    return len(cases) - len(wrong), wrong


def speed_ms(split: Splitter, texts: Sequence[str]) -> float:
    """Mean milliseconds per text."""
    started = time.perf_counter()
    for text in texts:
        split(text)
    return (time.perf_counter() - started) * 1000 / max(len(texts), 1)


def main(argv: Sequence[str]) -> None:
    texts = [text for text, _ in TRICKY_CASES]
    if argv:
        with Path(argv[0]).open(encoding="utf-8") as lines:
            texts = [json.loads(line)["article"] for line in lines][:200]
    for name, split in splitters().items():
        right, wrong = accuracy(split, TRICKY_CASES)
        ms = speed_ms(split, texts)
        print(f"{name:20} {right}/{len(TRICKY_CASES)} cases right, {ms:.3f} ms per text")
        for text in wrong:
            print(f"    wrong: {text}  ->  {split(text)}")


if __name__ == "__main__":
    main(sys.argv[1:])
