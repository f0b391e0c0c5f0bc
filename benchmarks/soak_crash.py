"""Crash soak: SIGKILL `digest run` (or `digest serve`) at random seeded moments, start it
again, check the archive (and, for serve, the mail).

    PYTHONPATH=. python benchmarks/soak_crash.py [--trials 50] [--seed 20261123]
    PYTHONPATH=. python benchmarks/soak_crash.py --serve [--trials 50] [--period 4]

Prints one line per trial and a tally; exits 1 if any trial found a problem. The checks are in
tests/crash_harness.py: every recorded edition whole and indexed, no temporary files, no item
lost (stored before the kill, or ever offered by a source), no item in two editions; with
--serve also tests/serve_harness.py: no period published twice, no recipient mailed an edition
twice (from the SMTP server's log), a delivery the kill left in doubt reported and not resent.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from crash_harness import Trial, soak
from serve_harness import ServeTrial, serve_soak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--serve", action="store_true", help="kill `digest serve` instead")
    parser.add_argument("--period", type=int, default=4, help="serve: seconds between editions")
    options = parser.parse_args()
    started = time.monotonic()
    if options.serve:
        serve(options.trials, options.seed, options.period)
    else:
        run(options.trials, options.seed)
    print(f"{time.monotonic() - started:.0f} s")


def run(trials: int, seed: int) -> None:
    def report(trial: Trial) -> None:
        outcome = "killed" if trial.killed else "finished before the kill"
        verdict = "ok" if not trial.problems else "PROBLEMS: " + "; ".join(trial.problems)
        print(f"trial {trial.number:3d}: kill at {trial.delay:5.2f} s, {outcome}; {verdict}")

    with tempfile.TemporaryDirectory(prefix="digest-soak-") as folder:
        results = soak(Path(folder), trials=trials, seed=seed, report=report)
    killed = sum(r.killed for r in results)
    bad = [r for r in results if r.problems]
    print(
        f"{len(results)} trials (seed {seed}): {killed} killed mid-run, "
        f"{len(results) - killed} finished first; {len(bad)} with problems"
    )
    if bad:
        sys.exit(1)


def serve(trials: int, seed: int, period: int) -> None:
    def report(trial: ServeTrial) -> None:
        verdict = "ok" if not trial.problems else "PROBLEMS: " + "; ".join(trial.problems)
        doubt = f", {trial.unknown} delivery in doubt" if trial.unknown else ""
        print(
            f"trial {trial.number:3d}: kill at {trial.delay:5.2f} s, {trial.moment}{doubt}; "
            f"{verdict}",
            flush=True,
        )

    with tempfile.TemporaryDirectory(prefix="digest-serve-soak-") as folder:
        results = serve_soak(Path(folder), trials=trials, seed=seed, period=period, report=report)
    moments = Counter(r.moment for r in results)
    bad = [r for r in results if r.problems]
    print(
        f"{len(results)} serve trials (seed {seed}, a period every {period} s): "
        f"{sum(r.mid_job for r in results)} killed mid-job "
        f"({', '.join(f'{k} {v}' for k, v in sorted(moments.items()))}); "
        f"{sum(r.unknown for r in results)} deliveries left in doubt, reported, not resent; "
        f"{len(bad)} with problems"
    )
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
