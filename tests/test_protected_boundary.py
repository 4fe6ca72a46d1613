"""Protected attributes are read by the equality audit alone: no ranking, tool or agent module may import them.
(The one-way layering of every package is ``tests/test_layers.py``.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN_READERS = ("ranking", "tools", "agent", "retrieval")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("package", FORBIDDEN_READERS)
def test_package_never_imports_protected_attributes(package: str) -> None:
    offenders = []
    for path in (REPO / package).rglob("*.py"):
        imported = _imports(path)
        text = path.read_text(encoding="utf-8")
        if any(name.startswith("store.protected") for name in imported) or "ProtectedAttributes" in text:
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == [], f"{package} reaches protected attributes: {offenders}"
