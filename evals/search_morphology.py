"""Polish morphology on the lexical side, measured on ``evals/data/search_pl`` (250 Polish queries with graded
judgments over the seed-42 demo catalogue, written before the change): nDCG@10 with and without it.

    .venv/bin/python -m evals.search_morphology --catalog /tmp/demo/demo/catalog.csv
    .venv/bin/python -m evals.search_morphology --catalog ... --variants off pl1 simplemma stempel

Each variant indexes the active demo products into a fresh collection (dense vectors are the same for all and
embedded once) and answers every query through ``CatalogSearch.search`` with the shipped search setting and no
reranker, in sparse and in hybrid mode. Variants:

* ``off``: no morphology (the code before issue 20);
* ``pl1``: the shipped analysis (``retrieval.morphology``: Morfeusz 2 lemmas, Stempel for unknown Polish-looking
  words, lemmas added next to the surface tokens). **Chosen before this set was run**; the rows below are a
  measurement, not a selection;
* ``simplemma`` / ``stempel``: the same guard and the same "add the lemma" rule with only simplemma's Polish
  lemmatiser, or only pystempel's Stempel stemmer, for the "which library" question;
* ``learned`` (with ``--learned DATA_DIR``): ``pl1`` plus the search model ``salesagent train-search`` wrote in
  that data dir (fusion setting and reranker learned from the demo shop's own search log): a test of what the
  shop's logs taught the search, on judgments that never came from those logs.

Printed: nDCG@10 / recall@10 / MRR overall and nDCG@10 per query kind, and for the 23 inflection groups how often
the four forms of one need return the same top-10 products (mean pairwise Jaccard of the top-10 sets).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "search_pl"
VARIANTS = ("off", "pl1", "simplemma", "stempel", "learned")


class _DocCache:
    """The real embedder with a cache by text, so every variant's index reuses the same product vectors."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.dim, self.name, self.fingerprint = inner, inner.dim, inner.name, inner.fingerprint
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            self._cache.update(zip(todo, self.inner.encode(todo, batch_size=batch_size), strict=True))
        return np.stack([self._cache[t] for t in texts]) if texts else self.inner.encode([])

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def _lemma_function(variant: str) -> Callable[[str], str | None] | None:
    """Return the lemma function a variant swaps into ``retrieval.morphology`` (None: keep the shipped one)."""
    from retrieval import morphology

    if variant in ("off", "pl1", "learned"):
        return None
    if variant == "simplemma":
        import simplemma

        def lemma(word: str) -> str | None:
            if not morphology._applies(word):
                return None
            found = str(simplemma.lemmatize(word, lang="pl")).lower()
            return found if found != word and len(found) >= morphology.MIN_LEN else None
        return lemma
    if variant == "stempel":
        def stem(word: str) -> str | None:
            if not morphology._applies(word):
                return None
            found = morphology._stempel()(word)
            return found.lower() if found and found.lower() != word and len(found) >= morphology.MIN_LEN else None
        return stem
    raise ValueError(f"unknown variant {variant!r} (choose from {', '.join(VARIANTS)})")


def score_variant(variant: str, docs: list[Any], queries: list[tuple[str, str, str]],
                  qrels: dict[str, dict[str, int]], embedder: Any, workdir: Path,
                  learned: Path | None = None) -> dict[str, Any]:
    """Index ``docs`` with one variant and return per mode: the run and per-query nDCG@10."""
    from core.config import Settings
    from retrieval import build_catalog_search, morphology
    from retrieval.sparse import MORPHOLOGY, SparseEncoder
    from retrieval.tuning import per_query

    swap = _lemma_function(variant)
    saved = morphology.lemma
    if swap is not None:
        morphology.lemma = swap  # type: ignore[assignment]
    settings = Settings(data_dir=workdir / variant, qdrant_collection="pl", _env_file=None)  # type: ignore[call-arg]
    search = build_catalog_search(settings, embedder=embedder, learned=False)
    search.sparse = SparseEncoder(morphology="" if variant == "off" else MORPHOLOGY)
    search.encoders = f"{embedder.fingerprint}|{search.sparse.fingerprint}"
    if variant != "learned":
        search.encoders += f"|{variant}"
    out: dict[str, Any] = {}
    try:
        if variant == "learned":
            from retrieval.search_model import load_current, models_root

            if learned is None:
                raise ValueError("the learned variant needs --learned DATA_DIR")
            model = load_current(models_root(learned), search.encoders)
            if model is None:
                raise ValueError(f"no search model trained in {learned}: run salesagent train-search there")
            search.use_model(model)
            print(f"  learned model {model.version}: fusion {model.fusion.label()}, reranker "
                  f"{model.reranker.rounds if model.reranker else 'off'} rounds", flush=True)
        search.sync(docs)
        for mode in ("sparse", "hybrid"):
            run = {qid: [h.sku for h in search.search_result(text, k=10, mode=mode, explain=False).hits]  # type: ignore[arg-type]
                   for qid, text, _ in queries}
            out[mode] = {"run": run, "ndcg": per_query(qrels, run, [q for q, _, _ in queries])}
    finally:
        morphology.lemma = saved
        morphology.lemma.cache_clear()
        search.engine.drop()
        search.close()
    return out


def _group(qid: str) -> str:
    return qid.rsplit("-", 1)[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", type=Path, required=True, help="the demo catalogue CSV (seed 42)")
    ap.add_argument("--queries", type=Path, default=DATA / "queries.csv")
    ap.add_argument("--qrels", type=Path, default=DATA / "qrels.csv")
    ap.add_argument("--variants", nargs="+", default=["off", "pl1"], choices=VARIANTS)
    ap.add_argument("--learned", type=Path, help="data dir whose trained search model the 'learned' variant uses")
    args = ap.parse_args(argv)

    import csv

    from core.config import Settings, apply_offline_env
    from core.errors import InputError
    from evals.search_nomatch import _active_docs
    from retrieval.embeddings import load_embedder
    from retrieval.evaluation import load_qrels
    from retrieval.tuning import means

    try:
        docs = _active_docs(args.catalog)
        qrels = load_qrels(args.qrels)
        with args.queries.open(newline="", encoding="utf-8") as fh:
            queries = [(r["query_id"], r["query"], r.get("kind", "")) for r in csv.DictReader(fh)]
    except (InputError, OSError, KeyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    apply_offline_env(settings)
    embedder = _DocCache(load_embedder(settings))
    results = {}
    with tempfile.TemporaryDirectory(prefix="search_morph_") as tmp:
        for variant in args.variants:
            results[variant] = score_variant(variant, docs, queries, qrels, embedder, Path(tmp), args.learned)
            print(f"  {variant}: sparse {np.mean(list(results[variant]['sparse']['ndcg'].values())):.4f}, hybrid "
                  f"{np.mean(list(results[variant]['hybrid']['ndcg'].values())):.4f} [load {os.getloadavg()[0]:.1f}]",
                  flush=True)
    qids = [q for q, _, _ in queries]
    kinds = sorted({k for _, _, k in queries})
    print(f"\n{len(docs)} active products, {len(qids)} queries; nDCG@10 / recall@10 / MRR (ranx)\n")
    print("| variant | mode | nDCG@10 | recall@10 | MRR | " + " | ".join(kinds) + " | same top-10 across forms |")
    print("|---" * (6 + len(kinds)) + "|")
    for variant in args.variants:
        for mode in ("sparse", "hybrid"):
            res = results[variant][mode]
            m = means(qrels, res["run"], qids)
            per_kind = [np.mean([res["ndcg"][q] for q, _, k in queries if k == kind]) for kind in kinds]
            groups: dict[str, list[set[str]]] = {}
            for q, _, kind in queries:
                if kind == "inflection":
                    groups.setdefault(_group(q), []).append(set(res["run"][q]))
            jac = [len(a & b) / len(a | b) if a | b else 1.0 for sets in groups.values()
                   for a, b in combinations(sets, 2)]
            print(f"| {variant} | {mode} | {m['ndcg@10']:.4f} | {m['recall@10']:.4f} | {m['mrr']:.4f} | " +
                  " | ".join(f"{v:.4f}" for v in per_kind) + f" | {np.mean(jac):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
