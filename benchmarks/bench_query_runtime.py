"""The embedding's runtimes side by side: torch float32, torch int8 and bf16 (what indexing uses without and
with AMX) and ONNX Runtime int8 per channel (what embeds queries and messages by default), on the CPU at hand.

Prints, per runtime: single-text latency (p50/p95, one thread, the judged Polish demo queries, each embedded
alone), the cosine of its vectors to float32 (mean and min), and the throughput of batches of 64 product texts
(two threads, as ``salesagent index`` runs). The ONNX file is exported into a temporary folder, so the export
time is printed too (the first start on a machine pays it once; later starts read the cache).

    .venv/bin/python benchmarks/bench_query_runtime.py
    .venv/bin/python benchmarks/bench_query_runtime.py --catalog var/demo/catalog.csv --rounds 3
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ROOT / "evals" / "data" / "search_pl" / "queries.csv"


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _single(encode: Any, texts: list[str], rounds: int) -> list[float]:
    """Milliseconds of each text embedded alone, ``rounds`` times over (first pass is warm-up)."""
    for t in texts[:10]:
        encode([t])
    out = []
    for _ in range(rounds):
        for t in texts:
            t0 = time.perf_counter()
            encode([t])
            out.append((time.perf_counter() - t0) * 1000)
    return out


def _cosines(encode: Any, reference: np.ndarray, texts: list[str]) -> np.ndarray:
    vecs = np.vstack([encode([t]) for t in texts])
    return np.sum(vecs * reference, axis=1)


def _product_texts(catalog: Path | None, n: int) -> list[str]:
    if catalog is None:
        base = [f"Wyłącznik nadprądowy {p}P {a}A charakterystyka {c}, zdolność zwarciowa 6 kA, na szynę TH35, "
                f"do rozdzielnic mieszkaniowych i przemysłowych" for p in (1, 2, 3) for a in (6, 10, 16, 20, 25)
                for c in "BCD"]
        return (base * (n // len(base) + 1))[:n]
    from retrieval.evaluation import load_catalog_csv
    from retrieval.text import dense_text

    docs = load_catalog_csv(catalog)
    return [dense_text(d) for d in docs[:n]]


def main(argv: list[str] | None = None) -> None:
    """``python benchmarks/bench_query_runtime.py [--catalog CSV] [--rounds N] [--batches N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=None,
                        help="catalogue CSV whose product texts the batch figure embeds (default: synthetic MCBs)")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the queries for the latency figure")
    parser.add_argument("--batches", type=int, default=4, help="batches of 64 product texts for the throughput")
    args = parser.parse_args(argv)

    import torch
    from sentence_transformers import SentenceTransformer

    from benchmarks.bench_all import machine
    from core.config import Settings, apply_offline_env
    from retrieval.embeddings import MAX_SEQ_LENGTH, Embedder, _quantize_int8, default_model_path
    from retrieval.onnx_query import OnnxQueryEncoder, load_or_export

    apply_offline_env(Settings())
    with QUERIES.open(encoding="utf-8") as fh:
        queries = list(dict.fromkeys(row["query"] for row in csv.DictReader(fh)))
    products = _product_texts(args.catalog, 64 * args.batches)
    info = machine()
    print(f"CPU {info['cpu']} ({', '.join(info['flags'])}), {info['cores']} cores, torch {info['torch']}, "
          f"load {info['load_at_start']}, {len(queries)} distinct queries, {len(products)} product texts")

    def st_model() -> Any:
        m = SentenceTransformer(str(default_model_path()), device="cpu")
        m.max_seq_length = MAX_SEQ_LENGTH
        return m

    def torch_encode(model: Any) -> Any:  # the shipped embedder's own forward pass of a few texts
        return Embedder(model, "bench")._forward_torch

    def batch_rate(model: Any) -> float:
        torch.set_num_threads(2)
        t0 = time.perf_counter()
        model.encode(products, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return len(products) / (time.perf_counter() - t0)

    fp32 = st_model()
    ref = np.vstack([torch_encode(fp32)([q]) for q in queries])
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        onnx = load_or_export(fp32, Path(tmp), "bench")
        export_s = time.perf_counter() - t0
        if onnx is None:
            raise SystemExit("ONNX export failed (see the log above)")
        int8 = st_model()
        _quantize_int8(int8)
        bf16 = st_model().to(torch.bfloat16)  # fast on AMX tiles only (``has_native_bf16``)
        rows = []
        for label, encode, model in (("torch float32", torch_encode(fp32), fp32),
                                     ("torch int8", torch_encode(int8), int8),
                                     ("torch bf16", torch_encode(bf16), bf16),
                                     ("onnxruntime int8 per channel", onnx.encode, None)):
            torch.set_num_threads(1)
            lat = _single(encode, queries, args.rounds)
            cos = _cosines(encode, ref, queries)
            if model is not None:
                rate = batch_rate(model)
            else:  # the same graph on two threads, as torch's batches get
                two = OnnxQueryEncoder(onnx.path, fp32.tokenizer, MAX_SEQ_LENGTH, threads=2)
                t0 = time.perf_counter()
                for i in range(0, len(products), 64):
                    two.encode(products[i:i + 64])
                rate = len(products) / (time.perf_counter() - t0)
            rows.append((label, _pct(lat, 50), _pct(lat, 95), float(cos.mean()), float(cos.min()), rate))
    print(f"ONNX export + int8 quantisation: {export_s:.1f} s (once per machine; cached afterwards)")
    print(f"{'runtime':30}{'p50 ms':>9}{'p95 ms':>9}{'cos mean':>10}{'cos min':>9}{'batch-64 texts/s':>18}")
    for label, p50, p95, cmean, cmin, rate in rows:
        print(f"{label:30}{p50:9.2f}{p95:9.2f}{cmean:10.4f}{cmin:9.4f}{rate:18.0f}")
    print("(single texts on 1 thread; batches of 64 on 2 threads)")


if __name__ == "__main__":
    main()
