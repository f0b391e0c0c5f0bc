"""A bad config gets one line naming the file, the key and what was expected; exit 2; no writes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import WriteConfig, run_digest

from digest.config import load_config
from digest.errors import ConfigError

GOOD_SOURCE = "sources:\n  - {name: Feed, url: 'https://example.org/feed'}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("colour: blue\n" + GOOD_SOURCE, "colour: unknown key"),
        (
            "lookback: soon\n" + GOOD_SOURCE,
            "lookback: expected a duration such as 30m, 2h, 7d or 1w",
        ),
        (
            "sources:\n  - {name: Feed, url: 'ftp://example.org/feed'}\n",
            "sources[0].url: expected an http://, https:// or file: feed URL",
        ),
        (
            "sources:\n  - {name: Saved, path: no-such-folder}\n",
            "sources[0].path: expected an existing folder",
        ),
        (
            "sources:\n  - {name: Both, url: 'https://a.org/f', path: x}\n",
            "sources[0]: give exactly one of 'url' (a feed), 'path' (a folder) or 'search'",
        ),
        (
            "digests:\n  - {name: Weekly, publish: 'every monday'}\n" + GOOD_SOURCE,
            "digests[0].publish: expected a cron schedule",
        ),
        ("timezone: Mars/Olympus\n" + GOOD_SOURCE, "timezone: expected an IANA time zone"),
        ("summary:\n  sentences: many\n" + GOOD_SOURCE, "summary.sentences:"),
        ("archive: [1, 2]\n" + GOOD_SOURCE, "archive:"),
        ("sources: []\n", "sources:"),
        ("sources:\n  - name: Feed\n   url: x\n", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping of settings at the top level"),
        ("loop: &a [*a]\n" + GOOD_SOURCE, "not a usable config (an alias refers to itself)"),
        (
            "sources:\n  - {name: F, url: 'https://a.org/f',"
            ' headers: {X-Key: "a\\r\\nHost: b"}}\n',
            "sources[0].headers: X-Key: a control character",
        ),
        (
            "sources:\n  - {name: F, url: 'https://a.org/f', headers: {'X Key': a}}\n",
            "sources[0].headers: not a header name: 'X Key'",
        ),
        (
            "sources:\n  - {name: F, url: 'https://a.org/f', user_agent: 日本}\n",
            "sources[0].user_agent: user_agent: HTTP headers are Latin-1",
        ),
        (
            'fetch: {user_agent: "digest\\nX-Injected: 1"}\n' + GOOD_SOURCE,
            "fetch.user_agent: fetch.user_agent: a control character",
        ),
    ],
)
def test_config_errors_name_the_key(write_config: WriteConfig, text: str, expected: str) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}"), message
    assert expected in message
    assert "\n" not in message


def test_cli_exits_2_with_one_line_and_writes_nothing(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config("colour: blue\n" + GOOD_SOURCE)
    before = sorted(tmp_path.rglob("*"))
    result = run_digest("run", "--config", path, cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"digest: error: {path}: colour: unknown key (expected one of: archive, archive_url,"
        " templates, timezone, lookback, poll_every, catch_up, mail, topic, summary, stories,"
        " sections, fetch, digests, sources)"
    )
    assert sorted(tmp_path.rglob("*")) == before


def alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n" + GOOD_SOURCE


def test_a_yaml_alias_bomb_is_refused_at_once_in_one_line(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(alias_bomb())
    started = time.monotonic()
    with pytest.raises(ConfigError, match="its aliases expand to"):
        load_config(path)
    assert time.monotonic() - started < 2  # it took 90 s and 3.5 GB, then a traceback
    before = sorted(tmp_path.rglob("*"))
    result = run_digest("run", "--config", path, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr == (
        f"digest: error: {path}: not a usable config "
        "(its aliases expand to 4,412,961,523 values, more than 200,000)\n"
    )
    assert sorted(tmp_path.rglob("*")) == before


def test_anchors_and_merge_keys_still_work(write_config: WriteConfig) -> None:
    path = write_config(
        "sources:\n"
        "  - &feed {name: A, url: 'https://a.org/f', headers: {X-Key: k}}\n"
        "  - {<<: *feed, name: B}\n"
    )
    assert [s.headers for s in load_config(path).sources] == [{"X-Key": "k"}] * 2


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_relative_paths_resolve_against_the_config_folder(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    (tmp_path / "clips").mkdir()
    config = load_config(write_config("archive: out\nsources:\n  - {name: Clips, path: clips}\n"))
    assert config.archive == tmp_path / "out"
    assert config.sources[0].path == tmp_path / "clips"


def test_the_shipped_feeds_yaml_loads() -> None:
    root = Path(__file__).resolve().parent.parent
    config = load_config(root / "feeds.yaml")
    assert config.digest(None).file_slug == "japan-north-korea"
    assert any(s.path for s in config.sources) and sum(bool(s.url) for s in config.sources) >= 8


def test_unknown_digest_is_named(write_config: WriteConfig) -> None:
    config = load_config(write_config(GOOD_SOURCE))
    with pytest.raises(ConfigError, match="no digest named 'daily'"):
        config.digest("daily")


def test_the_shipped_feeds_yaml_spells_out_the_defaults() -> None:
    from digest.editorial.relevance import TopicSettings
    from digest.editorial.stories import GroupingSettings
    from digest.summary.summarize import SummarySettings

    config = load_config(Path(__file__).resolve().parent.parent / "feeds.yaml")
    assert config.topic == TopicSettings()
    assert config.summary == SummarySettings()
    assert config.stories == GroupingSettings()
