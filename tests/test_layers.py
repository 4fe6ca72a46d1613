"""The floors of the house, derived from the imports: no import runs from a lower floor to a higher one, no two
modules import each other, and no SQL outside ``store/`` (issue 16).

Every import counts, also those inside functions and under ``TYPE_CHECKING``: a deferred import is still a
dependency. The floors are computed from the package graph (a package's floor is one above the highest floor it
imports), so a new back-edge shows up as a cycle, and a package moving floor as a diff against ``FLOORS``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "messages", "store", "retrieval", "ranking", "guardrails", "measurement", "tools", "agent",
            "portal", "evals", "salesagent",
            "followups",
            "oversight",
            "personalisation",
            "advisor", "merchandising")
FLOORS: dict[str, int] = {
    "core": 0, "messages": 0,
    "store": 1,
    "guardrails": 2, "retrieval": 2,
    "ranking": 3, "measurement": 3,
    "tools": 4,
    "followups": 4,
    "oversight": 4,
    "advisor": 3,
    "merchandising": 2,
    "personalisation": 3,
    "agent": 5,
    "portal": 6, "evals": 6,
    "salesagent": 7,
}
"""The floors as docs/contracts.md draws them (ranking sits above guardrails: it asks the consent rules)."""
SQL_NAMES = frozenset({"select", "update", "delete", "insert", "text", "func"})
"""Query builders of sqlmodel / sqlalchemy that only ``store/`` may import."""
SQL_METHODS = frozenset({"exec", "execute", "scalar", "scalars"})
"""Session / connection methods that run SQL."""


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:  # Alembic scripts: the one documented exception
                continue
            if not all((d / "__init__.py").exists() for d in path.parents if REPO in d.parents):
                continue  # not importable (a data folder's helper script): not a module of the product
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imported(path: Path) -> set[str]:
    """Return every module name ``path`` imports (absolute). ``from a import b`` is a dependency on the module
    ``a.b`` when there is one (a submodule), else on ``a`` (a name ``a`` defines)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in MODULES else node.module)
    return names


def _module_graph() -> dict[str, set[str]]:
    return {name: {dep for dep in _imported(path) if dep in MODULES and dep != name}
            for name, path in MODULES.items()}


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for name, deps in _module_graph().items():
        top = name.split(".")[0]
        graph[top] |= {d.split(".")[0] for d in deps} - {top}
    return graph


def derived_floors() -> dict[str, int]:
    """Return each package's floor: 0 when it imports no other package, else one above its highest import."""
    graph = _package_graph()
    floors: dict[str, int] = {}
    for package in TopologicalSorter({p: graph.get(p, set()) for p in PACKAGES}).static_order():
        floors[package] = 1 + max((floors[d] for d in graph.get(package, ())), default=-1)
    return floors


def test_packages_form_no_cycle() -> None:
    graph = _package_graph()
    try:
        TopologicalSorter({p: graph.get(p, set()) for p in PACKAGES}).prepare()
    except CycleError as err:
        pytest.fail(f"packages import each other in a circle: {' -> '.join(err.args[1])}")


def test_floors_are_the_documented_ones() -> None:
    assert derived_floors() == FLOORS, "a package changed floor: update FLOORS and docs/contracts.md on purpose"


def test_no_import_from_a_lower_floor_to_a_higher_one() -> None:
    offenders = [f"{name} imports {dep}" for name, deps in _module_graph().items() for dep in deps
                 if FLOORS[dep.split(".")[0]] > FLOORS[name.split(".")[0]]]
    assert offenders == []


def test_no_two_modules_import_each_other() -> None:
    try:
        TopologicalSorter(_module_graph()).prepare()
    except CycleError as err:
        pytest.fail(f"modules import each other in a circle: {' -> '.join(err.args[1])}")


def test_floor_zero_imports_nothing_of_ours() -> None:
    ground = {p for p, floor in FLOORS.items() if floor == 0}
    outside = sorted(f"{name} imports {d}" for name, path in MODULES.items() if name.split(".")[0] in ground
                     for d in _imported(path) if d.split(".")[0] in PACKAGES and d.split(".")[0] != name.split(".")[0])
    assert outside == []


def sql_outside_store(path: Path) -> list[str]:
    """Return where ``path`` builds or runs SQL itself (an import of a query builder, ``x.exec(``,
    ``x.execute(``, ``session.get(``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("sqlmodel",
                                                                                              "sqlalchemy"):
            found += [f"imports {node.module}.{a.name}" for a in node.names if a.name in SQL_NAMES]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = node.func.value
            name = receiver.id if isinstance(receiver, ast.Name) else (
                receiver.attr if isinstance(receiver, ast.Attribute) else "")
            if node.func.attr in SQL_METHODS:
                found.append(f"calls {name}.{node.func.attr}(")
            elif node.func.attr == "get" and (name in ("s", "db", "conn") or name.endswith("session")):
                found.append(f"calls {name}.get(")
    return [f"{path.relative_to(REPO)}: {item}" for item in found]


def test_sql_lives_in_store_only() -> None:
    scripts = [*(REPO / "benchmarks").glob("*.py"), *(REPO / "scripts").glob("*.py")]
    paths = [path for name, path in MODULES.items() if name.split(".")[0] != "store"] + scripts
    assert [hit for path in paths for hit in sql_outside_store(path)] == []


def test_the_sql_check_sees_sql(tmp_path: Path) -> None:
    """The check itself catches a module that queries (so an empty list above means something)."""
    probe = REPO / "tests" / f"_sql_probe_{tmp_path.name}.py"
    probe.write_text("from sqlmodel import select\n\n\ndef f(session, M):\n    session.exec(select(M))\n"
                     "    return session.get(M, 1)\n", encoding="utf-8")
    try:
        hits = sql_outside_store(probe)
    finally:
        probe.unlink()
    assert [h.split(": ", 1)[1] for h in hits] == ["imports sqlmodel.select", "calls session.exec(",
                                                   "calls session.get("]
