"""Crash safety of `digest run`: SIGKILL at random (seeded) moments, and death at the chosen
worst moments; after each, a second run completes and the archive is whole, nothing is lost, no
item is in two editions (see tests/crash_harness.py; benchmarks/soak_crash.py runs 50+ trials)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import ROOT, Kept, Soak, check_archive, hang, soak

# A hang guard on a quiet machine, stretched with the load (tests/pace.py, conftest.py); each
# `digest run` inside has its own (`hang`), which catches a hung run long before this.
pytestmark = pytest.mark.timeout(300)

# One kill in each fifth of a run (seeded within it): the kills cover a run from its start to
# past its end, as ten kills anywhere at random did not promise.
TRIALS = 5


def test_random_kills_lose_nothing_and_leave_a_whole_archive(tmp_path: Path) -> None:
    results = soak(tmp_path, trials=TRIALS, seed=20261123, spread=TRIALS)
    assert len(results) == TRIALS
    assert [r for r in results if r.problems] == []
    assert any(r.killed for r in results)


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kept]:
    """One harness calibrated for every worst moment, each test starting from it as it was."""
    harness = Soak(tmp_path_factory.mktemp("worst"), seed=1)
    try:
        harness.calibrate()  # one whole edition first, so later pages have neighbours
        yield harness.keep(tmp_path_factory.mktemp("calibrated") / "kept")
    finally:
        harness.close()


@pytest.mark.parametrize(
    "point", ["temporary", "site", "recorded", "written", "committed", "items", "states"]
)
def test_death_at_the_worst_moments(calibrated: Kept, point: str) -> None:
    harness = calibrated.restore()
    for trial in (1, 2):
        harness.feed_more(trial)
        env = {**harness.env(), "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
        crash = [sys.executable, str(ROOT / "tests" / "crash_points.py"), point]
        died = subprocess.run(
            [*crash, *harness.command()[3:]], env=env, capture_output=True, timeout=hang()
        )
        assert died.returncode == 137, died.stderr.decode()[-2000:]
        again = subprocess.run(
            harness.command(), env=harness.env(), capture_output=True, timeout=hang()
        )
        assert again.returncode == 0, again.stderr.decode()[-2000:]
        assert check_archive(harness.archive, harness.offered, harness.saved) == []
