"""How long the browser search's query language takes in chromium: stemming every story once
(the first query) and each query after, on a synthetic archive of N stories.

    python benchmarks/bench_browser_query.py [--stories 5000] [--runs 5]

Stories are made from the project's clippings' sentences, shuffled, so the words are real.
Prints the median of `--runs` for the first query (tokenising and stemming everything) and for
a set of later queries (the stems cached), in milliseconds.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from digest.publish.render import make_environment

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUERIES = [
    "abductions",
    '"red cross"',
    "missil*",
    "japan OR korea",
    "japan NOT talks",
    "(a OR b) c",
]
TIMING = """([stories, queries]) => {
  const started = performance.now();
  const fields = stories.map((s) => [DigestQuery.tokens(s.title), DigestQuery.tokens(s.text)]);
  const count = (q) => {
    const tree = DigestQuery.parse(q);
    return fields.filter((f) => DigestQuery.score(tree, f, [5, 1]) > 0).length;
  };
  const first = count(queries[0]);
  const tokenised = performance.now() - started;
  const later = [];
  for (const q of queries) {
    const t0 = performance.now();
    count(q);
    later.push(performance.now() - t0);
  }
  return { tokenised, first, later };
}"""


def stories(count: int) -> list[dict[str, str]]:
    clippings = (ROOT / "archive" / "clippings").iterdir()
    text = re.sub(r"<[^>]+>", " ", " ".join(p.read_text(encoding="utf-8") for p in clippings))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 40]
    chance = random.Random(13)
    return [
        {"title": chance.choice(sentences)[:90], "text": " ".join(chance.sample(sentences, 3))}
        for _ in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    script = make_environment().get_template("_query.js.j2").render()
    data = stories(options.stories)
    firsts: list[float] = []
    laters: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(options.runs):
            page = browser.new_page()
            page.set_content("<title>bench</title>")
            page.add_script_tag(content=script)
            result = page.evaluate(TIMING, [data, QUERIES])
            firsts.append(result["tokenised"])
            laters.append(statistics.median(result["later"]))
            page.close()
        browser.close()
    print(f"{options.stories} stories, median of {options.runs} runs")
    print(f"  first query (tokenise and stem every story): {statistics.median(firsts):.0f} ms")
    print(f"  each later query: {statistics.median(laters):.1f} ms")


if __name__ == "__main__":
    main()
