"""File modes: pages follow the umask (a web server running as another user can read them); the
database, its WAL and the lock files are private (0600), even when an older digest left them
readable. Through `digest run`, under two umasks."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WriteConfig
from feeds import CLIPPING

PRIVATE_NAMES = ("digest.sqlite3", "digest.sqlite3-wal", "digest.sqlite3-shm", ".lock")


def run(config: Path, umask: int) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "digest", "run", "--config", str(config)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(umask),
    )
    assert result.returncode == 0, result.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def site_files(archive: Path) -> list[Path]:
    return [
        *sorted(archive.glob("*/*.html")),
        *sorted(archive.glob("*/*.txt")),
        *(archive / name for name in ("index.html", "feed.xml", "search.html", "search-index.js")),
    ]


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_pages_follow_the_umask_and_the_database_is_private(
    write_config: WriteConfig, tmp_path: Path, umask: int
) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "talks.txt").write_text(CLIPPING, encoding="utf-8")
    config = write_config("sources:\n  - {name: Clips, path: clips}\n")
    run(config, umask)
    archive = tmp_path / "archive"
    files = site_files(archive)
    assert len(files) == 6
    for path in files:
        assert mode(path) == 0o666 & ~umask, path
    for name in PRIVATE_NAMES:
        if (archive / name).exists():
            assert mode(archive / name) == 0o600, name
    assert (archive / "digest.sqlite3").exists() and (archive / ".lock").exists()


def test_an_older_readable_database_is_made_private(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "talks.txt").write_text(CLIPPING, encoding="utf-8")
    config = write_config("sources:\n  - {name: Clips, path: clips}\n")
    run(config, 0o022)
    archive = tmp_path / "archive"
    for name in PRIVATE_NAMES:
        if (archive / name).exists():
            (archive / name).chmod(0o644)  # as digest left them before
    run(config, 0o022)
    for name in PRIVATE_NAMES:
        if (archive / name).exists():
            assert mode(archive / name) == 0o600, name
