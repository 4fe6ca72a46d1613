"""``GET /ready``: the database answers, the vector store answers, the models are loaded."""

from __future__ import annotations

from collections.abc import Callable

from portal.schemas import ReadyPublic
from store.db import ping
from tools.context import Resources


def _check(fn: Callable[[], object]) -> str:
    try:
        result = fn()
    except Exception as err:  # noqa: BLE001 - readiness reports any failure as text
        return f"error: {type(err).__name__}: {str(err)[:200]}"
    return "ok" if result is None or result is True else str(result)


def _qdrant(resources: Resources) -> str | None:
    if resources.catalog is None:
        return "error: catalogue search not built"
    resources.catalog.search("ready", k=1)
    return None


def _models(resources: Resources) -> str | None:
    return "error: not loaded: recommender" if resources.recommender is None else None


def readiness(resources: Resources) -> ReadyPublic:
    """Return which dependencies answer; ``ready`` only when all do."""
    checks = {"database": _check(lambda: ping(resources.engine)), "qdrant": _check(lambda: _qdrant(resources)),
              "models": _check(lambda: _models(resources))}
    return ReadyPublic(ready=all(v == "ok" for v in checks.values()), checks=checks)
