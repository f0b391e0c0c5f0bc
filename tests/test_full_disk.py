"""A full disk and a read-only archive: `digest run` ends with one clear line, leaves no half
edition, and the next run after space is freed (or the folder made writable) completes.

The archive lives on a small tmpfs mounted for the test, which needs root (CAP_SYS_ADMIN); the
tests are skipped, saying so, where mounting is not allowed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_harness import Kept, Soak, check_archive

pytestmark = pytest.mark.timeout(180)

SIZE = "4m"


def mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


def mount_small_tmpfs(folder: Path) -> None:
    """Make `folder` a 4 MB tmpfs, or skip the test saying why it cannot be."""
    folder.mkdir()
    mounted = mount("-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kept]:
    """A Soak harness (loopback feeds, clippings, config) whose archive is a 4 MB tmpfs, with
    one edition made while there is room; kept so that each test starts from it as it was."""
    folder = tmp_path_factory.mktemp("small")
    archive = folder / "archive"
    mount_small_tmpfs(archive)
    harness = Soak(folder, seed=3)
    try:
        harness.calibrate()  # one edition made while there is room
        yield harness.keep(tmp_path_factory.mktemp("calibrated") / "kept")
    finally:
        harness.close()
        subprocess.run(["umount", "-l", str(archive)], check=False)


@pytest.fixture
def small_archive(calibrated: Kept) -> Soak:
    """The calibrated harness, as it was after its one edition (the disk's room back too)."""
    return calibrated.restore()


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system of `folder` until only about `leave` bytes are free."""
    filler = folder / "filler.bin"
    with filler.open("wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    size = filler.stat().st_size
    os.truncate(filler, max(0, size + free - leave) if leave else size)
    return filler


def recorded(harness: Soak) -> int:
    db = sqlite3.connect(f"{(harness.archive / 'digest.sqlite3').as_uri()}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT COUNT(*) FROM editions").fetchone()[0])
    finally:
        db.close()


def one_line_error(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("digest: error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr, stderr


@pytest.mark.parametrize("leave", [0, 8_192, 32_768, 131_072, 262_144])
def test_a_full_disk_fails_cleanly_and_the_next_run_completes(
    small_archive: Soak, leave: int
) -> None:
    harness = small_archive
    harness.feed_more(1)
    before = recorded(harness)
    filler = fill(harness.archive, leave)
    full = subprocess.run(harness.command(), env=harness.env(), capture_output=True, text=True)
    if full.returncode == 0:
        assert recorded(harness) == before + 1  # it fitted: a whole edition
    else:
        assert full.returncode == 1, full.stderr
        one_line_error(full.stderr)
        assert any(
            words in full.stderr
            for words in ("No space left on device", "database or disk is full")
        ), full.stderr
        assert recorded(harness) == before, full.stderr  # no half edition recorded
    filler.unlink()
    # The same archive, with room again: every recorded edition whole, nothing lost.
    again = subprocess.run(harness.command(), env=harness.env(), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert check_archive(harness.archive, harness.offered, harness.saved) == []
    assert recorded(harness) >= before + 1


def test_a_read_only_archive_fails_cleanly_and_the_next_run_completes(
    small_archive: Soak,
) -> None:
    harness = small_archive
    harness.feed_more(1)
    before = recorded(harness)
    remounted = mount("-o", "remount,ro", str(harness.archive))
    assert remounted.returncode == 0, remounted.stderr
    try:
        refused = subprocess.run(
            harness.command(), env=harness.env(), capture_output=True, text=True
        )
    finally:
        mount("-o", "remount,rw", str(harness.archive))
    assert refused.returncode == 1, refused.stderr
    one_line_error(refused.stderr)
    assert "Read-only file system" in refused.stderr
    assert recorded(harness) == before
    again = subprocess.run(harness.command(), env=harness.env(), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert check_archive(harness.archive, harness.offered, harness.saved) == []
