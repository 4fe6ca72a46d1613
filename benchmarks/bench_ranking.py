"""Ranking benchmarks on the Online Retail training file (lines before 2011-08-01).

Prints: full retrain time of the production pipeline (all sources), per-customer blended recommendation latency
p50/p95, batch throughput, and the time to bring one known customer up to date without a retrain
(``RankingPipeline.update_user``, what the portal runs after a behaviour event; the store query is not included);
then fit and latency again with catalogue vectors (the descriptions embedded as ``eval ranking`` does), which
adds the exploration slot's work per call. Single runs on a shared machine: other processes share the cores;
the load average is printed next to the figures. Run: ``.venv/bin/python benchmarks/bench_ranking.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evals.ranking_eval import DEFAULT_ORDERS, description_vectors
from ranking.interactions import interactions_from_frame, read_online_retail_frame
from ranking.pipeline import RankingPipeline


def latency_ms(pipe: RankingPipeline, users: np.ndarray) -> np.ndarray:
    lat = []
    for u in users:
        t0 = time.perf_counter()
        pipe.recommend(int(u), 10)
        lat.append((time.perf_counter() - t0) * 1000)
    return np.array(lat)


def main() -> None:
    df = read_online_retail_frame(DEFAULT_ORDERS)
    inter = interactions_from_frame(df[df.ts < np.datetime64("2011-08-01")])
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    print(f"training file: {inter.n_users} customers, {inter.n_items} items, {len(inter.user)} lines")
    RankingPipeline().fit(inter)  # warm-up (imports, numba/BLAS init)
    fits = []
    for _ in range(3):
        t0 = time.perf_counter()
        pipe = RankingPipeline().fit(inter)
        fits.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    pipe.als.fit(inter)
    als_only = time.perf_counter() - t0
    print(f"full retrain (ALS + buy-again + co-purchase + baskets + popularity): "
          f"median {np.median(fits):.2f}s of {len(fits)} (min {min(fits):.2f}s); ALS alone {als_only:.2f}s")
    rng = np.random.default_rng(0)
    users = rng.choice(inter.n_users, size=1000, replace=False)
    lat_a = latency_ms(pipe, users)
    print(f"per-customer recommend (k=10, blended, bias controls on): p50 {np.percentile(lat_a, 50):.2f} ms, "
          f"p95 {np.percentile(lat_a, 95):.2f} ms, max {lat_a.max():.2f} ms (n={len(lat_a)})")
    t0 = time.perf_counter()
    for u in range(inter.n_users):
        pipe.recommend(u, 10)
    dt = time.perf_counter() - t0
    print(f"batch: {inter.n_users} customers in {dt:.2f}s = {inter.n_users / dt:.0f} customers/s (one process)")
    upd = []
    for u in users[:200]:
        history = inter.select(inter.user == u)
        t0 = time.perf_counter()
        pipe.update_user(int(u), history)
        upd.append((time.perf_counter() - t0) * 1000)
    upd_a = np.array(upd)
    print(f"one-customer update without retrain (ALS + buy-again + co-purchase + content rows): "
          f"p50 {np.percentile(upd_a, 50):.2f} ms, p95 {np.percentile(upd_a, 95):.2f} ms (n={len(upd)})")
    vectors = description_vectors(df)
    fits = []
    for _ in range(3):
        t0 = time.perf_counter()
        vpipe = RankingPipeline().fit(inter, vectors=vectors)
        fits.append(time.perf_counter() - t0)
    print(f"with catalogue vectors: full retrain median {np.median(fits):.2f}s of {len(fits)}")
    lat_v = latency_ms(vpipe, users)
    print(f"with catalogue vectors: per-customer recommend (exploration slot on): p50 "
          f"{np.percentile(lat_v, 50):.2f} ms, p95 {np.percentile(lat_v, 95):.2f} ms, max {lat_v.max():.2f} ms "
          f"(n={len(lat_v)})")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
