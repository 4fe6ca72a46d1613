"""``CatalogSearch``: the one retrieval interface (ingest, sync, search, vectors), over either vector engine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np

from retrieval.embeddings import Embedder
from retrieval.engine import Cond, EngineHit, QueryPlan, VectorEngine, filter_conditions, ranked
from retrieval.ingest import docs_from_store, node_of, point_id
from retrieval.models import CatalogFilters, IngestReport, ProductDoc, SearchHit, SearchMode
from retrieval.premises import matched_attributes, premises_for
from retrieval.sparse import SparseEncoder
from retrieval.text import content_hash, identifier_candidates, tokenize

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while products are written."""

BATCH = 256
"""Products embedded and written per batch."""

# Hybrid tuning, measured on WANDS (docs/retrieval.md): weighted RRF over short prefetch lists, then one round of
# pseudo-relevance feedback on the dense side (Rocchio: the query vector moves towards the top fused hit).
RRF_K = 60
RRF_WEIGHTS = (0.7, 1.0)
"""RRF weights of (dense, sparse): the lexical list counts more (product names are keyword-heavy)."""
PREFETCH = 20
"""Candidates each of dense and sparse hands to the fusion (at least k)."""
TIE_MARGIN = 20
"""Extra hits fetched so equal-score ties at the cut-off are broken by SKU, not by engine internals."""
FEEDBACK_BETA = 0.5
"""Weight of the feedback centroid added to the query vector for the second pass; 0 disables it."""
FEEDBACK_DOCS = 1
"""How many top fused hits form the feedback centroid (their mean dense vector)."""
NAMING_WORD_DF = 1
"""A query word found in at most this many products names a product (a model or collection name, or a product
word rare in this catalogue): the hybrid query then ranks lexically. 0 switches the rule off. See
``CatalogSearch.names_a_product``."""


class CatalogSearch:
    """Hybrid (dense + BM25 sparse, RRF-fused) catalogue search with filters and premises."""

    def __init__(self, engine: VectorEngine, embedder: Embedder, *, sparse: SparseEncoder | None = None,
                 rrf_k: int = RRF_K, weights: tuple[float, float] = RRF_WEIGHTS, prefetch: int = PREFETCH,
                 feedback: float = FEEDBACK_BETA, feedback_docs: int = FEEDBACK_DOCS,
                 naming_word_df: int = NAMING_WORD_DF) -> None:
        self.engine = engine
        self.embedder = embedder
        self.sparse = sparse or SparseEncoder()
        self.rrf_k = rrf_k
        self.weights = weights
        self.prefetch = prefetch
        self.feedback = feedback
        self.feedback_docs = feedback_docs
        self.naming_word_df = naming_word_df
        self.encoders = f"{embedder.fingerprint}|{self.sparse.fingerprint}"
        """What made the vectors; part of every content hash, so changing the model or its quantisation re-embeds."""

    # --- writes -----------------------------------------------------------------------------------------------
    def upsert(self, docs: list[ProductDoc], progress: Progress | None = None) -> int:
        """Embed and write ``docs`` (insert or overwrite by SKU); return how many were written."""
        if not docs:
            return 0
        self.engine.ensure_collection(self.embedder.dim)
        done = 0
        for start in range(0, len(docs), BATCH):
            batch = docs[start:start + BATCH]
            nodes = [node_of(d, self.encoders) for d in batch]
            vectors = self.embedder.encode([n.text for n in nodes])
            for node, vec in zip(nodes, vectors, strict=True):
                node.embedding = vec.tolist()
            from retrieval.text import sparse_text

            self.engine.upsert(nodes, self.sparse.encode_documents([sparse_text(d) for d in batch],
                                                                   [d.name for d in batch]))
            done += len(batch)
            if progress:
                progress(done, len(docs))
        return done

    def delete_skus(self, skus: Iterable[str]) -> int:
        """Delete products by SKU (unknown SKUs are ignored); return how many ids were sent."""
        ids = [point_id(s) for s in skus]
        self.engine.delete(ids)
        return len(ids)

    def sync(self, docs: list[ProductDoc], progress: Progress | None = None,
             delete_missing: bool = True) -> IngestReport:
        """Make the index equal ``docs``: write new and changed products, delete the rest; idempotent."""
        t0 = time.perf_counter()
        state = self.engine.index_state()
        seen: set[str] = set()
        todo: list[ProductDoc] = []
        added = updated = 0
        for doc in docs:
            if doc.sku in seen:
                continue
            seen.add(doc.sku)
            old = state.get(doc.sku)
            if old is None:
                added += 1
                todo.append(doc)
            elif old != content_hash(doc, self.encoders):
                updated += 1
                todo.append(doc)
        self.upsert(todo, progress)
        removed = [s for s in state if s not in seen] if delete_missing else []
        self.delete_skus(removed)
        if progress and not todo:
            progress(len(docs), len(docs))
        return IngestReport(added=added, updated=updated, deleted=len(removed),
                            unchanged=len(seen) - added - updated, seconds=time.perf_counter() - t0)

    def sync_from_store(self, session: Any, progress: Progress | None = None) -> IngestReport:
        """Sync the index with the store's active products (see ``sync``)."""
        return self.sync(docs_from_store(session), progress)

    def build_index(self) -> None:
        """Build the engine's ANN index now (qdrant-edge: HNSW; a no-op on qdrant-client)."""
        self.engine.optimize()

    # --- reads ------------------------------------------------------------------------------------------------
    def search(self, query: str, filters: CatalogFilters | None = None, k: int = 10,
               mode: SearchMode = "hybrid") -> list[SearchHit]:
        """Return up to ``k`` products for ``query``, exact SKU/EAN matches first, each with premises."""
        from core.errors import InputError

        query = (query or "").strip()
        if not query:
            raise InputError("the search query is empty")
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        conds = filter_conditions(filters)
        exact = self._identifier_hits(query, conds, k)
        qvec = self.embedder.encode_one(query) if mode != "sparse" or exact else None
        plan = QueryPlan(mode=mode, dense=qvec if mode != "sparse" else None,
                         sparse=self.sparse.encode_query(query) if mode != "dense" else None,
                         conditions=conds, limit=k + TIE_MARGIN, prefetch_limit=max(self.prefetch, k),
                         rrf_k=self.rrf_k, weights=self.weights)
        lexical: list[EngineHit] = []
        if mode == "hybrid" and self.names_a_product(query):
            # a word only one product holds decides: lexical order first, fused results only fill the list
            # when too few products contain the words
            lexical = ranked(self.engine.query(replace(plan, mode="sparse", dense=None)))
        hits = [] if len(lexical) >= plan.limit else ranked(self.engine.query(plan))
        if mode == "hybrid" and hits:
            plan2 = self._feedback_plan(plan, hits[:self.feedback_docs], qvec)
            if plan2 is not plan:
                hits = ranked(self.engine.query(plan2))
        if lexical:
            ids = {h.id for h in lexical}
            hits = lexical + [h for h in hits if h.id not in ids]
        exact_ids = {h.id for h, _ in exact}
        top = max([h.score for h in hits] or [0.0])
        merged: list[tuple[EngineHit, str | None, float]] = [(h, kind, top + 1.0) for h, kind in exact]
        merged += spec_first(query, [(h, None, h.score) for h in hits if h.id not in exact_ids])
        return [self._to_hit(query, h, kind, score, qvec) for h, kind, score in merged[:k]]

    def names_a_product(self, query: str) -> bool:
        """Return True when a word of ``query`` occurs in at most ``naming_word_df`` indexed products.

        Such a word is the most specific evidence a query carries: a model or collection name ("Hillsby") or a
        product word rare in this catalogue ("bookshelf"), and the one product holding it is the buyer's best lead.
        The embedding knows nothing of names and little of rarity, so fusing its neighbours in pushed that product
        down: on the 27 of 174 judged WANDS queries with such a word, BM25 0.521, plain fusion 0.48–0.50, this rule
        0.530. It is the identifier rule (exact SKU/EAN first) generalised from codes to words.
        One single-term sparse probe per word (inverted-index look-ups, catalogue-wide, filters aside)."""
        if self.naming_word_df < 1:
            return False
        for term in self.sparse.word_terms(query):
            probe = QueryPlan(mode="sparse", dense=None, sparse=term, limit=self.naming_word_df + 1, bare=True)
            if 0 < len(self.engine.query(probe)) <= self.naming_word_df:
                return True
        return False

    def _feedback_plan(self, plan: QueryPlan, top: list[EngineHit], qvec: np.ndarray | None) -> QueryPlan:
        """Return the second-pass plan (pseudo-relevance feedback from the top fused hits), or ``plan``."""
        fb = [h.dense for h in top if h.dense is not None]
        if self.feedback > 0 and qvec is not None and fb:
            moved = qvec + self.feedback * np.mean(fb, axis=0)
            plan = replace(plan, dense=(moved / np.linalg.norm(moved)).astype(np.float32))
        return plan

    def _identifier_hits(self, query: str, conds: list[Cond], k: int) -> list[tuple[EngineHit, str]]:
        cands = identifier_candidates(query)
        if not cands:
            return []
        found = self.engine.lookup([Cond("sku_key", any=cands), Cond("ean", any=cands)], limit=k)
        out = []
        for hit in found:
            if conds and not _satisfies(hit.payload, conds):
                continue
            kind = "SKU" if str(hit.payload.get("sku_key")) in cands else "EAN"
            out.append((hit, kind))
        return out

    def _to_hit(self, query: str, hit: EngineHit, exact: str | None, score: float,
                qvec: np.ndarray | None) -> SearchHit:
        p = hit.payload
        return SearchHit(
            sku=p["sku"], name=p["name"], category=p.get("category") or "", brand=p.get("brand"),
            price=p.get("price"), currency=p.get("currency") or "PLN", stock=p.get("stock"), score=score,
            premises=premises_for(query=query, payload=p, exact=exact, query_vec=qvec, doc_vec=hit.dense,
                                  encoder=self.sparse),
        )

    def vectors_for(self, skus: Iterable[str]) -> dict[str, np.ndarray]:
        """Return the stored dense vector of each known SKU (for content-based ranking)."""
        by_id = {point_id(s): s for s in skus}
        return {by_id[i]: v for i, v in self.engine.vectors(list(by_id)).items() if i in by_id}

    def count(self) -> int:
        """Return the number of indexed products."""
        return self.engine.count()

    def close(self) -> None:
        """Release the engine (flushes qdrant-edge to disk)."""
        self.engine.close()


def _satisfies(payload: dict[str, Any], conds: list[Cond]) -> bool:
    """Return True when a payload meets every condition (used for identifier hits found by look-up)."""
    for c in conds:
        value: Any = payload
        for part in c.key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if c.eq is not None:
            if not (value == c.eq or (isinstance(value, list) and c.eq in value)):
                return False
        elif c.any is not None:
            if value not in c.any:
                return False
        else:
            if not isinstance(value, int | float):
                return False
            if (c.gte is not None and value < c.gte) or (c.lte is not None and value > c.lte):
                return False
    return True


def spec_first(query: str, hits: list[tuple[EngineHit, str | None, float]]
               ) -> list[tuple[EngineHit, str | None, float]]:
    """Return ``hits`` with products that match more of the specs the query states (curve B, 16 A, 1P) first,
    keeping the fused order among equals. A B2B buyer who types "16A B 1P" means those specs; a single-letter
    curve is weak evidence for BM25 and the embedding, so D16 could otherwise outrank B16."""
    qtokens = set(tokenize(query))
    if not qtokens:
        return hits
    counts = [len(matched_attributes(h.payload.get("attributes") or {}, qtokens)) for h, _, _ in hits]
    order = sorted(range(len(hits)), key=lambda i: -counts[i])  # stable: fused order among equal counts
    return [hits[i] for i in order]
