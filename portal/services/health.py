"""``GET /ready``: the database answers, the vector store answers, the models are loaded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from portal.schemas import ReadyPublic


def _check(fn: Any) -> str:
    try:
        result = fn()
    except Exception as err:  # noqa: BLE001 - readiness reports any failure as text
        return f"error: {type(err).__name__}: {str(err)[:200]}"
    return "ok" if result is None or result is True else str(result)


def _database(resources: Any) -> None:
    with resources.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _qdrant(resources: Any) -> str | None:
    catalog = getattr(resources, "catalog", None) or getattr(resources, "catalog_search", None)
    if catalog is None:
        return "error: catalogue search not built"
    catalog.search("ready", k=1)
    return None


def _models(resources: Any) -> str | None:
    missing = [name for name in ("recommender",) if getattr(resources, name, None) is None]
    return f"error: not loaded: {', '.join(missing)}" if missing else None


def readiness(resources: Any) -> ReadyPublic:
    """Return which dependencies answer; ``ready`` only when all do."""
    checks = {"database": _check(lambda: _database(resources)), "qdrant": _check(lambda: _qdrant(resources)),
              "models": _check(lambda: _models(resources))}
    return ReadyPublic(ready=all(v == "ok" for v in checks.values()), checks=checks)
