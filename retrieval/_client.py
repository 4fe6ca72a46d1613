"""The server path: qdrant-client against a Qdrant server or cluster by URL (also its local mode, ``:memory:`` or a
folder, which runs the same API in pure Python and stands in for the server in tests).

Writes go through LlamaIndex's ``QdrantVectorStore``: it creates the collection (named dense + sparse vectors,
IDF modifier, payload indexes) and upserts our nodes, with our BM25 vectors handed in through its
``sparse_doc_fn`` hook. Reads use ``qdrant_client.query_points`` directly: the vector store's hybrid query fuses
on the client side (relative-score fusion over two round trips), cannot run Qdrant's server-side prefetch + RRF,
and its metadata filters cannot express our array/nested payload conditions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


class ClientEngine:
    """A catalogue collection behind qdrant-client (``url=``, ``path=`` or ``":memory:"``)."""

    def __init__(self, collection: str, *, url: str | None = None, api_key: str | None = None,
                 path: Path | None = None) -> None:
        import logging
        import warnings

        from qdrant_client import QdrantClient, models

        self._models = models
        self.collection = collection
        if url:
            self.name = "server"
            self._client = QdrantClient(url=url, api_key=api_key, timeout=30)
        elif path is None:
            self.name = "memory"
            self._client = QdrantClient(location=":memory:")
        else:
            self.name = "local"
            path.mkdir(parents=True, exist_ok=True)
            self._client = QdrantClient(path=str(path))
        # local mode warns on payload indexes (they do nothing there) and above 20k points; both are documented.
        warnings.filterwarnings("ignore", message=".*[Pp]ayload index.*")
        logging.getLogger("qdrant_client").setLevel(logging.ERROR)
        self._store: Any = None

    # --- writes -----------------------------------------------------------------------------------------------
    def ensure_collection(self, dim: int) -> None:
        """Create the collection (via LlamaIndex's vector store) unless it exists."""
        if self._store is not None:
            return
        from llama_index.vector_stores.qdrant import QdrantVectorStore

        models = self._models
        indexes: list[dict[str, Any]] = [{"field_name": k, "field_schema": models.PayloadSchemaType.KEYWORD}
                                         for k in KEYWORD_FIELDS]
        indexes += [{"field_name": "price", "field_schema": models.PayloadSchemaType.FLOAT},
                    {"field_name": "stock", "field_schema": models.PayloadSchemaType.INTEGER}]
        self._pending: list[Sparse] = []
        self._store = QdrantVectorStore(
            collection_name=self.collection, client=self._client, enable_hybrid=True,
            dense_vector_name=DENSE, sparse_vector_name=SPARSE,
            dense_config=models.VectorParams(size=dim, distance=models.Distance.COSINE),
            sparse_config=models.SparseVectorParams(modifier=models.Modifier.IDF),
            sparse_doc_fn=self._sparse_docs, sparse_query_fn=self._sparse_docs,
            payload_indexes=indexes if self.name == "server" else None, batch_size=256,
        )
        if not self._client.collection_exists(self.collection):
            # QdrantVectorStore creates the collection lazily on the first add(); create it now so reads work.
            self._store._create_collection(collection_name=self.collection, vector_size=dim)
            self._store._collection_initialized = True

    def _sparse_docs(self, texts: list[str]) -> tuple[list[list[int]], list[list[float]]]:
        """``sparse_doc_fn`` hook: hand back the BM25 vectors computed for these nodes, in node order."""
        batch, self._pending = self._pending[: len(texts)], self._pending[len(texts):]
        if len(batch) != len(texts):
            raise RuntimeError("sparse vectors out of step with the nodes being written")
        return [s.indices for s in batch], [s.values for s in batch]

    def upsert(self, nodes: list[Any], sparse: list[Sparse]) -> None:
        self._pending = list(sparse)
        self._store.add(nodes)
        self._pending = []

    def delete(self, ids: list[str]) -> None:
        if ids:
            self._client.delete(self.collection, points_selector=self._models.PointIdsList(points=list(ids)),
                                wait=True)

    def optimize(self) -> None:
        """Nothing to do: the server optimises in the background; local mode has no index."""

    # --- reads ------------------------------------------------------------------------------------------------
    def _exists(self) -> bool:
        return bool(self._client.collection_exists(self.collection))

    def count(self) -> int:
        return int(self._client.count(self.collection, exact=True).count) if self._exists() else 0

    def index_state(self) -> dict[str, str]:
        state: dict[str, str] = {}
        if not self._exists():
            return state
        offset = None
        while True:
            records, offset = self._client.scroll(self.collection, limit=2048, offset=offset,
                                                  with_payload=["sku", "content_hash"], with_vectors=False)
            for rec in records:
                payload = rec.payload or {}
                state[str(payload.get("sku"))] = str(payload.get("content_hash"))
            if offset is None:
                return state

    def query(self, plan: QueryPlan) -> list[EngineHit]:
        if not self._exists():
            return []
        models = self._models
        flt = self._filter(plan.conditions)
        searches: list[tuple[Any, str]] = []
        if plan.mode in ("dense", "hybrid") and plan.dense is not None:
            searches.append((plan.dense.tolist(), DENSE))
        if plan.mode in ("sparse", "hybrid") and plan.sparse is not None and plan.sparse.indices:
            searches.append((models.SparseVector(indices=plan.sparse.indices, values=plan.sparse.values), SPARSE))
        if len(searches) != 1:
            return fuse_hybrid(self.query, self.points, plan) if searches else []
        res = self._client.query_points(self.collection, query=searches[0][0], using=searches[0][1],
                                        query_filter=flt, limit=plan.limit, with_payload=not plan.bare,
                                        with_vectors=False if plan.bare else [DENSE, SPARSE])
        return [hit_from_point(p) for p in res.points]

    def lookup(self, conditions: list[Cond], limit: int) -> list[EngineHit]:
        if not conditions or not self._exists():
            return []
        flt = self._models.Filter(should=[self._condition(c) for c in conditions])
        records, _ = self._client.scroll(self.collection, scroll_filter=flt, limit=limit, with_payload=True,
                                         with_vectors=[DENSE])
        return [hit_from_point(r, score=1.0) for r in records]

    def points(self, ids: list[str]) -> list[EngineHit]:
        if not ids or not self._exists():
            return []
        records = self._client.retrieve(self.collection, ids=list(ids), with_payload=True,
                                       with_vectors=[DENSE, SPARSE])
        return [hit_from_point(r, score=0.0) for r in records]

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        if not ids or not self._exists():
            return {}
        records = self._client.retrieve(self.collection, ids=list(ids), with_payload=False, with_vectors=[DENSE])
        return {str(r.id): np.asarray(r.vector[DENSE], dtype=np.float32) for r in records}  # type: ignore[index,call-overload]

    # --- lifecycle --------------------------------------------------------------------------------------------
    def drop(self) -> None:
        if self._exists():
            self._client.delete_collection(self.collection)
        self._store = None

    def close(self) -> None:
        self._client.close()

    # --- helpers ----------------------------------------------------------------------------------------------
    def _filter(self, conditions: list[Cond]) -> Any:
        if not conditions:
            return None
        return self._models.Filter(must=[self._condition(c) for c in conditions])

    def _condition(self, cond: Cond) -> Any:
        models = self._models
        if cond.eq is not None:
            return models.FieldCondition(key=cond.key, match=models.MatchValue(value=cond.eq))
        if cond.any is not None:
            return models.FieldCondition(key=cond.key, match=models.MatchAny(any=list(cond.any)))
        return models.FieldCondition(key=cond.key, range=models.Range(gte=cond.gte, lte=cond.lte))
