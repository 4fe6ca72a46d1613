"""``CatalogSearch``: the one retrieval interface (ingest, sync, search, vectors), over either vector engine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np

from retrieval.embeddings import Embedder
from retrieval.engine import (
    PREFETCH_TIE_MARGIN,
    Cond,
    EngineHit,
    QueryPlan,
    VectorEngine,
    filter_conditions,
    ranked,
)
from retrieval.features import (
    Candidate,
    QueryState,
    QueryTerms,
    feature_matrix,
    field_terms,
    product_terms,
    query_terms,
)
from retrieval.fusion import DEFAULT_FUSION, FusionConfig, Scored, fuse
from retrieval.ingest import docs_from_store, node_of, point_id
from retrieval.models import CatalogFilters, IngestReport, ProductDoc, SearchHit, SearchMode, SearchResult
from retrieval.nomatch import DEFAULT_NOMATCH, NoMatchModel, nomatch_row
from retrieval.pipeline import Retrieval, satisfies, spec_count, spec_first
from retrieval.premises import premises_for
from retrieval.rerank import RERANK_DEPTH, Reranker, reorder
from retrieval.search_model import SearchModel
from retrieval.sparse import Sparse, SparseEncoder
from retrieval.text import DenseFields, content_hash, identifier_candidates

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while products are written."""

BATCH = 256
"""Products embedded and written per batch."""

# The shipped hybrid defaults (``retrieval.fusion.DEFAULT_FUSION``; a catalogue's own setting is learned by
# ``salesagent train-search`` by cross-validation, docs/retrieval.md): weighted RRF over short prefetch lists,
# then one round of pseudo-relevance feedback on the dense side (Rocchio: the query vector moves towards the top
# fused hit), and a word found in one product only makes the list lexical.
RRF_K = DEFAULT_FUSION.rrf_k
RRF_WEIGHTS = (DEFAULT_FUSION.dense_weight, DEFAULT_FUSION.sparse_weight)
"""RRF weights of (dense, sparse): the lexical list counts more (product names are keyword-heavy)."""
PREFETCH = DEFAULT_FUSION.prefetch
"""Candidates each of dense and sparse hands to the fusion (at least k)."""
TIE_MARGIN = 20
"""Extra hits fetched so equal-score ties at the cut-off are broken by SKU, not by engine internals."""
FEEDBACK_BETA = DEFAULT_FUSION.feedback
"""Weight of the feedback centroid added to the query vector for the second pass; 0 disables it."""
FEEDBACK_DOCS = DEFAULT_FUSION.feedback_docs
"""How many top fused hits form the feedback centroid (their mean dense vector)."""
NAMING_WORD_DF = DEFAULT_FUSION.naming_word_df
"""A query word found in at most this many products names a product (a model or collection name, or a product
word rare in this catalogue): the hybrid query then ranks lexically. 0 switches the rule off. See
``CatalogSearch.names_a_product``."""
PROBE_LIMIT = 3
"""Each query word is probed for up to this many products: 0 = unknown to the catalogue ("no match", query
weighting), 1 = names a product, more = a common word."""


class CatalogSearch:
    """Hybrid (dense + BM25 sparse, fused) catalogue search with filters, premises, an optional learned reranker
    and the "no match" call."""

    def __init__(self, engine: VectorEngine, embedder: Embedder, *, sparse: SparseEncoder | None = None,
                 rrf_k: int = RRF_K, weights: tuple[float, float] = RRF_WEIGHTS, prefetch: int = PREFETCH,
                 feedback: float = FEEDBACK_BETA, feedback_docs: int = FEEDBACK_DOCS,
                 naming_word_df: int = NAMING_WORD_DF, config: FusionConfig | None = None,
                 model: SearchModel | None = None, dense_fields: DenseFields = "full") -> None:
        self.engine = engine
        self.dense_fields: DenseFields = dense_fields
        """What the dense model embeds per product (``Settings.dense_text``)."""
        self.embedder = embedder
        self.sparse = sparse or SparseEncoder()
        self.config = config or FusionConfig(
            method="rrf", dense_weight=weights[0], sparse_weight=weights[1], rrf_k=rrf_k, prefetch=prefetch,
            feedback=feedback, feedback_docs=feedback_docs, naming_word_df=naming_word_df)
        """The fusion setting in use (the shipped defaults, or what ``train-search`` learned)."""
        self.reranker: Reranker | None = None
        self.popularity: dict[str, float] = {}
        self.nomatch: NoMatchModel | None = DEFAULT_NOMATCH
        self.model_version: str | None = None
        self.encoders = f"{embedder.fingerprint}|{self.sparse.fingerprint}" + (
            f"|dense:{dense_fields}" if dense_fields != "full" else "")
        """What made the vectors; part of every content hash, so changing the model, its quantisation or the
        embedded fields re-embeds."""
        if model is not None:
            self.use_model(model)

    def use_model(self, model: SearchModel | None) -> None:
        """Search with what ``train-search`` learned (fusion, reranker, "no match", popularity); None: the
        shipped defaults, no reranker."""
        if model is None:
            self.config, self.reranker, self.popularity = DEFAULT_FUSION, None, {}
            self.nomatch, self.model_version = DEFAULT_NOMATCH, None
            return
        self.config, self.reranker, self.popularity = model.fusion, model.reranker, dict(model.popularity)
        self.nomatch = model.nomatch or DEFAULT_NOMATCH
        self.model_version = model.version or None

    # the fusion setting's fields, readable and settable one by one (evals and tests switch one at a time)
    naming_word_df = property(lambda self: self.config.naming_word_df,
                              lambda self, v: self._set(naming_word_df=v))
    rrf_k = property(lambda self: self.config.rrf_k, lambda self, v: self._set(rrf_k=v))
    prefetch = property(lambda self: self.config.prefetch, lambda self, v: self._set(prefetch=v))
    feedback = property(lambda self: self.config.feedback, lambda self, v: self._set(feedback=v))
    feedback_docs = property(lambda self: self.config.feedback_docs, lambda self, v: self._set(feedback_docs=v))
    weights = property(lambda self: (self.config.dense_weight, self.config.sparse_weight),
                       lambda self, v: self._set(dense_weight=v[0], sparse_weight=v[1]))

    def _set(self, **changes: Any) -> None:
        self.config = self.config.model_copy(update=changes)

    # --- writes -----------------------------------------------------------------------------------------------
    def upsert(self, docs: list[ProductDoc], progress: Progress | None = None) -> int:
        """Embed and write ``docs`` (insert or overwrite by SKU); return how many were written."""
        if not docs:
            return 0
        self.engine.ensure_collection(self.embedder.dim)
        done = 0
        for start in range(0, len(docs), BATCH):
            batch = docs[start:start + BATCH]
            nodes = [node_of(d, self.encoders, self.dense_fields) for d in batch]
            vectors = self.embedder.encode([n.text for n in nodes])
            for node, vec, doc in zip(nodes, vectors, batch, strict=True):
                node.embedding = vec.tolist()
                node.metadata["field_terms"] = field_terms(doc.name, doc.category, doc.brand or "", doc.attributes,
                                                           self.sparse)
                node.excluded_embed_metadata_keys.append("field_terms")
                node.excluded_llm_metadata_keys.append("field_terms")
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
        return self.search_result(query, filters, k, mode).hits

    def search_result(self, query: str, filters: CatalogFilters | None = None, k: int = 10,
                      mode: SearchMode = "hybrid", *, explain: bool = True) -> SearchResult:
        """Return the hits of ``query`` (as ``search``) with the "no match" call (``SearchResult``).

        ``explain=False`` leaves the premises out (the order is the same): the tuning loops score thousands of
        queries and read only the SKUs."""
        from core.errors import InputError

        query = (query or "").strip()
        if not query:
            raise InputError("the search query is empty")
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        got = self.retrieve(query, filter_conditions(filters), k, mode)
        ordered, reranked = self._final_order(got, k)
        hits = [self._to_hit(query, h, kind, score, got.qvec, explain) for h, kind, score in ordered]
        no_match, probability = self._verdict(got, [h for h, _, _ in ordered])
        return SearchResult(query=query, hits=hits, no_match=no_match, no_match_probability=probability,
                            unknown_words=got.unknown_words, reranked=reranked)

    def retrieve(self, query: str, conds: list[Cond], k: int, mode: SearchMode = "hybrid",
                 depth: int | None = None) -> Retrieval:
        """Return the candidates of ``query`` under ``conds`` before the final order: exact identifier hits, the
        dense / sparse / fused lists and the top ``depth`` candidates (default: k plus the tie margin, at least
        the reranker's depth when one is loaded)."""
        cfg = self.config
        limit = depth or (max(k + TIE_MARGIN, RERANK_DEPTH) if self.reranker is not None else k + TIE_MARGIN)
        exact = self._identifier_hits(query, conds, k)
        qvec = self.embedder.encode_one(query)
        svec = self.sparse.encode_query(query)
        terms = query_terms(query, self.sparse)
        df = self._word_df(query)
        known = [any(df.get(i, 0) > 0 for i in surface | lemma) for surface, lemma in terms.words]
        got = Retrieval(query=query, mode=mode, qvec=qvec, terms=terms, known=known,
                        unknown_words=self._unknown_words(query, terms, known), exact=exact, hits=[],
                        naming=mode == "hybrid" and 0 < cfg.naming_word_df and
                        any(0 < n <= cfg.naming_word_df for n in df.values()))
        if mode != "hybrid":
            plan = QueryPlan(mode=mode, dense=qvec if mode == "dense" else None,
                             sparse=svec if mode == "sparse" else None, conditions=conds, limit=limit)
            got.hits = ranked(self.engine.query(plan))
            side = got.dense if mode == "dense" else got.sparse
            side.update({h.id: (i, h.score) for i, h in enumerate(got.hits)})
            return got
        lexical: list[EngineHit] = []
        if got.naming:
            # a word only one product holds decides: lexical order first, fused results only fill the list
            # when too few products contain the words
            lexical = ranked(self.engine.query(QueryPlan(mode="sparse", dense=None, sparse=svec, conditions=conds,
                                                         limit=limit)))
            got.sparse.update({h.id: (i, h.score) for i, h in enumerate(lexical)})
        if len(lexical) < limit:
            self._hybrid(got, svec, conds, limit, max(cfg.prefetch, k))
        if lexical:
            ids = {h.id for h in lexical}
            got.hits = lexical + [h for h in got.hits if h.id not in ids]
        return got

    def _hybrid(self, got: Retrieval, svec: Sparse, conds: list[Cond], limit: int, prefetch: int) -> None:
        """Fill ``got`` with the fused list: dense and sparse lists, fusion, one feedback pass."""
        cfg = self.config
        sparse = self._list(QueryPlan(mode="sparse", dense=None, sparse=svec, conditions=conds), prefetch)
        dense = self._list(QueryPlan(mode="dense", dense=got.qvec, sparse=None, conditions=conds), prefetch)
        fused = fuse(dense, sparse, cfg, got.known_share)
        fetched: dict[str, EngineHit] = {}
        fb = self._feedback_vectors(fused[:limit], cfg.feedback_docs, fetched) if cfg.feedback > 0 else []
        if fb:
            moved = got.qvec + cfg.feedback * np.mean(fb, axis=0)
            moved = (moved / np.linalg.norm(moved)).astype(np.float32)
            dense = self._list(QueryPlan(mode="dense", dense=moved, sparse=None, conditions=conds), prefetch)
            fused = fuse(dense, sparse, cfg, got.known_share)
        hits = self._fetch(fused[:limit], fetched)
        for i, (pid, score) in enumerate(sparse):
            got.sparse.setdefault(pid, (i, score))
        got.dense = {pid: (i, score) for i, (pid, score) in enumerate(dense)}
        got.fused = dict(fused)
        got.hits = hits

    def _list(self, plan: QueryPlan, prefetch: int) -> Scored:
        """Return one engine list (ids and scores), ranked by score then point id, cut to ``prefetch``; the
        extra ``PREFETCH_TIE_MARGIN`` candidates let ties at the cut be broken by id, not by engine layout."""
        single = replace(plan, limit=prefetch + PREFETCH_TIE_MARGIN, bare=True)
        return [(h.id, h.score) for h in ranked(self.engine.query(single))[:prefetch]]

    def _fetch(self, top: Scored, fetched: dict[str, EngineHit] | None = None) -> list[EngineHit]:
        """Return the points of ``top`` with payload and dense vector, carrying the fused scores, equal scores by
        SKU (as ``retrieval.engine.fuse_hybrid``). Points already in ``fetched`` (this search's earlier fetch)
        are not asked for again; the ones fetched now are added to it."""
        fetched = {} if fetched is None else fetched
        missing = [pid for pid, _ in top if pid not in fetched]
        if missing:
            fetched.update({h.id: h for h in self.engine.points(missing)})
        return ranked([replace(fetched[pid], score=score) for pid, score in top if pid in fetched])

    def _feedback_vectors(self, top: Scored, n: int, fetched: dict[str, EngineHit] | None = None) -> list[np.ndarray]:
        """Return the dense vectors of the first ``n`` of ``top`` in the order ``_fetch`` gives (equal scores by
        SKU), fetching only the points that can be among them (those scoring at least the n-th score)."""
        if not top:
            return []
        cut = round(top[min(n, len(top)) - 1][1], 6)
        first = self._fetch([(pid, score) for pid, score in top if round(score, 6) >= cut], fetched)[:n]
        return [h.dense for h in first if h.dense is not None]

    def _word_df(self, query: str) -> dict[int, int]:
        """Return ``{term id: products containing it}`` (capped at the probe limit) for every word term of
        ``query``: one single-term sparse probe each, catalogue-wide (filters aside), ids only."""
        limit = max(PROBE_LIMIT, self.config.naming_word_df + 1)
        out: dict[int, int] = {}
        for term in self.sparse.word_terms(query):
            probe = QueryPlan(mode="sparse", dense=None, sparse=term, limit=limit, bare=True)
            out[term.indices[0]] = len(self.engine.query(probe))
        return out

    def _unknown_words(self, query: str, terms: QueryTerms, known: list[bool]) -> list[str]:
        unknown = {ids for ids, k in zip(terms.words, known, strict=True) if not k}
        out: list[str] = []
        for raw in query.split():
            word = raw.strip("\"'()[]{},.;:!?")
            ids = self.sparse.word_ids(word) if word else (set(), set())
            key = (frozenset(ids[0]), frozenset(ids[1]))
            if key in unknown and word not in out:
                out.append(word)
        return out

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
        return any(0 < n <= self.naming_word_df for n in self._word_df(query).values())

    def candidates(self, got: Retrieval, depth: int = RERANK_DEPTH) -> tuple[list[EngineHit], np.ndarray]:
        """Return the top ``depth`` candidates of ``got`` and their reranker feature rows."""
        hits = got.hits[:depth]
        cands = [Candidate(payload=h.payload, fused=got.fused.get(h.id, 0.0), position=i,
                           cosine=float(np.dot(got.qvec, h.dense)) if h.dense is not None else 0.0,
                           dense_rank=got.dense[h.id][0] if h.id in got.dense else None,
                           sparse_score=got.sparse[h.id][1] if h.id in got.sparse else None,
                           sparse_rank=got.sparse[h.id][0] if h.id in got.sparse else None, terms=h.terms,
                           attr_matches=spec_count(got.query, h))
                 for i, h in enumerate(hits)]
        state = QueryState(terms=got.terms, known_share=got.known_share, naming=got.naming,
                           popularity=self.popularity)
        return hits, feature_matrix(state, cands, self.sparse)

    def _final_order(self, got: Retrieval, k: int) -> tuple[list[tuple[EngineHit, str | None, float]], bool]:
        """Return the final (hit, exact kind, score) list: exact identifier matches first, then the candidates
        (reordered by the reranker when one is loaded, hybrid only), products stating more of the query's specs
        first."""
        hits, reranked = got.hits, False
        if self.reranker is not None and got.mode == "hybrid" and hits:
            top, x = self.candidates(got)
            scores = self.reranker.scores(x)
            floor = float(scores.min()) - 1.0
            hits = [replace(top[i], score=float(scores[i])) for i in reorder(scores)] + [
                replace(h, score=floor - 1e-3 * i) for i, h in enumerate(hits[len(top):])]
            reranked = True
        exact_ids = {h.id for h, _ in got.exact}
        best = max([h.score for h in hits] or [0.0])
        merged: list[tuple[EngineHit, str | None, float]] = [(h, kind, best + 1.0) for h, kind in got.exact]
        merged += spec_first(got.query, [(h, None, h.score) for h in hits if h.id not in exact_ids])
        return merged[:k], reranked

    def _verdict(self, got: Retrieval, shown: list[EngineHit]) -> tuple[bool, float | None]:
        """Return (no match?, P(no match)) for the hits ``shown`` (see ``retrieval.nomatch``)."""
        if got.exact:
            return False, 0.0
        if not shown:
            return True, 1.0
        if self.nomatch is None:
            return False, None
        probability = self.nomatch.probability(self._nomatch_row(got, shown))
        return probability >= self.nomatch.threshold, probability

    def _nomatch_row(self, got: Retrieval, shown: list[EngineHit]) -> list[float]:
        terms = [product_terms(h.payload, self.sparse, h.terms) for h in shown[:5]]
        return nomatch_row(got.terms, got.known, [t.name | t.category for t in terms], [t.text for t in terms],
                           [float(np.dot(got.qvec, h.dense)) if h.dense is not None else 0.0 for h in shown[:5]])

    def nomatch_features(self, query: str, filters: CatalogFilters | None = None, k: int = 10) -> list[float]:
        """Return the "no match" feature row of ``query`` over the hits ``search`` would show (to fit the model)."""
        got = self.retrieve(query, filter_conditions(filters), k, "hybrid")
        return self._nomatch_row(got, [h for h, _, _ in self._final_order(got, k)[0]])

    def _identifier_hits(self, query: str, conds: list[Cond], k: int) -> list[tuple[EngineHit, str]]:
        cands = identifier_candidates(query)
        if not cands:
            return []
        found = self.engine.lookup([Cond("sku_key", any=cands), Cond("ean", any=cands)], limit=k)
        out = []
        for hit in found:
            if conds and not satisfies(hit.payload, conds):
                continue
            kind = "SKU" if str(hit.payload.get("sku_key")) in cands else "EAN"
            out.append((hit, kind))
        return out

    def _to_hit(self, query: str, hit: EngineHit, exact: str | None, score: float,
                qvec: np.ndarray | None, explain: bool = True) -> SearchHit:
        p = hit.payload
        return SearchHit(
            sku=p["sku"], name=p["name"], category=p.get("category") or "", brand=p.get("brand"),
            price=p.get("price"), currency=p.get("currency") or "PLN", stock=p.get("stock"), score=score,
            premises=premises_for(query=query, payload=p, exact=exact, query_vec=qvec, doc_vec=hit.dense,
                                  encoder=self.sparse) if explain else [],
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


__all__ = ["CatalogSearch", "Retrieval", "spec_first"]
