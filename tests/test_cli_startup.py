"""Start-up and installing: what `digest --help` and a usage error import, and that nothing a user
runs needs the test or eval extras. Which modules load, not how long it takes (the timing is
benchmarks/bench_startup.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What the pipeline, the scheduler and the config need, and none of `--help` does.
HEAVY = (
    "apscheduler",
    "sqlalchemy",
    "nltk",
    "sumy",
    "numpy",
    "httpx",
    "feedparser",
    "trafilatura",
    "lxml",
    "jinja2",
    "premailer",
    "pydantic",
    "yaml",
    "rich",
    "pysbd",
    "digest.config",
    "digest.edition",
    "digest.schedule",
    "digest.store",
    "digest.evaluation",
)
# Only in the test and eval extras: a plain `pip install .` does not have them.
EXTRAS_ONLY = ("rouge_score", "absl", "hypothesis", "aiosmtpd", "playwright", "pytest", "grimp")

PROBE = """
import json, sys
for name in json.loads(sys.argv[1]):
    sys.modules[name] = None  # `import name` now fails, as where it is not installed
sys.argv = ["digest", *json.loads(sys.argv[2])]
from digest.cli.app import main
try:
    main()
    status = 0
except SystemExit as exc:
    status = exc.code or 0
sys.stdout.flush()
loaded = sorted(name for name, module in sys.modules.items() if module is not None)
print(json.dumps({"status": status, "modules": loaded}), file=sys.stderr)
"""


def probe(
    *args: str, blocked: tuple[str, ...] = EXTRAS_ONLY, cwd: Path | None = None
) -> tuple[int, set[str], str]:
    """Run `digest ARGS` in a fresh interpreter with `blocked` uninstalled; (status, modules
    loaded, what it printed on stderr before the probe's own line)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(blocked), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )
    *lines, last = done.stderr.strip().splitlines()
    report = json.loads(last)
    return report["status"], {m for m in report["modules"] if m}, "\n".join(lines)


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("run", "--help"),
        ("search", "--help"),
        ("serve", "--help"),
        ("eval", "--help"),
        ("archive", "--help"),
        ("sources", "--help"),
        ("run", "--no-such-option"),
        ("search",),
        ("send",),
        ("nope",),
    ],
)
def test_help_and_usage_errors_import_no_heavy_module(args: tuple[str, ...]) -> None:
    status, modules, _ = probe(*args)
    assert status in (0, 2)
    assert heavy_in(modules) == []


def test_every_command_runs_without_the_test_and_eval_extras(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "talks.txt").write_text(
        "Japan and North Korea resume abduction talks\n\nJapanese and North Korean officials"
        " met in Stockholm to resume talks on the abduction of Japanese citizens.\n"
    )
    (tmp_path / "feeds.yaml").write_text("sources:\n  - name: Saved\n    path: saved\n")
    for args in (("run", "--offline"), ("search", "abduction"), ("archive", "list"), ("sources",)):
        status, _, stderr = probe(*args, cwd=tmp_path)  # an import of an extra would fail it
        assert status == 0, (args, stderr)


def test_digest_eval_without_the_eval_extra_says_what_to_install(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"article": "A.", "reference": "A."}\n')
    status, _, stderr = probe("eval", "summaries", str(pairs))
    assert status == 1
    assert stderr.splitlines() == [
        "digest: error: `digest eval` needs the eval extra (rouge_score is not installed):"
        " pip install '.[eval]' in digest's source folder"
    ]


def test_a_search_imports_neither_the_scheduler_nor_the_summariser(tmp_path: Path) -> None:
    """Each command imports what it uses: a search needs the config and the store only."""
    (tmp_path / "saved").mkdir()
    (tmp_path / "feeds.yaml").write_text("sources:\n  - name: Saved\n    path: saved\n")
    probe("run", "--offline", cwd=tmp_path)
    status, modules, stderr = probe("search", "abduction", cwd=tmp_path)
    assert status == 0, stderr
    assert not {"apscheduler", "sqlalchemy", "httpx", "feedparser", "trafilatura"} & {
        m.split(".")[0] for m in modules
    }


FIRST_REQUEST = """
import json, os, sys, threading
import digest.cli  # first, as `python -m digest` does
import digest.sources.http as http

once = threading.Lock()


def first_connect(*args, **kwargs):
    from digest.language.detect import _script

    once.acquire()  # the other threads' first requests wait here for the exit

    loaded = sorted(name for name, module in sys.modules.items() if module is not None)
    cas = http._tls_context().cert_store_stats()["x509_ca"]
    scripts = _script.cache_info().currsize
    print(json.dumps({"modules": loaded, "cas": cas, "scripts": scripts}), file=sys.stderr)
    sys.stderr.flush()
    os._exit(0)  # the request never leaves: what was loaded for it is the point


http._DeadlineBackend.connect_tcp = first_connect
sys.argv = ["digest", "run", "--config", sys.argv[1]]
from digest.cli.app import main

main()
"""

# Needed only once the first requests are out, or only when mailing or parsing: none of them
# may come before the first request of `digest run`.
NOT_BEFORE_THE_FIRST_REQUEST = (
    "smtplib",
    "email.generator",
    "digest.delivery.mail",
    "multiprocessing",
    "wcwidth",
    "digest.language.width",
    "digest.edition",
    "digest.editorial.relevance",
    "digest.publish.render",
    "jinja2",
    "sumy",
    "nltk",
    "feedparser",
    "apscheduler",
    "rich",
)


def test_digest_run_sends_its_first_request_before_loading_what_comes_after_it(
    tmp_path: Path,
) -> None:
    lines = ["sources:"]
    for number in range(20):
        lines += [f"  - name: feed {number}", f"    url: http://127.0.0.{number + 1}:9/feed"]
    lines += ["  - name: mailed", "    url: https://127.0.0.1:9/feed"]
    (tmp_path / "feeds.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", FIRST_REQUEST, str(tmp_path / "feeds.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    loaded = set(report["modules"])
    assert "digest.sources.poller" in loaded  # the probe ran at the first request
    assert sorted(m for m in NOT_BEFORE_THE_FIRST_REQUEST if m in loaded) == []
    assert report["cas"] == 0  # the CA bundle waits for the first TLS handshake
    assert report["scripts"] == 0  # the CJK script patterns wait for the first item
