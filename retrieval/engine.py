"""The vector-engine seam: one small interface, two implementations (qdrant-edge in-process, qdrant-client).

Both store the same points: a named dense vector ``dense`` (cosine), a named sparse vector ``sparse`` (IDF
modifier) and the same payload keys, and both run the same query plans (dense, sparse, or prefetch both and fuse
with weighted RRF), so a catalogue gives the same results on either engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from retrieval.models import CatalogFilters, SearchMode
from retrieval.sparse import Sparse
from retrieval.text import normalise

DENSE = "dense"
SPARSE = "sparse"
KEYWORD_FIELDS = ("sku_key", "ean", "brand_key", "category_levels")
NUMERIC_FIELDS = ("price", "stock")


@dataclass(frozen=True)
class Cond:
    """One engine-neutral payload condition: ``eq`` value, ``any`` of values, or a numeric range."""

    key: str
    eq: Any = None
    any: list[Any] | None = None
    gte: float | None = None
    lte: float | None = None


@dataclass(frozen=True)
class QueryPlan:
    """What to ask the engine for: the vectors, the fusion weights, the filter and the sizes."""

    mode: SearchMode
    dense: np.ndarray | None
    sparse: Sparse | None
    conditions: list[Cond] = field(default_factory=list)
    limit: int = 10
    prefetch_limit: int = 100
    rrf_k: int = 60
    weights: tuple[float, float] = (1.0, 1.0)
    """RRF weights of (dense, sparse)."""


@dataclass(frozen=True)
class EngineHit:
    """One point returned by the engine."""

    id: str
    score: float
    payload: dict[str, Any]
    dense: np.ndarray | None = None


class VectorEngine(Protocol):
    """What the catalogue needs from a vector engine."""

    name: str

    def ensure_collection(self, dim: int) -> None: ...
    def upsert(self, nodes: list[Any], sparse: list[Sparse]) -> None:
        """Write LlamaIndex ``TextNode``s (id = point id, embedding set, metadata = payload) and sparse vectors."""
        ...
    def delete(self, ids: list[str]) -> None: ...
    def index_state(self) -> dict[str, str]:
        """Return {sku: content_hash} of every stored point."""
        ...
    def query(self, plan: QueryPlan) -> list[EngineHit]: ...
    def lookup(self, conditions: list[Cond], limit: int) -> list[EngineHit]:
        """Return points matching any of ``conditions`` (no vector scoring)."""
        ...
    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]: ...
    def count(self) -> int: ...
    def optimize(self) -> None: ...
    def drop(self) -> None: ...
    def close(self) -> None: ...


def filter_conditions(filters: CatalogFilters | None) -> list[Cond]:
    """Return the engine-neutral conditions (all must hold) for ``filters``."""
    if filters is None:
        return []
    conds: list[Cond] = []
    if filters.category:
        path = " > ".join(p.strip() for p in filters.category.split(">") if p.strip()).lower()
        conds.append(Cond("category_levels", eq=path))
    if filters.brand:
        conds.append(Cond("brand_key", eq=normalise(filters.brand).strip()))
    if filters.min_price is not None or filters.max_price is not None:
        conds.append(Cond("price", gte=filters.min_price, lte=filters.max_price))
    if filters.in_stock is True:
        conds.append(Cond("stock", gte=1))
    elif filters.in_stock is False:
        conds.append(Cond("stock", lte=0))
    for key, spec in filters.attributes.items():
        conds.append(attribute_condition(key, spec.eq, spec.gte, spec.lte))
    return conds


def attribute_condition(key: str, eq: Any, gte: float | None, lte: float | None) -> Cond:
    """Return the condition for one attribute: numbers compare on ``attr_num``, text on ``attr_key``."""
    from retrieval.text import numeric_value

    if eq is not None:
        num = numeric_value(eq)
        if num is not None:
            return Cond(f"attr_num.{key}", gte=num, lte=num)
        return Cond(f"attr_key.{key}", eq=normalise(str(eq)).strip())
    return Cond(f"attr_num.{key}", gte=gte, lte=lte)


def hit_from_point(point: Any, score: float | None = None) -> EngineHit:
    """Return an :class:`EngineHit` from a point of either engine (qdrant-client and qdrant-edge share the shape)."""
    vec = point.vector.get(DENSE) if isinstance(point.vector, dict) else None
    return EngineHit(id=str(point.id), score=float(point.score if score is None else score),
                     payload=dict(point.payload or {}),
                     dense=None if vec is None else np.asarray(vec, dtype=np.float32))
