"""Hybrid vs sparse vs dense on several *replicates* of the dense vectors, to see past int8 batch noise.

The int8 embedding model quantises activations per batch, so a product's vector depends on the products it was
embedded with, and the model batch size alone moves WANDS hybrid nDCG@10 by about ±0.008 — as much as most
tuning does. One eval run is therefore one draw. This script indexes the catalogue once per replicate (float32,
and int8 at each ``--batches`` size), scores every mode through the production ``CatalogSearch.search`` (the
same path as ``salesagent eval search``), and prints nDCG@10 per replicate, the int8 mean, and the gain of hybrid
over the better single mode. "hybrid, no naming rule" switches off ``NAMING_WORD_DF`` to show what the rule adds.

    .venv/bin/python -m evals.search_replicates                    # WANDS from ../shared/data/wands_subset
    .venv/bin/python -m evals.search_replicates --batches 16 64 --no-float32
    .venv/bin/python -m evals.search_replicates --catalog C.csv --queries Q.csv --qrels R.csv

About 10–20 s per replicate on 2 cores for the 2,701 WANDS names. Indexes go to a temporary folder (removed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np

WANDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "wands_subset"
VARIANTS = ("sparse", "dense", "hybrid", "hybrid, no naming rule")


class BatchedEmbedder:
    """The real embedder with a fixed model batch for documents (queries are single texts either way)."""

    def __init__(self, inner: Any, batch: int) -> None:
        self.inner, self.batch = inner, batch
        self.dim, self.name, self.fingerprint = inner.dim, inner.name, f"{inner.fingerprint}#batch{batch}"

    def encode(self, texts: list[str], batch_size: int = 0) -> np.ndarray:
        return self.inner.encode(texts, batch_size=self.batch)  # type: ignore[no-any-return]

    def encode_one(self, text: str) -> np.ndarray:
        return self.inner.encode_one(text)  # type: ignore[no-any-return]


@dataclass
class Replicate:
    """One index of the catalogue: its label and nDCG@10 per query for each variant."""

    label: str
    per_query: dict[str, dict[str, float]]

    def mean(self, variant: str, qids: list[str] | None = None) -> float:
        scores = self.per_query[variant]
        return float(np.mean([scores[q] for q in (qids or list(scores))]))


def score_replicate(label: str, quantize: str, batch: int, docs: list[Any], queries: list[tuple[str, str]],
                    qrels: dict[str, dict[str, int]], workdir: Path) -> Replicate:
    """Index ``docs`` with one embedder set-up and return nDCG@10 per query for every variant."""
    from ranx import Qrels, Run, evaluate

    from core.config import Settings
    from retrieval import build_catalog_search
    from retrieval.embeddings import load_embedder

    settings = Settings(data_dir=workdir / label.replace(" ", "_"),  # type: ignore[call-arg]
                        embedding_quantize=cast(Literal["int8", "none"], quantize), qdrant_collection="replicate",
                        _env_file=None)
    search = build_catalog_search(settings, embedder=BatchedEmbedder(load_embedder(settings), batch))  # type: ignore[arg-type]
    judged = {q: r for q, r in qrels.items() if any(v > 0 for v in r.values())}
    out: dict[str, dict[str, float]] = {}
    try:
        search.sync(docs)
        for variant in VARIANTS:
            search.naming_word_df = 0 if variant.endswith("no naming rule") else 1
            mode = cast(Literal["hybrid", "dense", "sparse"], variant.split(",")[0])
            run = {qid: {h.sku: float(10 - i) for i, h in enumerate(search.search(text, k=10, mode=mode))}
                   for qid, text in queries if qid in judged}
            ranx_run = Run({q: run.get(q, {}) for q in judged})
            evaluate(Qrels(judged), ranx_run, "ndcg@10", make_comparable=True)
            out[variant] = {q: float(v) for q, v in ranx_run.scores["ndcg@10"].items()}
    finally:
        search.engine.drop()
        search.close()
    return Replicate(label, out)


def format_table(reps: list[Replicate]) -> str:
    """Return the replicate table (nDCG@10 per variant, hybrid vs the better single mode) with halves and means."""
    qids = sorted(reps[0].per_query["sparse"])
    half_a, half_b = qids[0::2], qids[1::2]
    lines = ["| replicate | " + " | ".join(VARIANTS) + " | hybrid vs best single | half A / half B gain |",
             "|---" * (len(VARIANTS) + 3) + "|"]

    def row(label: str, means: dict[str, float], halves: tuple[float, float]) -> str:
        best = max(means["sparse"], means["dense"])
        cells = " | ".join(f"{means[v]:.4f}" for v in VARIANTS)
        return (f"| {label} | {cells} | {100 * (means['hybrid'] / best - 1):+.1f} % | "
                f"{100 * halves[0]:+.1f} % / {100 * halves[1]:+.1f} % |")

    def half_gain(rep_list: list[Replicate], half: list[str]) -> float:
        hyb = np.mean([r.mean("hybrid", half) for r in rep_list])
        best = max(np.mean([r.mean("sparse", half) for r in rep_list]), np.mean([r.mean("dense", half) for r in rep_list]))
        return float(hyb / best - 1)

    for rep in reps:
        lines.append(row(rep.label, {v: rep.mean(v) for v in VARIANTS},
                         (half_gain([rep], half_a), half_gain([rep], half_b))))
    int8 = [r for r in reps if r.label.startswith("int8")]
    if len(int8) > 1:
        lines.append(row(f"mean of {len(int8)} int8", {v: float(np.mean([r.mean(v) for r in int8])) for v in VARIANTS},
                         (half_gain(int8, half_a), half_gain(int8, half_b))))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", type=Path, default=WANDS / "catalog.csv")
    ap.add_argument("--queries", type=Path, default=WANDS / "queries.csv")
    ap.add_argument("--qrels", type=Path, default=WANDS / "qrels.csv")
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 16, 32, 64, 128],
                    help="int8 model batch sizes, one replicate each (default: 1 16 32 64 128)")
    ap.add_argument("--no-float32", dest="float32", action="store_false", help="skip the float32 replicate")
    args = ap.parse_args(argv)

    from core.errors import InputError
    from retrieval.evaluation import load_catalog_csv, load_qrels, load_queries

    try:
        docs, queries, qrels = load_catalog_csv(args.catalog), load_queries(args.queries), load_qrels(args.qrels)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if any(b < 1 for b in args.batches):
        print("error: --batches must be positive", file=sys.stderr)
        return 2
    plan = ([("float32", "none", 16)] if args.float32 else []) + [(f"int8 batch {b}", "int8", b) for b in args.batches]
    reps = []
    with tempfile.TemporaryDirectory(prefix="search_replicates_") as tmp:
        for label, quantize, batch in plan:
            reps.append(score_replicate(label, quantize, batch, docs, queries, qrels, Path(tmp)))
            print(f"  {label}: " + ", ".join(f"{v} {reps[-1].mean(v):.4f}" for v in VARIANTS), flush=True)
    print(f"\n{len(docs)} products, {len(reps[0].per_query['sparse'])} judged queries; nDCG@10 (ranx)\n")
    print(format_table(reps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
