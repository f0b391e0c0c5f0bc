"""Pieces of the archive's pages rendered once and kept: an edition's body in the feed, a month's
section of an index page, an edition's stories in its search piece.

Each piece is found by a key, the hash of everything it was rendered from: its inputs, every
template the environment can load and the code that renders (digest's modules, Jinja's and
MarkupSafe's versions). A changed template, edition, link or label is a key not
found, so the piece is rendered anew; a kept piece is used only under the key it was made for.
Pieces come only from this stage's own rendering (autoescaped as the pages are), never from
input: a build asks the store for keys and gets back what an earlier build rendered.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Collection, Mapping
from importlib.metadata import version
from pathlib import Path

import jinja2

import digest
from digest.store import Fragment

Lookup = Callable[[Collection[str]], Mapping[str, str]]  # kept text of the keys asked for


def fingerprint(env: jinja2.Environment) -> str:
    """What every piece depends on besides its own inputs: the source of each template the
    environment loads (the user's before the packaged ones), and the rendering code."""
    digest_ = hashlib.sha256(_code_fingerprint().encode())
    for name in sorted(n for n in env.list_templates() if n.endswith(".j2")):
        assert env.loader is not None
        source, _, _ = env.loader.get_source(env, name)
        digest_.update(_framed(name) + _framed(source))
    return digest_.hexdigest()


@functools.cache
def _code_fingerprint() -> str:
    """Every module of digest (what renders a piece reaches into the models, the language
    rules, the visible-text rules), Jinja and MarkupSafe: another digest or library may render
    the same inputs differently. Read once a process (~2 ms)."""
    package = Path(digest.__file__).parent
    hashed = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        hashed.update(_framed(name) + _framed(path.read_text(encoding="utf-8")))
    for library in ("jinja2", "markupsafe"):
        hashed.update(_framed(version(library)))
    return hashed.hexdigest()


def key(fingerprint: str, kind: str, *inputs: str) -> str:
    """The key of a `kind` piece rendered from `inputs` under `fingerprint`."""
    hashed = hashlib.sha256(_framed(fingerprint) + _framed(kind))
    for each in inputs:
        hashed.update(_framed(each))
    return hashed.hexdigest()


def _framed(text: str) -> bytes:
    """`text` with its length before it, so no two lists of inputs hash alike."""
    data = text.encode("utf-8", "surrogatepass")
    return b"%d:" % len(data) + data


class Pieces:
    """The pieces one build uses: found in the store (`lookup`; none without one) or rendered
    here, and the ones rendered (`made`) for the store to keep."""

    def __init__(self, fingerprint: str, lookup: Lookup | None) -> None:
        self.fingerprint = fingerprint
        self._lookup = lookup
        self.used: set[str] = set()
        self.made: dict[str, Fragment] = {}

    def get(self, kind: str, wanted: Mapping[str, Callable[[], str]]) -> dict[str, str]:
        """Key -> text of each wanted piece (key -> how to render it), kept ones not rendered."""
        found = dict(self._lookup(list(wanted))) if self._lookup and wanted else {}
        texts = {}
        for each, render in wanted.items():
            text = found.get(each)
            if text is None:
                text = self.made[each].text if each in self.made else render()
                self.made[each] = Fragment(kind, text)
            else:
                self.used.add(each)
            texts[each] = text
        return texts
