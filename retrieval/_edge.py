"""The embedded engine: qdrant-edge-py, Qdrant's own engine in-process (HNSW, sparse IDF, RRF, filters).

Used directly because LlamaIndex's ``QdrantVectorStore`` only speaks ``qdrant_client`` and qdrant-edge has its
own API (EdgeShard, QueryRequest, Prefetch, Fusion.Rrf).
"""

from __future__ import annotations

import shutil
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.engine import (
    DENSE,
    KEYWORD_FIELDS,
    SPARSE,
    Cond,
    EngineHit,
    QueryPlan,
    fuse_hybrid,
    hit_from_point,
)
from retrieval.sparse import Sparse

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode

POINT_CACHE = 4096
"""Points (payload and vectors, converted) kept between reads. A search fetches about 27 points twice, and
reading and converting one costs ~40 µs, mostly the payload (`benchmarks/bench_all.py --profile`); the same
products come back search after search. Search p50 on the demo 8.8-10.1 ms without, 6.9-7.6 ms with (2-core
EPYC, runs alternated); 14 kB a point (tracemalloc: 43 MB for the 3,112 demo products). Only this engine keeps
them: its shard is held by one process, so every write goes through this object, which empties the cache (a
Qdrant server can be written by others, so the client engine does not cache)."""


class EdgeEngine:
    """A catalogue collection stored as one qdrant-edge shard in ``path``."""

    name = "edge"

    def __init__(self, path: Path) -> None:
        import qdrant_edge as qe

        self._qe = qe
        self.path = path
        self._shard: Any = None
        self._points: OrderedDict[str, EngineHit] = OrderedDict()
        self._points_lock = threading.Lock()
        if path.exists() and any(path.iterdir()):
            self._shard = qe.EdgeShard.load(str(path))

    # --- writes -----------------------------------------------------------------------------------------------
    def ensure_collection(self, dim: int) -> None:
        """Create the shard with its vectors and payload indexes unless it exists."""
        if self._shard is not None:
            return
        qe = self._qe
        self.path.mkdir(parents=True, exist_ok=True)
        config = qe.EdgeConfig(
            vectors={DENSE: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        self._shard = qe.EdgeShard.create(str(self.path), config)
        for key in KEYWORD_FIELDS:
            self._shard.update(qe.UpdateOperation.create_field_index(key, qe.PayloadSchemaType.Keyword))
        self._shard.update(qe.UpdateOperation.create_field_index("price", qe.PayloadSchemaType.Float))
        self._shard.update(qe.UpdateOperation.create_field_index("stock", qe.PayloadSchemaType.Integer))

    def upsert(self, nodes: list[TextNode], sparse: list[Sparse]) -> None:
        """Write LlamaIndex nodes (embedding set; metadata = payload) with their sparse vectors."""
        qe = self._qe
        points = [
            qe.Point(node.id_, {DENSE: node.embedding, SPARSE: qe.SparseVector(sp.indices, sp.values)},
                     node.metadata)
            for node, sp in zip(nodes, sparse, strict=True)
        ]
        self._forget_points()
        self._shard.update(qe.UpdateOperation.upsert_points(points))

    def delete(self, ids: list[str]) -> None:
        if ids and self._shard is not None:
            self._forget_points()
            self._shard.update(self._qe.UpdateOperation.delete_points(list(ids)))

    def optimize(self) -> None:
        """Build the HNSW index and merge segments (blocking; minutes at 100k points)."""
        if self._shard is not None:
            self._shard.optimize()

    def flush(self) -> None:
        if self._shard is not None:
            self._shard.flush()

    # --- reads ------------------------------------------------------------------------------------------------
    def count(self) -> int:
        return 0 if self._shard is None else int(self._shard.count(self._qe.CountRequest(exact=True)))

    def index_state(self) -> dict[str, str]:
        state: dict[str, str] = {}
        if self._shard is None:
            return state
        qe = self._qe
        offset = None
        selector = qe.PayloadSelector.Include(["sku", "content_hash"])
        while True:
            records, offset = self._shard.scroll(qe.ScrollRequest(offset=offset, limit=2048,
                                                                  with_payload=selector, with_vector=False))
            for rec in records:
                payload = rec.payload or {}
                state[str(payload.get("sku"))] = str(payload.get("content_hash"))
            if offset is None:
                return state

    def query(self, plan: QueryPlan) -> list[EngineHit]:
        if self._shard is None:
            return []
        qe = self._qe
        flt = self._filter(plan.conditions)
        searches: list[Any] = []
        if plan.mode in ("dense", "hybrid") and plan.dense is not None:
            searches.append(qe.Query.Nearest(plan.dense.tolist(), using=DENSE))
        if plan.mode in ("sparse", "hybrid") and plan.sparse is not None and plan.sparse.indices:
            searches.append(qe.Query.Nearest(qe.SparseVector(plan.sparse.indices, plan.sparse.values), using=SPARSE))
        if len(searches) != 1:
            return fuse_hybrid(self.query, self.points, plan) if searches else []
        request = qe.QueryRequest(limit=plan.limit, query=searches[0], filter=flt, with_payload=not plan.bare,
                                  with_vector=False if plan.bare else [DENSE, SPARSE])
        points = self._shard.query(request)
        if plan.bare:  # ids and scores only: the lists a search fuses (most of the points it sees)
            return [EngineHit(id=str(p.id), score=float(p.score), payload={}) for p in points]
        return [hit_from_point(p) for p in points]

    def lookup(self, conditions: list[Cond], limit: int) -> list[EngineHit]:
        if self._shard is None or not conditions:
            return []
        qe = self._qe
        flt = qe.Filter(should=[self._condition(c) for c in conditions])
        records, _ = self._shard.scroll(qe.ScrollRequest(limit=limit, filter=flt, with_payload=True,
                                                         with_vector=[DENSE]))
        return [hit_from_point(r, score=1.0) for r in records]

    def points(self, ids: list[str]) -> list[EngineHit]:
        """Return the points of ``ids`` (payload, dense vector, sparse terms; score 0) that exist, from the
        cache where they are in it (:data:`POINT_CACHE`)."""
        if self._shard is None or not ids:
            return []
        with self._points_lock:
            missing = [i for i in dict.fromkeys(ids) if i not in self._points]
        records = self._shard.retrieve(missing, with_payload=True, with_vector=[DENSE, SPARSE]) if missing else []
        fetched = [_read_only(hit_from_point(r, score=0.0)) for r in records]
        with self._points_lock:
            for new in fetched:
                self._points[new.id] = new
            out: list[EngineHit] = []
            for i in ids:
                hit = self._points.get(i)
                if hit is not None:
                    self._points.move_to_end(i)
                    out.append(hit)
            while len(self._points) > POINT_CACHE:
                self._points.popitem(last=False)
        return out

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        if self._shard is None or not ids:
            return {}
        records = self._shard.retrieve(list(ids), with_payload=False, with_vector=[DENSE])
        return {str(r.id): np.asarray(r.vector[DENSE], dtype=np.float32) for r in records}

    # --- lifecycle --------------------------------------------------------------------------------------------
    def close(self) -> None:
        self._forget_points()
        if self._shard is not None:
            self._shard.flush()
            self._shard.close()
            self._shard = None

    def drop(self) -> None:
        self.close()
        shutil.rmtree(self.path, ignore_errors=True)

    # --- helpers ----------------------------------------------------------------------------------------------
    def _forget_points(self) -> None:
        with self._points_lock:
            self._points.clear()

    def _filter(self, conditions: list[Cond]) -> Any:
        if not conditions:
            return None
        return self._qe.Filter(must=[self._condition(c) for c in conditions])

    def _condition(self, cond: Cond) -> Any:
        qe = self._qe
        if cond.eq is not None:
            return qe.FieldCondition(cond.key, match=qe.MatchValue(cond.eq))
        if cond.any is not None:
            return qe.FieldCondition(cond.key, match=qe.MatchAny(list(cond.any)))
        return qe.FieldCondition(cond.key, range=qe.RangeFloat(gte=cond.gte, lte=cond.lte))


def _read_only(hit: EngineHit) -> EngineHit:
    """Return ``hit`` with its dense vector made read-only: a cached point is shared by every later read, so an
    in-place change would raise rather than alter it."""
    if hit.dense is not None:
        hit.dense.flags.writeable = False
    return hit
