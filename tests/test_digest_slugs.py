"""Each digest's slug (its file names, `--digest`) names it alone: names that give the same slug,
such as two Japanese names that both fall back to "digest", are refused with one line, never
settled by silently picking one."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import WriteConfig, digest
from feeds import CLIPPING

from digest.config import load_config
from digest.errors import ConfigError

SOURCES = "sources:\n  - {name: Clips, path: clips}\n"


@pytest.fixture
def clips(tmp_path: Path) -> Path:
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "talks.txt").write_text(CLIPPING, encoding="utf-8")
    return folder


def test_two_non_latin_names_without_slugs_are_refused(
    write_config: WriteConfig, tmp_path: Path, clips: Path
) -> None:
    config = write_config(
        "digests:\n  - {name: 日本と北朝鮮}\n  - {name: 北朝鮮ウィークリー}\n" + SOURCES
    )
    for args in (["run"], ["run", "--digest", "digest"], ["serve"]):
        result = digest(*args, "--config", config, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        message = result.stderr.strip()
        assert len(message.splitlines()) == 1, message
        assert "日本と北朝鮮" in message and "北朝鮮ウィークリー" in message
        assert "'digest'" in message and "slug:" in message
    assert not (tmp_path / "archive").exists()


def test_with_their_own_slugs_each_is_picked_by_its_slug(
    write_config: WriteConfig, tmp_path: Path, clips: Path
) -> None:
    config = write_config(
        "digests:\n  - {name: 日本と北朝鮮, slug: nihon-kitachosen}\n"
        "  - {name: 北朝鮮ウィークリー, slug: kitachosen-weekly}\n" + SOURCES
    )
    result = digest("run", "--digest", "kitachosen-weekly", "--config", config, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [page] = (tmp_path / "archive").glob("*/*.html")
    assert page.name.endswith("-kitachosen-weekly.html")
    assert "北朝鮮ウィークリー" in page.read_text(encoding="utf-8")
    wrong = digest("run", "--digest", "digest", "--config", config, cwd=tmp_path)
    assert wrong.returncode == 2 and "no digest named 'digest'" in wrong.stderr


@pytest.mark.parametrize(
    ("digests", "says"),
    [
        # A name that is another digest's slug: `--digest weekly` would pick one silently.
        ("  - {name: Daily, slug: weekly}\n  - {name: weekly}\n", "both answer to 'weekly'"),
        ("  - {name: Korea Weekly}\n  - {name: Korea  weekly!}\n", "'korea-weekly'"),
        # A slug that reads as another digest's second edition of a day.
        ("  - {name: A, slug: brief}\n  - {name: B, slug: brief-2}\n", "second edition"),
    ],
)
def test_ambiguous_slugs_are_refused(write_config: WriteConfig, digests: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config("digests:\n" + digests + SOURCES.replace("clips", ".")))
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)
