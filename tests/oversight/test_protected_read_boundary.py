"""The protected attributes have one read path, ``store.protected_read``, and the equality audit alone imports it
(issue 23): every module of the product is scanned, imports inside functions and under ``TYPE_CHECKING``
included."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("core", "messages", "store", "retrieval", "guardrails", "ranking", "measurement", "tools", "agent",
           "portal", "evals", "oversight", "followups", "salesagent")
ALLOWED_READER = "oversight/equality.py"


def _reaches_read_path(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import) and any(a.name.startswith("store.protected_read") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("store.protected_read"):
                return True
            if node.module == "store" and any(a.name == "protected_read" for a in node.names):
                return True
    return False


def test_only_the_equality_audit_imports_the_protected_read_path() -> None:
    readers = sorted(str(p.relative_to(REPO)) for package in PRODUCT if (REPO / package).is_dir()
                     for p in (REPO / package).rglob("*.py") if _reaches_read_path(p))
    assert readers == [ALLOWED_READER]


def test_the_scan_sees_every_import_form(tmp_path: Path) -> None:
    for source in ("import store.protected_read\n", "from store.protected_read import protected_groups\n",
                   "from store import protected_read\n",
                   "def f():\n    from store.protected_read import protected_groups\n",
                   "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import store.protected_read as p\n"):
        path = tmp_path / "m.py"
        path.write_text(source)
        assert _reaches_read_path(path), source
    (tmp_path / "ok.py").write_text("from store import oversight\nimport store.protected\n")
    assert not _reaches_read_path(tmp_path / "ok.py")


def test_the_read_path_is_not_reexported_by_the_store_package() -> None:
    init = (REPO / "store" / "__init__.py").read_text(encoding="utf-8")
    assert "protected_read" not in init and "protected_groups" not in init
