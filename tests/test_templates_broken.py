"""A broken user template (syntax error, unknown filter, undefined attribute, an error in its own
code) stops `digest run` and `digest archive rebuild` with one line naming the file and line,
exit status 2, and the archive's pages exactly as they were."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import ROOT, digest
from feeds import CLIPPING

BREAKAGES = [
    # template, text to replace, replacement, what the message says
    ("digest.html.j2", "{{ page.title }}", "{% if %}", "Expected an expression"),
    ("digest.html.j2", "{{ page.title }}", "{{ page.title | shout }}", "No filter named 'shout'"),
    ("digest.txt.j2", "{{ page.date_label }}", "{{ page.no_such_thing }}", "no_such_thing"),
    ("index.html.j2", "{{ year.year }}", "{{ year.colour.name }}", "colour"),
    ("feed.xml.j2", "{{ title }}", "{{ 1 // 0 }}", "ZeroDivisionError"),
]


def pages(archive: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the archive but the database and lock, with bytes and modification time."""
    return {
        p.relative_to(archive).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(archive.rglob("*"))
        if p.is_file() and not p.name.startswith(("digest.sqlite3", ".lock"))
    }


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a config, its clippings and an archive of one edition."""
    folder = tmp_path_factory.mktemp("made")
    (folder / "clips").mkdir()
    (folder / "clips" / "talks.txt").write_text(CLIPPING, encoding="utf-8")
    (folder / "feeds.yaml").write_text("sources:\n  - {name: Clips, path: clips}\n")
    first = digest("run", cwd=folder)
    assert first.returncode == 0, first.stderr
    return folder


@pytest.mark.parametrize("command", ["run", "rebuild"])
@pytest.mark.parametrize(("name", "old", "new", "says"), BREAKAGES)
def test_a_broken_template_is_one_line_exit_2_and_changes_nothing(
    made: Path, tmp_path: Path, command: str, name: str, old: str, new: str, says: str
) -> None:
    shutil.copytree(made, tmp_path, dirs_exist_ok=True)
    config = tmp_path / "feeds.yaml"
    archive = tmp_path / "archive"
    before = pages(archive)
    original = (ROOT / "templates" / name).read_text(encoding="utf-8")
    assert old in original
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / name).write_text(original.replace(old, new, 1), encoding="utf-8")
    line = original[: original.index(old)].count("\n") + 1
    args = ["run", "--since", "7d"] if command == "run" else ["archive", "rebuild"]
    result = digest(*args, "--config", config, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert f"templates/{name}:{line}:" in message and says in message, message
    assert "Traceback" not in message
    assert pages(archive) == before
    with closing(sqlite3.connect(archive / "digest.sqlite3")) as db:  # no edition recorded
        assert db.execute("SELECT COUNT(*) FROM editions").fetchone() == (1,)
