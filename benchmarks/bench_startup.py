"""Start-up time of the command line: the median wall time of a few commands that do no work
(help, a usage error), each in a fresh interpreter, and the imports that cost `--help` most.

    PYTHONPATH=. python benchmarks/bench_startup.py [--runs 21] [--root OTHER_CHECKOUT]
    PYTHONPATH=. python benchmarks/bench_startup.py --first-request 500 [--runs 7] [--root ...]

`--root` times another checkout's `digest` (say, an older commit in a worktree) in the same run,
so the two are compared under the same load.

`--first-request N` times instead how long after `digest run` starts its first request reaches
the server: bench_peers.py's loopback server with N feeds on 50 hosts, each checkout's archive
made once (one cold run), then warm runs (every feed answers 304), alternating checkouts. It
prints each run's figure, the medians, the whole run's median and the load average.

Targets: `digest --help` and usage errors under 0.3 s; the first request of a warm 500-feed
`digest run` within 0.4 s, on the 2-core development machine at low load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = {
    "digest --help": ["--help"],
    "digest run --help": ["run", "--help"],
    "digest search --help": ["search", "--help"],
    "usage error: digest run --bogus": ["run", "--bogus"],
    "usage error: digest search": ["search"],
    "digest --version": ["--version"],
}
TARGET = 0.3
FIRST_REQUEST_TARGET = 0.4


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root)}


def wall_time(args: list[str], root: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "digest", *args],
        env=_env(root),
        cwd=root,  # `-m` looks in the current folder first
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def costliest_imports(args: list[str], count: int, root: Path) -> list[tuple[int, str]]:
    """The top-level packages that `python -X importtime` says took longest, in microseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "digest", *args],
        env=_env(root),
        cwd=root,  # `-m` looks in the current folder first
        capture_output=True,
        text=True,
        check=False,
    )
    totals: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _self, cumulative, name = line.removeprefix("import time:").split("|")
        if not cumulative.strip().isdigit() or name.startswith("  "):  # nested: counted above
            continue
        totals[name.strip()] = int(cumulative)
    return sorted(((us, name) for name, us in totals.items()), reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per case (default 21)")
    parser.add_argument("--top", type=int, default=8, help="imports listed (default 8)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to time")
    parser.add_argument(
        "--first-request", type=int, metavar="FEEDS", help="time digest run's first request"
    )
    options = parser.parse_args()
    root = options.root.resolve()
    if options.first_request:
        first_request(options.first_request, options.runs, [ROOT, root] if root != ROOT else [ROOT])
        return
    print(f"checkout: {root}")
    bare = statistics.median(_bare_interpreter() for _ in range(options.runs))
    print(f"python -c pass (the floor): median {bare * 1000:.0f} ms of {options.runs}")
    worst = 0.0
    for label, args in CASES.items():
        wall_time(args, root)  # warm the file cache
        times = [wall_time(args, root) for _ in range(options.runs)]
        median = statistics.median(times)
        worst = max(worst, median)
        low, high = min(times) * 1000, max(times) * 1000
        print(f"{label:<34} median {median * 1000:4.0f} ms  (min {low:.0f}, max {high:.0f})")
    verdict = "met" if worst < TARGET else "NOT met"
    print(f"slowest median {worst * 1000:.0f} ms; target < {TARGET * 1000:.0f} ms: {verdict}")
    load = os.getloadavg()[0]
    print(f"load average at the end: {load:.2f}")
    print("costliest top-level imports of `digest --help` (python -X importtime):")
    for micros, name in costliest_imports(["--help"], options.top, root):
        print(f"  {micros / 1000:6.1f} ms  {name}")


def _checkout(root: Path) -> dict[str, Any]:
    return {"cwd": root, "env": _env(root)}


def first_request(feeds: int, runs: int, roots: list[Path]) -> None:
    """Warm `digest run`s of each checkout in `roots`, alternating: when the first request
    reached the server, and the whole run."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_peers
    import feedserver

    hosts = feedserver.start_hosts(feeds, 0.05, 50)
    seen: dict[Path, list[tuple[float, float, float]]] = {root: [] for root in roots}
    try:
        bench_peers.ready(hosts.url("f", 0))
        with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
            commands = {}
            for number, root in enumerate(roots):
                folder = Path(tmp) / str(number)
                folder.mkdir()
                config = bench_peers.digest_config(folder, hosts, feeds)
                commands[root] = bench_peers.digest_command(config)
                made = subprocess.run(  # 3: a feed could not be read; the archive is made
                    commands[root], capture_output=True, check=False, **_checkout(root)
                )
                if made.returncode not in (0, 3):
                    raise SystemExit(f"{root}: digest run exited {made.returncode}")
            print(f"{feeds} feeds, warm runs; load average {os.getloadavg()[0]:.2f}")
            for _ in range(runs):
                for root in roots:
                    got = bench_peers.timed(
                        commands[root], hosts, **bench_peers.other_checkout(root)
                    )
                    assert got.first_request is not None
                    seen[root].append((got.first_request, got.seconds, got.load))
                    print(
                        f"  {root}: first request {got.first_request:.3f} s,"
                        f" whole {got.seconds:.2f} s, load {got.load:.2f}"
                    )
    finally:
        hosts.process.kill()
    for root, figures in seen.items():
        first = statistics.median(f[0] for f in figures)
        whole = statistics.median(f[1] for f in figures)
        loads = f"{min(f[2] for f in figures):.1f}-{max(f[2] for f in figures):.1f}"
        verdict = "met" if first < FIRST_REQUEST_TARGET else "NOT met"
        print(
            f"{root}: first request median {first:.3f} s (target < {FIRST_REQUEST_TARGET} s at"
            f" low load: {verdict}), whole run median {whole:.2f} s, load {loads}"
        )


def _bare_interpreter() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=False)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
