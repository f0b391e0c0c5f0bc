"""Crash soak: SIGKILL `digest run` at random seeded moments, run it again, check the archive.

    PYTHONPATH=. python benchmarks/soak_crash.py [--trials 50] [--seed 20261123]

Prints one line per trial and a tally; exits 1 if any trial found a problem. The checks are in
tests/crash_harness.py: every recorded edition whole and indexed, no temporary files, no item
lost (stored before the kill, or ever offered by a source), no item in two editions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from crash_harness import Trial, soak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261123)
    options = parser.parse_args()

    def report(trial: Trial) -> None:
        outcome = "killed" if trial.killed else "finished before the kill"
        verdict = "ok" if not trial.problems else "PROBLEMS: " + "; ".join(trial.problems)
        print(f"trial {trial.number:3d}: kill at {trial.delay:5.2f} s, {outcome}; {verdict}")

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="digest-soak-") as folder:
        results = soak(Path(folder), trials=options.trials, seed=options.seed, report=report)
    killed = sum(r.killed for r in results)
    bad = [r for r in results if r.problems]
    print(
        f"{len(results)} trials (seed {options.seed}): {killed} killed mid-run, "
        f"{len(results) - killed} finished first; {len(bad)} with problems; "
        f"{time.monotonic() - started:.0f} s"
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
