"""Whole commands side by side: `python benchmarks/bench_peers.py` (from the project root).

What a user waits for is the whole command: start-up, polling, storing, building, writing. This
starts a feed server in its own process on 50 loopback hosts (127.0.0.1-127.0.0.50, one port;
500 feeds built from the real feeds in ../shared/eval/feeds/real, each answer after 50 ms, with
ETag/Last-Modified) and times, in one run and alternating round by round, whole processes:

- `digest run` cold (an empty archive) and warm (the same archive again: every feed 304), with
  the default config apart from its sources (40 connections, 4 per host; `full_text: false`,
  since the entries link to publishers out of reach and newsboat fetches no pages either);
- newsboat cold (an empty cache) and warm (`newsboat -x reload`, `reload-threads` as many as
  digest's connections), skipped, saying so, when /usr/bin/newsboat is absent;
- a sequential `feedparser.parse(url)` loop in a fresh interpreter (on every 5th feed unless
  --baseline-every says otherwise: its figure is a rate, so the sample changes only its length).

Each figure is feeds/s of the whole process (500 feeds / wall time); printed with every run's
figure, the median, the load average when the run started, the process's peak RSS (the largest
of it and its children) and, for digest, how long after the command started its first request
reached the server. `--feeds 5000 --runs 1 --only digest` gives the scale figures.
`--before OTHER_CHECKOUT` times that checkout's `digest run` too (cold and warm, in each round
right after this one's), so a change is compared with what it changed under the same load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedserver

NEWSBOAT = shutil.which("newsboat")


@dataclass(frozen=True)
class Timed:
    seconds: float
    rss_mb: float
    load: float
    first_request: float | None  # seconds after the start, when measured


@dataclass
class Series:
    label: str
    runs: list[Timed] = field(default_factory=list)


def timed(command: list[str], hosts: feedserver.Hosts, **kwargs: object) -> Timed:
    """Run `command` to the end; its wall time, peak RSS and first request's delay."""
    load = os.getloadavg()[0]
    hosts.first.value = 0.0
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{command[0]} exited {code}:\n{out[-2000:]}\n{err[-2000:]}")
    first = hosts.first.value - started if hosts.first.value else None
    return Timed(seconds, usage.ru_maxrss / 1024, load, first)


def digest_config(folder: Path, hosts: feedserver.Hosts, feeds: int) -> Path:
    lines = [f"archive: {folder / 'archive'}", "sources:"]
    for number in range(feeds):
        lines += [f"  - name: feed {number}", f"    url: {hosts.url('f', number)}"]
        # The entries link to the real publishers, out of reach here; newsboat reads only the
        # feeds, so digest does too (its teaser pages are a feature newsboat does not have).
        lines += ["    full_text: false"]
    path = folder / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def digest_command(config: Path) -> list[str]:
    return [sys.executable, "-m", "digest", "run", "--config", str(config)]


def other_checkout(root: Path) -> dict[str, object]:
    """How to run `python -m digest` from another checkout: its folder first on the path."""
    return {"cwd": root, "env": {**os.environ, "PYTHONPATH": str(root)}}


def newsboat_files(folder: Path, hosts: feedserver.Hosts, feeds: int, threads: int) -> list[str]:
    urls = folder / "urls"
    urls.write_text("".join(hosts.url("f", n) + "\n" for n in range(feeds)), encoding="utf-8")
    (folder / "config").write_text(f"reload-threads {threads}\n", encoding="utf-8")
    assert NEWSBOAT is not None
    return [NEWSBOAT, "-x", "reload", "-u", str(urls), "-c", str(folder / "cache.db")]


LOOP = """
import sys, feedparser
for url in sys.argv[1:]:
    parsed = feedparser.parse(url)
    if not parsed.entries:
        raise SystemExit(f"no entries from {url}")
"""


def ready(url: str) -> None:
    for _ in range(400):
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the benchmark feed server did not start")


def one_round(hosts: feedserver.Hosts, args: argparse.Namespace, series: dict[str, Series]) -> None:
    feeds = args.feeds
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        folder = Path(tmp)
        if "digest" in args.only:
            command = digest_command(digest_config(folder, hosts, feeds))
            series["digest cold"].runs.append(timed(command, hosts))
            series["digest warm"].runs.append(timed(command, hosts))
            if args.before:
                shutil.rmtree(folder / "archive")
                other = other_checkout(args.before)
                series["before cold"].runs.append(timed(command, hosts, **other))
                series["before warm"].runs.append(timed(command, hosts, **other))
        if "newsboat" in args.only and NEWSBOAT:
            board = folder / "newsboat"
            board.mkdir()
            command = newsboat_files(board, hosts, feeds, args.connections)
            env = {**os.environ, "HOME": str(board), "XDG_CONFIG_HOME": str(board)}
            command += ["-C", str(board / "config")]
            series["newsboat cold"].runs.append(timed(command, hosts, env=env))
            series["newsboat warm"].runs.append(timed(command, hosts, env=env))
        if "loop" in args.only:
            sample = [hosts.url("f", n) for n in range(0, feeds, args.baseline_every)]
            loop = timed([sys.executable, "-c", LOOP, *sample], hosts)
            # A rate on the sample, stated as the time the whole set would take at that rate.
            scale = feeds / len(sample)
            series["feedparser loop"].runs.append(
                Timed(loop.seconds * scale, loop.rss_mb, loop.load, loop.first_request)
            )


def report(series: dict[str, Series], feeds: int) -> None:
    print(
        f"\n{'command':16} {'feeds/s':>8}  every run (feeds/s)          peak RSS  first req  load"
    )
    medians = {}
    for name, entry in series.items():
        if not entry.runs:
            continue
        rates = [feeds / r.seconds for r in entry.runs]
        medians[name] = statistics.median(rates)
        each = " ".join(f"{r:.1f}" for r in rates)
        rss = max(r.rss_mb for r in entry.runs)
        firsts = [r.first_request for r in entry.runs if r.first_request is not None]
        ours = name.startswith(("digest", "before"))
        first = f"{statistics.median(firsts):.2f} s" if firsts and ours else "-"
        loads = f"{min(r.load for r in entry.runs):.1f}-{max(r.load for r in entry.runs):.1f}"
        print(f"{name:16} {medians[name]:8.1f}  {each:28} {rss:6.0f} MB  {first:>9}  {loads}")
    for name, entry in series.items():  # the first request of every run, in seconds
        firsts = [r.first_request for r in entry.runs if r.first_request is not None]
        if firsts and name.startswith(("digest", "before")):
            print(f"first request, {name}: " + ", ".join(f"{f:.2f}" for f in firsts) + " s")
    print()
    for kind, target in (("cold", 1.5), ("warm", 4.0)):
        ours, theirs = medians.get(f"digest {kind}"), medians.get(f"newsboat {kind}")
        if ours and theirs:
            print(f"digest {kind} / newsboat {kind}: {ours / theirs:.2f}x  (target >= {target}x)")
    for kind in ("cold", "warm"):
        ours, before = medians.get(f"digest {kind}"), medians.get(f"before {kind}")
        if ours and before:
            print(f"digest {kind} / before {kind}: {ours / before:.2f}x")
    if "digest cold" in medians and "feedparser loop" in medians:
        ratio = medians["digest cold"] / medians["feedparser loop"]
        print(f"digest cold / feedparser loop: {ratio:.1f}x")
    if not NEWSBOAT:
        print("newsboat is not installed here: its rows were skipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.05, help="server delay, seconds")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-every", type=int, default=5)
    parser.add_argument("--connections", type=int, default=40, help="newsboat's reload-threads")
    parser.add_argument(
        "--only", nargs="+", default=["digest", "newsboat", "loop"], help="which commands"
    )
    parser.add_argument("--before", type=Path, help="another checkout's digest to time as well")
    args = parser.parse_args()
    hosts = feedserver.start_hosts(args.feeds, args.delay, args.hosts)
    try:
        ready(hosts.url("f", 0))
        print(
            f"{args.feeds} feeds on {args.hosts} hosts ({hosts.bases[0]} .. {hosts.bases[-1]}), "
            f"{args.delay * 1000:.0f} ms per answer, {args.runs} rounds; {os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        names = ["digest cold", "digest warm", "before cold", "before warm"]
        names += ["newsboat cold", "newsboat warm", "feedparser loop"]
        series = {name: Series(name) for name in names}
        for number in range(args.runs):
            one_round(hosts, args, series)
            done = [
                f"{n} {args.feeds / s.runs[-1].seconds:.1f}" for n, s in series.items() if s.runs
            ]
            print(f"round {number + 1}: " + ", ".join(done) + f"  (load {os.getloadavg()[0]:.1f})")
        report(series, args.feeds)
    finally:
        hosts.process.kill()


if __name__ == "__main__":
    main()
