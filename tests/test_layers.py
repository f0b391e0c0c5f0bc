"""The layout's rule: imports run one way (the layers in pyproject.toml), never in circles."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _layers() -> list[grimp.Layer]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = (c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [
        grimp.Layer(*(name.strip() for name in line.split("|")), independent=True)
        for line in contract["layers"]
    ]


def _upward(graph: grimp.ImportGraph) -> list[str]:
    found = graph.find_illegal_dependencies_for_layers(layers=_layers(), containers=set())
    return sorted(
        f"{d.importer} -> {d.imported}: "
        + " / ".join(
            f"{','.join(sorted(r.heads))} > {' > '.join(r.middle)} > {','.join(sorted(r.tails))}"
            for r in d.routes
        )
        for d in found
    )


def _cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # TYPE_CHECKING imports count: a circle of types is still a circle a reader has to untangle.
    return grimp.build_graph("digest", cache_dir=None)


def test_imports_run_down_the_layers(graph: grimp.ImportGraph) -> None:
    assert _upward(graph) == []


def test_no_module_imports_in_a_circle(graph: grimp.ImportGraph) -> None:
    assert _cycles(_edges(graph)) == []


def test_every_layer_names_a_package_that_exists(graph: grimp.ImportGraph) -> None:
    for layer in _layers():
        for name in layer.module_tails:
            assert name in graph.modules, f"pyproject's layers name {name}, which is not there"


def test_the_checks_catch_an_upward_import_a_stage_import_and_a_circle() -> None:
    graph = grimp.build_graph("digest", cache_dir=None)  # a fresh one: this test changes it
    graph.add_import(importer="digest.store.items", imported="digest.edition")
    graph.add_import(importer="digest.summary.summarize", imported="digest.editorial.stories")
    upward = _upward(graph)
    assert any(line.startswith("digest.store -> digest.edition") for line in upward), upward
    assert any("digest.summary -> digest.editorial" in line for line in upward), upward
    graph.add_import(importer="digest.edition", imported="digest.store.items")
    assert ["digest.edition", "digest.store.items"] in [
        [m for m in c if m in ("digest.edition", "digest.store.items")]
        for c in _cycles(_edges(graph))
    ]
