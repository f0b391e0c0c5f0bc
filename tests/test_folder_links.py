"""A saved-articles folder is read inside itself: links out of it are skipped unless the config
says `follow_symlinks: true`, and a FIFO or device swapped in for a file never blocks a run."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteConfig
from conftest import run_digest as digest
from hostile import PASSWD_MARKERS

from digest.sources.folder import FolderSource
from digest.sources.settings import FetchSettings

TALKS = (
    "Japan and North Korea resume abduction talks\n\n"
    "Japanese and North Korean officials met in Stockholm on Tuesday to resume talks on the "
    "abduction of Japanese citizens by North Korea, the Foreign Ministry in Tokyo said.\n"
)
OUTSIDE = TALKS.replace("Stockholm", "Ulaanbaatar").replace("resume", "hold secret")


def archived(folder: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in sorted(folder.glob("*/*")))


def test_links_out_of_the_folder_are_skipped_unless_the_config_allows(
    tmp_path: Path, write_config: WriteConfig
) -> None:
    clips = tmp_path / "clips"
    (clips / "sub").mkdir(parents=True)
    (clips / "talks.txt").write_text(TALKS)
    (clips / "sub" / "same.txt").symlink_to(clips / "talks.txt")  # inside: still read
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text(OUTSIDE)
    (clips / "outside.txt").symlink_to(tmp_path / "elsewhere" / "secret.txt")
    (clips / "passwd.txt").symlink_to("/etc/passwd")
    sources = f"sources:\n  - name: Saved\n    path: {clips}\n"
    config = write_config(f"archive: {tmp_path / 'a'}\n{sources}")
    result = digest("run", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "passwd.txt (a link out of the folder" in result.stderr
    assert "outside.txt (a link out of the folder" in result.stderr
    written = archived(tmp_path / "a")
    assert "Stockholm" in written and "Ulaanbaatar" not in written
    assert not any(marker in written for marker in PASSWD_MARKERS)
    found = digest("search", "root OR daemon OR Ulaanbaatar", "--config", config, cwd=tmp_path)
    assert "0 items match" in found.stderr, found.stdout

    config = write_config(f"archive: {tmp_path / 'b'}\n{sources}    follow_symlinks: true\n")
    result = digest("run", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Ulaanbaatar" in archived(tmp_path / "b")


@pytest.mark.parametrize("swap_in", ["fifo", "device"])
def test_a_fifo_or_device_swapped_in_before_the_read_never_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap_in: str
) -> None:
    (tmp_path / "talks.txt").write_text(TALKS)
    swapped = tmp_path / "swapped.txt"
    swapped.write_text(TALKS)
    real = FolderSource.read_file

    def swapping(self: FolderSource, path: Path) -> Any:
        if path == swapped:  # listed as a regular file; a FIFO or a device by the time it opens
            path.unlink()
            if swap_in == "fifo":
                os.mkfifo(path)
            else:
                path.symlink_to("/dev/zero")
        return real(self, path)

    monkeypatch.setattr(FolderSource, "read_file", swapping)
    source = FolderSource("Saved", tmp_path, FetchSettings(), follow_symlinks=True)
    done: list[Any] = []
    reader = threading.Thread(
        target=lambda: done.append(source.read(client=None, now=datetime.now(UTC))),  # type: ignore[arg-type]
        daemon=True,
    )
    reader.start()
    reader.join(30)
    if reader.is_alive() and swap_in == "fifo":  # blocked in open(): free it, then fail
        os.close(os.open(swapped, os.O_WRONLY | os.O_NONBLOCK))
    assert not reader.is_alive() and done, "the read blocked"
    [batch] = done
    assert "swapped.txt (not a regular file" in batch.warning
    assert [Path(i.link).name for i in batch.items] == ["talks.txt"]
