"""Catalogue search benchmark: ingestion products/s and query latency p50/p95 per engine and catalogue size.

    .venv/bin/python benchmarks/bench_search.py                     # edge at 3k, 10k, 50k; local at 3k
    .venv/bin/python benchmarks/bench_search.py --sizes 10000 50000 --engines edge local
    .venv/bin/python benchmarks/bench_search.py --catalog /tmp/rdemo/demo/catalog.csv --engines edge
    .venv/bin/python benchmarks/bench_search.py --sizes 10000 --engines edge --embed-all   # real end to end
    .venv/bin/python benchmarks/bench_search.py --sizes 3000 --engines edge --batches 8 16 32 64
    SALESAGENT_EMBEDDING_QUANTIZE=int8 .venv/bin/python benchmarks/bench_search.py ...   # int8 embedder

With ``--catalog`` (a catalogue CSV, e.g. the demo's) the products are embedded for real, so the ingestion rate is
end to end (text rendering, MiniLM, BM25, upsert), not implied. Every line carries the 1-minute load average.

``--reranker`` also measures the query latency with the learned reranker on (issue 20: p95 <= 25 ms at 50k on 2
cores): a LambdaRank model with the shipped parameters and the largest number of rounds the cross-validation may
choose (``retrieval.rerank.ROUNDS``: the slowest model it can ship) is trained on synthetic judgments (each
generated query's source product 2, the rest 0), then 200 *distinct* generated queries (so the per-product
feature cache is not simply warm) run with the reranker off and on:

    .venv/bin/python benchmarks/bench_search.py --sizes 50000 --engines edge --reranker

Embedding dominates ingestion, and on a shared 2-core machine embedding 50k texts takes many minutes, so the
script measures the two costs apart: (1) the embedder's throughput on a sample of real product texts, (2) the
engine path (node building, BM25 vectors, upsert, HNSW build) at full size with dense vectors taken from the
sample (cycled, with a little noise so the HNSW graph is not degenerate). It prints both, and the end-to-end
rate they imply (1 / (1/embed + 1/engine)). Query latency is measured end to end through ``CatalogSearch.search``
(query embedding, hybrid prefetch + RRF, feedback pass, premises), and engine-only with precomputed vectors.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.config import Settings, apply_offline_env

QUERIES = [
    "wyłącznik nadprądowy 16A B 1P", "S201-B16", "outdoor LED floodlight 50W 4000K IP65",
    "something to mount 12 breakers in", "przewód YDY 3x2,5", "RCD 30mA 4P 40A", "gniazdo 16A IP44",
    "naświetlacz LED 100W", "rozdzielnica natynkowa 24 moduły", "residual current device 300 mA",
]


class SampleEmbedder:
    """Serves precomputed sample vectors (cycled + noise) for documents; real model for queries."""

    def __init__(self, real, sample_texts: list[str]) -> None:  # type: ignore[no-untyped-def]
        self.real, self.dim, self.name, self.fingerprint = real, real.dim, real.name, real.fingerprint
        self.sample = real.encode(sample_texts)
        self._rng = np.random.default_rng(0)
        self._i = 0

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        idx = (np.arange(len(texts)) + self._i) % len(self.sample)
        self._i += len(texts)
        vecs = self.sample[idx] + self._rng.normal(0, 0.02, (len(texts), self.dim)).astype(np.float32)
        return (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.real.encode_one(text)


def _load() -> str:
    import os

    return f"{os.getloadavg()[0]:.1f}"


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, p))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[3000, 10000, 50000])
    ap.add_argument("--engines", nargs="+", default=["edge", "local"])
    ap.add_argument("--local-max", type=int, default=10000, help="skip qdrant-client local mode above this size")
    ap.add_argument("--sample", type=int, default=1000, help="texts embedded for the embedder throughput")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--catalog", type=Path, help="a catalogue CSV: index it with real embeddings (end to end)")
    ap.add_argument("--embed-all", action="store_true",
                    help="embed every synthetic product for real (end-to-end rate measured, not implied)")
    ap.add_argument("--batches", type=int, nargs="*", default=[],
                    help="also print the embedder's throughput on the sample for each model batch size")
    ap.add_argument("--reranker", action="store_true",
                    help="also time distinct queries with the learned reranker off and on (trained here)")
    args = ap.parse_args()

    from retrieval import build_catalog_search
    from retrieval.embeddings import load_embedder
    from retrieval.synthetic import synthetic_catalog
    from retrieval.text import dense_text

    tmp = Path(tempfile.mkdtemp(prefix="bench_search_"))
    settings = Settings(data_dir=tmp, _env_file=None)  # type: ignore[call-arg]
    settings.ensure_dirs()
    apply_offline_env(settings)
    real = load_embedder(settings)
    if args.catalog:
        from retrieval.evaluation import load_catalog_csv

        docs_all = load_catalog_csv(args.catalog)
        args.sizes = [len(docs_all)]
    else:
        docs_all = synthetic_catalog(max(args.sizes), seed=3)
    sample = [dense_text(d) for d in docs_all[: args.sample]]
    real.encode(sample[:64])  # warm-up
    t0 = time.perf_counter()
    real.encode(sample)
    embed_rate = len(sample) / (time.perf_counter() - t0)
    print(f"embedder ({Path(real.name).name}): {embed_rate:.0f} products/s on {len(sample)} product texts "
          f"[load {_load()}]")
    for bs in args.batches:
        t0 = time.perf_counter()
        real.encode(sample, batch_size=bs)
        print(f"  model batch {bs:>3}: {len(sample) / (time.perf_counter() - t0):.0f} products/s [load {_load()}]")
    real_path = bool(args.catalog or args.embed_all)
    emb = real if real_path else SampleEmbedder(real, sample)

    for kind in args.engines:
        for n in args.sizes:
            if kind == "local" and n > args.local_max:
                print(f"{kind:5s} n={n:>6}: skipped (qdrant-client local mode is brute force in Python)")
                continue
            docs = docs_all[:n]
            s = settings.model_copy(update={"qdrant_collection": f"bench_{kind}_{n}"})
            search = build_catalog_search(s, embedder=emb, engine=kind)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            search.sync(docs)
            write_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            search.build_index()
            index_s = time.perf_counter() - t1
            load_write = _load()
            engine_rate = n / write_s
            e2e = engine_rate if real_path else 1 / (1 / embed_rate + 1 / engine_rate)
            lat, eng = [], []
            qv = {q: real.encode_one(q) for q in QUERIES}
            from retrieval.engine import QueryPlan

            for i in range(args.queries):
                q = QUERIES[i % len(QUERIES)]
                t = time.perf_counter()
                search.search(q, k=10)
                lat.append(time.perf_counter() - t)
                plan = QueryPlan("hybrid", qv[q], search.sparse.encode_query(q), limit=10, prefetch_limit=20,
                                 rrf_k=60, weights=(0.7, 1.0))
                t = time.perf_counter()
                search.engine.query(plan)
                eng.append(time.perf_counter() - t)
            if args.reranker:
                _bench_reranker(search, docs, args.queries)
            what = "sync incl. embedding" if real_path else "engine write"
            print(f"{kind:5s} n={n:>6}: {what} {engine_rate:6.0f} products/s ({write_s:5.1f} s) [load {load_write}], "
                  f"index build {index_s:5.1f} s, end-to-end {'' if real_path else '≈'}{e2e:4.0f} products/s | "
                  f"search p50 {pct(lat, 50):6.1f} ms p95 {pct(lat, 95):6.1f} ms | engine-only hybrid p50 "
                  f"{pct(eng, 50):6.1f} ms p95 {pct(eng, 95):6.1f} ms [load {_load()}]", flush=True)
            search.engine.drop()
            search.close()


def _generated_queries(docs: list, n: int, seed: int) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    """Return up to ``n`` distinct (query, source SKU) pairs: 2-4 words of a product's name in their order, as a
    buyer types them."""
    rng = np.random.default_rng(seed)
    out: dict[str, str] = {}
    for _ in range(50 * n):
        if len(out) >= n:
            break
        doc = docs[int(rng.integers(len(docs)))]
        words = doc.name.split()
        size = int(rng.integers(2, min(4, len(words)) + 1))
        picked = sorted(rng.choice(len(words), size=size, replace=False).tolist())
        out.setdefault(" ".join(words[i] for i in picked), doc.sku)
    return list(out.items())


def _bench_reranker(search, docs: list, n_queries: int) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Train a worst-case reranker on synthetic judgments and time distinct queries with it off and on."""
    from retrieval.features import clear_caches
    from retrieval.rerank import ROUNDS, fit_reranker
    from retrieval.tuning import Judged, candidate_groups

    train = _generated_queries(docs, 300, seed=1)
    judged = Judged(queries={f"t{i}": q for i, (q, _) in enumerate(train)},
                    qrels={f"t{i}": {sku: 2} for i, (_, sku) in enumerate(train)})
    t0 = time.perf_counter()
    groups = candidate_groups(search, judged, judged.qids)
    model = fit_reranker(list(groups.values()), max(ROUNDS))
    print(f"  reranker: {max(ROUNDS)} rounds trained on {len(groups)} synthetic queries in "
          f"{time.perf_counter() - t0:.1f} s [load {_load()}]")
    queries = [q for q, _ in _generated_queries(docs, n_queries, seed=2)]
    for label, reranker in (("off", None), ("on", model)):
        search.reranker = reranker
        clear_caches()
        lat = []
        for q in queries:
            t = time.perf_counter()
            result = search.search_result(q, k=10)
            lat.append(time.perf_counter() - t)
            assert result.reranked == (reranker is not None)
        print(f"  reranker {label:3s}: {len(queries)} distinct queries, search p50 {pct(lat, 50):6.1f} ms "
              f"p95 {pct(lat, 95):6.1f} ms [load {_load()}]", flush=True)
    search.reranker = None


if __name__ == "__main__":
    main()
