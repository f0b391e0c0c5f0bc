"""The command line as a user lives with it (issue 13): options where users put them, one line
and the right exit status for every mistake, no silently wrong answer, config messages a person
understands, outputs that read well in a pipe. Through the real CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import ROOT, digest
from editions import make_three_editions

STEM = "2026-11-09-japan-north-korea"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site (feeds.yaml and archive/ with three editions); returns its folder."""
    return make_three_editions(tmp_path_factory.mktemp("everyday")).parent


def one_error(result: subprocess.CompletedProcess[str], status: int) -> str:
    """The single stderr line of a refused command, after checking its exit status."""
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# --- options where users put them -------------------------------------------------------------


def test_config_and_verbose_work_before_and_after_the_command(made: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = made / "feeds.yaml"
    for args in (
        ("--config", config, "archive", "list"),
        ("archive", "list", "--config", config),
        ("archive", "--config", config, "list"),
    ):
        result = digest(*args, cwd=elsewhere)
        assert result.returncode == 0, (args, result.stderr)
        assert f"{STEM}.html" in result.stdout
    after = digest("run", "-v", "--dry-run", "--config", config, cwd=elsewhere)
    before = digest("-v", "run", "--dry-run", "--config", config, cwd=elsewhere)
    assert after.returncode == before.returncode == 0, after.stderr
    assert "INFO" in after.stderr and "INFO" in before.stderr
    quiet = digest("run", "--dry-run", "--config", config, cwd=elsewhere)
    assert "INFO" not in quiet.stderr


def test_digest_config_names_the_config(made: Path, tmp_path: Path) -> None:
    result = digest(
        "archive", "list", cwd=tmp_path, env={"DIGEST_CONFIG": str(made / "feeds.yaml")}
    )
    assert result.returncode == 0, result.stderr
    assert f"{STEM}.html" in result.stdout
    # --config still wins over the variable
    missing = digest(
        "archive", "list", "--config", "nope.yaml", cwd=tmp_path, env={"DIGEST_CONFIG": "x"}
    )
    assert "nope.yaml: config file not found" in one_error(missing, 2)


# --- one line and the right exit status -------------------------------------------------------


def test_eval_on_files_that_are_not_its_jsonl_is_one_line_and_status_2(tmp_path: Path) -> None:
    readme = digest("eval", "summaries", ROOT / "README.md", cwd=tmp_path)
    assert "README.md:1: not a JSON line" in one_error(readme, 2)
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"article": "Text.", "reference": "Text."}\n{"reference": "x"}\n')
    keyless = digest("eval", "summaries", pairs, cwd=tmp_path)
    assert "pairs.jsonl:2: expected text under 'article'" in one_error(keyless, 2)


def test_an_archive_that_is_a_file_is_a_config_error(made: Path, tmp_path: Path) -> None:
    (tmp_path / "saved").mkdir()
    (tmp_path / "feeds.yaml").write_text(
        "archive: feeds.yaml\nsources:\n  - {name: Saved, path: saved}\n"
    )
    line = one_error(digest("run", cwd=tmp_path), 2)
    assert "archive: expected a folder" in line and "is a file" in line


def test_send_of_an_unknown_edition_is_a_usage_error(made: Path) -> None:
    line = one_error(digest("send", "nope", cwd=made), 2)
    assert "no edition named nope" in line


def test_a_closed_pipe_is_a_normal_end(made: Path) -> None:
    """`digest search ... | head`: the reader goes away; digest stops quietly with status 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "search", "abduction"],
        cwd=made,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before digest writes its first line
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(60) == 0, stderr
    assert stderr == ""


def test_a_shell_pipe_into_head_ends_quietly(made: Path) -> None:
    if shutil.which("head") is None:
        pytest.skip("no head(1) on this machine")
    done = subprocess.run(
        f"set -o pipefail; {sys.executable} -m digest search 'abd*' --limit 50 | head -n 1",
        shell=True,
        executable="/bin/bash",
        cwd=made,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1. ")
    assert "Traceback" not in done.stderr and "Broken pipe" not in done.stderr


# --- no silently wrong answers ----------------------------------------------------------------


def test_send_to_a_malformed_address_is_refused(made: Path) -> None:
    result = digest("send", STEM, "--to", "bad", cwd=made)
    assert result.returncode == 2
    assert "expected a bare address such as ann@example.org, got 'bad'" in result.stderr
    assert "sent" not in result.stdout


def test_search_names_the_valid_sources_and_digests(made: Path) -> None:
    source = one_error(digest("search", "missile", "--source", "Nope", cwd=made), 2)
    assert source == "digest: error: no source named 'Nope'; the config defines: Clippings"
    digest_ = one_error(digest("search", "missile", "--digest", "Nope", cwd=made), 2)
    assert "no digest named 'Nope'" in digest_ and "Japan–North Korea Weekly" in digest_
    by_slug = digest("search", "abduction", "--digest", "japan-north-korea", cwd=made)
    assert by_slug.returncode == 0 and "1. " in by_slug.stdout


def test_search_dates_are_checked(made: Path) -> None:
    reversed_ = one_error(
        digest("search", "x", "--since", "2026-11-30", "--until", "2026-11-01", cwd=made), 2
    )
    assert "--since 2026-11-30 is after --until 2026-11-01" in reversed_
    bad = digest("search", "x", "--since", "2026-13-01", cwd=made)
    assert bad.returncode == 2
    assert "expected a date like 2026-11-23, got '2026-13-01'" in bad.stderr
    assert "%Y" not in bad.stderr


# --- config messages a person understands -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources: saved\n",
            "sources: expected a list of entries such as `- name: ...`, got 'saved'",
        ),
        (
            "sources:\n  - name: Saved\n    paht: saved\n",
            "sources[0].paht: unknown key (did you mean `path`?)",
        ),
        (
            "fetch: {timeout: abc, conections: 3}\nsources:\n  - {name: Saved, path: saved}\n",
            "fetch.timeout: expected a number, got 'abc'; "
            "fetch.conections: unknown key (did you mean `connections`?)",
        ),
    ],
)
def test_config_errors_are_all_shown_in_words(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "saved").mkdir()
    (tmp_path / "feeds.yaml").write_text(text)
    line = one_error(digest("run", cwd=tmp_path), 2)
    assert line == f"digest: error: feeds.yaml: {expected}"


# --- outputs people read ----------------------------------------------------------------------


def test_sources_shows_folders_with_what_they_last_read(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "talks.txt").write_text("Japan and North Korea resume talks\n\nOfficials met.\n")
    (tmp_path / "feeds.yaml").write_text("sources:\n  - {name: Saved articles, path: saved}\n")
    before = digest("sources", cwd=tmp_path)
    assert "Saved articles" in before.stdout and "never" in before.stdout
    assert digest("run", "--offline", cwd=tmp_path).returncode == 0
    after = digest("sources", cwd=tmp_path)
    row = next(line for line in after.stdout.splitlines() if "Saved articles" in line)
    assert " ok " in row and " 1 " in row and "never" not in row


def test_archive_list_in_a_pipe_is_one_unwrapped_line_per_edition(made: Path) -> None:
    result = digest("archive", "list", cwd=made)
    lines = result.stdout.splitlines()
    assert lines[0] == "3 editions in archive"
    assert lines[1].split() == ["date", "digest", "covering", "stories", "page"]
    rows = lines[2:]
    assert len(rows) == 3
    assert rows[1].startswith("2026-11-09  Japan–North Korea Weekly")
    assert rows[1].endswith(f"2026/{STEM}.html")  # the whole path, on the edition's line


def test_counts_take_the_right_plural(made: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(made, site)
    dry = digest("run", "--dry-run", "--since", "all", cwd=site)
    assert dry.returncode == 0, dry.stderr
    count = int(dry.stdout.split("dry run: ")[1].split()[0])
    assert f"dry run: {count} {'story' if count == 1 else 'stories'};" in dry.stdout
    opml = tmp_path / "one.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline type="rss" text="One" xmlUrl="https://one.example.org/rss"/></body></opml>'
    )
    added = digest("sources", "import", opml, cwd=site)
    assert added.returncode == 0, added.stderr
    assert "added 1 feed to feeds.yaml" in added.stdout


def test_archive_list_on_an_80_column_terminal_keeps_each_path_whole(made: Path) -> None:
    """On a terminal too narrow for one line per edition: two lines each, nothing folded."""
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "digest", "archive", "list"],
            cwd=made,
            stdout=follower,
            stderr=subprocess.PIPE,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "COLUMNS": "80"},
            timeout=60,
        )
        os.close(follower)
        output = b""
        while chunk := _read(leader):
            output += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0, done.stderr
    lines = output.decode().replace("\r\n", "\n").splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert f"            2026/{STEM}.html" in lines
    assert "2026-11-09  Japan–North Korea Weekly, 2 stories, 2026-10-26 – 2026-11-09" in lines
    assert "2026-10-26  Japan–North Korea Weekly, 1 story, 2026-10-19 – 2026-10-26" in lines


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end is closed: all read
        return b""


def test_a_config_before_eval_is_the_one_eval_reads(made: Path, tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text('{"title": "Japan and North Korea hold talks", "text": "", "label": 1}\n')
    result = digest("--config", made / "feeds.yaml", "eval", "relevance", labelled, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "for topic" in result.stdout
