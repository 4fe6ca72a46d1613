"""Every performance path side by side in one run: each path's total next to its parts, on the demo data and at
50k products, with the CPU it ran on. ``make bench`` runs it; it prints the table and writes it (Markdown and
JSON) to ``--out``.

    .venv/bin/python benchmarks/bench_all.py --data-dir var                 # the demo's data dir
    .venv/bin/python benchmarks/bench_all.py --data-dir /tmp/dv --sizes      # demo only, no 50k run
    .venv/bin/python benchmarks/bench_all.py --data-dir /tmp/dv --only search ingest

Paths (all with the rule planner, no LLM):
- ``ingest``: index the demo catalogue into a fresh collection with real embeddings; parts: dense embedding,
  sparse (BM25) encoding, engine writes, index build. Says what the dense model embeds (mean tokens per product).
- ``search``: the 250 judged Polish demo queries (distinct, so no cache helps) through ``CatalogSearch.search``;
  parts: one query embedding (uncached), one engine-only hybrid query with that vector, the rest.
- ``scale``: at each ``--sizes`` (synthetic catalogue): engine writes with sampled vectors, search end to end.
- ``turn``: the golden conversations through ``agent.run_turn`` in process; parts: masking, search, ranking,
  checks and storage.
- ``http``: ``salesagent serve`` on a copy of the data dir: start to ``/health`` and to ``/ready``, then 100
  sequential ``POST /chat`` (PL/EN, 10 customers x 10 turns); the part above the in-process turn is HTTP, auth,
  rate limits and the turn gate.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

PATHS = ("ingest", "search", "scale", "turn", "http")
PROFILE: Path | None = None
"""``--profile DIR``: the timed loops of 'search' and 'turn' also run under cProfile, top functions written there."""


def profiled(name: str, loop: Callable[[], Any]) -> Any:
    """Run ``loop`` once timed and return what it returns (the caller's figures); with ``--profile``, run it once
    more under cProfile and write the functions with the most cumulative and own time to ``PROFILE/<name>.txt``
    (what stands in the way)."""
    figures = loop()
    if PROFILE is None:
        return figures
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.runcall(loop)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    PROFILE.mkdir(parents=True, exist_ok=True)
    (PROFILE / f"{name}.txt").write_text(out.getvalue(), encoding="utf-8")
    return figures
PL_QUERIES = ROOT / "evals" / "data" / "search_pl" / "queries.csv"


def ms(values: list[float], q: float) -> float:
    """Return the ``q``-th percentile of ``values`` (seconds) in milliseconds."""
    return float(np.percentile(np.asarray(values) * 1000, q)) if values else float("nan")


class Timer:
    """Wraps callables and adds up their time by name (the parts of a path)."""

    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(list)

    def wrap(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.calls[name].append(time.perf_counter() - t0)
        return timed

    def total(self, name: str) -> float:
        return sum(self.calls.get(name, []))


def machine() -> dict[str, Any]:
    """Return what the figures depend on: CPU model and vector flags, cores, load, torch, commit."""
    model, flags = platform.processor() or "unknown", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    wanted = ("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "avx512_bf16", "amx_bf16", "neon")
    import torch

    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            check=False, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           check=False, capture_output=True, text=True).stdout.strip()
    return {"cpu": model, "flags": [f for f in wanted if f in flags], "cores": os.cpu_count(),
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "load_at_start": round(os.getloadavg()[0], 2), "commit": commit + ("+changes" if dirty else ""),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def _settings(data_dir: Path) -> Any:
    from core.config import Settings, apply_offline_env

    settings = Settings(data_dir=data_dir, llm_base_url=None, _env_file=None)  # type: ignore[call-arg]
    settings.ensure_dirs()
    apply_offline_env(settings)
    return settings


def bench_ingest_and_search(data_dir: Path, work: Path, paths: set[str]) -> dict[str, Any]:
    """Index the demo catalogue for real (ingest) and run the judged PL queries on it (search)."""
    from retrieval import build_catalog_search
    from retrieval.embeddings import load_embedder
    from retrieval.engine import QueryPlan
    from retrieval.evaluation import load_catalog_csv
    from retrieval.text import dense_text

    catalog_csv = data_dir / "demo" / "catalog.csv"
    if not catalog_csv.exists():
        raise SystemExit(f"no demo catalogue at {catalog_csv}: run `salesagent demo` (or pass --data-dir)")
    settings = _settings(work / "ingest").model_copy(update={"qdrant_collection": "bench_demo"})
    embedder = load_embedder(settings)
    docs = load_catalog_csv(catalog_csv)
    timer = Timer()
    search = build_catalog_search(settings, embedder=embedder)
    tokenizer = embedder._model.tokenizer
    fields = getattr(search, "dense_fields", "full")  # (older code: always the full text)
    texts = [dense_text(d, fields) if fields != "full" else dense_text(d) for d in docs]
    tokens = [len(tokenizer(t, truncation=True, max_length=embedder._model.max_seq_length)["input_ids"])
              for t in texts[:500]]
    out: dict[str, Any] = {}
    embedder.encode(texts[:32])  # model warm-up, not counted
    search.embedder.encode = timer.wrap("embedding", embedder.encode)  # type: ignore[method-assign]
    search.sparse.encode_documents = timer.wrap("sparse", search.sparse.encode_documents)  # type: ignore[method-assign]
    search.engine.upsert = timer.wrap("engine write", search.engine.upsert)  # type: ignore[method-assign]
    t0 = time.perf_counter()
    search.sync(docs)
    sync_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    search.build_index()
    index_s = time.perf_counter() - t1
    n = len(docs)
    if "ingest" in paths:
        out["ingest"] = {
            "products": n, "seconds": round(sync_s + index_s, 1), "products_per_s": round(n / (sync_s + index_s)),
            "embedded_text": f"dense_text={fields}",
            "mean_tokens": round(statistics.mean(tokens), 1), "max_seq_length": embedder._model.max_seq_length,
            "parts_s": {"embedding": round(timer.total("embedding"), 1), "sparse": round(timer.total("sparse"), 1),
                        "engine write": round(timer.total("engine write"), 1), "index build": round(index_s, 1),
                        "rest": round(sync_s - timer.total("embedding") - timer.total("sparse")
                                      - timer.total("engine write"), 1)},
            "embedding_products_per_s": round(n / max(timer.total("embedding"), 1e-9)),
        }
    search.embedder.encode = embedder.encode  # type: ignore[method-assign]
    if "search" in paths:
        with PL_QUERIES.open(encoding="utf-8") as f:
            queries = [row["query"] for row in csv.DictReader(f)]
        for q in queries[:10]:  # warm-up (morphology, caches of the engine), then a fresh embedding cache
            search.search(q, k=10)
        embedder._recent.clear()
        emb: list[float] = []
        eng: list[float] = []

        def run_queries() -> list[float]:
            embedder._recent.clear()
            lat = []
            for q in queries:
                t = time.perf_counter()
                search.search(q, k=10)
                lat.append(time.perf_counter() - t)
            return lat

        e2e = profiled("search", run_queries)
        embedder._recent.clear()
        for q in queries:
            t = time.perf_counter()
            qvec = embedder.encode_one(q)
            emb.append(time.perf_counter() - t)
            plan = QueryPlan("hybrid", qvec, search.sparse.encode_query(q), limit=10, prefetch_limit=20,
                             rrf_k=60, weights=(0.7, 1.0))
            t = time.perf_counter()
            search.engine.query(plan)
            eng.append(time.perf_counter() - t)
        parts = statistics.median(emb) + statistics.median(eng)
        out["search"] = {"queries": len(queries), "p50_ms": round(ms(e2e, 50), 1), "p95_ms": round(ms(e2e, 95), 1),
                         "embedding_p50_ms": round(ms(emb, 50), 1), "engine_hybrid_p50_ms": round(ms(eng, 50), 1),
                         "ratio_to_parts": round(statistics.median(e2e) / parts, 2)}
    search.close()
    return out


def bench_scale(work: Path, sizes: list[int]) -> list[dict[str, Any]]:
    """Engine writes and search at ``sizes`` synthetic products, dense vectors sampled (see bench_search.py)."""
    from bench_search import QUERIES, SampleEmbedder

    from retrieval import build_catalog_search
    from retrieval.embeddings import load_embedder
    from retrieval.synthetic import synthetic_catalog
    from retrieval.text import dense_text

    rows = []
    settings = _settings(work / "scale")
    real = load_embedder(settings)
    docs_all = synthetic_catalog(max(sizes), seed=3)
    emb = SampleEmbedder(real, [dense_text(d) for d in docs_all[:500]])
    for n in sizes:
        s = settings.model_copy(update={"qdrant_collection": f"bench_scale_{n}"})
        search = build_catalog_search(s, embedder=emb)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        search.sync(docs_all[:n])
        write_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        search.build_index()
        index_s = time.perf_counter() - t1
        lat = []
        for i in range(200):
            q = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            search.search(q, k=10)
            lat.append(time.perf_counter() - t)
        rows.append({"products": n, "engine_write_products_per_s": round(n / write_s), "index_build_s":
                     round(index_s, 1), "search_p50_ms": round(ms(lat, 50), 1), "search_p95_ms": round(ms(lat, 95), 1)})
        search.engine.drop()
        search.close()
    return rows


def bench_turn(data_dir: Path, work: Path, rounds: int) -> dict[str, Any]:
    """The golden conversations through ``run_turn`` (rule planner) on a copy of the demo data."""
    import uuid

    import agent._answer as answer_mod
    import agent.loop as loop_mod
    from agent import run_turn
    from salesagent.wiring import build_resources
    from store.db import make_engine

    copy = _copy_data_dir(data_dir, work / "turn")
    settings = _settings(copy)
    engine = make_engine(settings)
    t0 = time.perf_counter()
    res = build_resources(settings, engine=engine)
    build_s = time.perf_counter() - t0
    timer = Timer()
    res.masker.mask = timer.wrap("masking", res.masker.mask)  # type: ignore[method-assign]
    res.catalog.search = timer.wrap("search", res.catalog.search)  # type: ignore[method-assign]
    for name in ("recommend_for_customer", "bought_together", "similar_products", "segment_bestsellers"):
        setattr(res.recommender, name, timer.wrap("ranking", getattr(res.recommender, name)))
    answer_mod.guard_output = timer.wrap("output checks", answer_mod.guard_output)
    loop_mod.finish = timer.wrap("checks + storage", loop_mod.finish)
    plan = golden_plan(engine)
    run_turn(res, company_id=plan[0][0], contact_id=plan[0][1], conversation_id=str(uuid.uuid4()),
             message=plan[0][2][0])

    def run_turns() -> tuple[list[float], dict[str, list[float]]]:
        timer.calls.clear()
        turns: list[float] = []
        for _ in range(rounds):
            for company_id, contact_id, messages in plan:
                conv = str(uuid.uuid4())
                for message in messages:
                    t = time.perf_counter()
                    run_turn(res, company_id=company_id, contact_id=contact_id, conversation_id=conv,
                             message=message)
                    turns.append(time.perf_counter() - t)
        return turns, {k: list(v) for k, v in timer.calls.items()}

    turns, calls = profiled("turn", run_turns)
    res.close()
    engine.dispose()
    n = len(turns)
    return {"turns": n, "resources_build_s": round(build_s, 1), "p50_ms": round(ms(turns, 50), 1),
            "p95_ms": round(ms(turns, 95), 1), "max_ms": round(ms(turns, 100), 1),
            "parts_ms_per_turn": {k: round(1000 * sum(v) / n, 1) for k, v in
                                  sorted(calls.items(), key=lambda kv: -sum(kv[1]))}}


def golden_plan(engine: Any) -> list[tuple[int, int | None, list[str]]]:
    """Return the golden conversations as (company id, contact id, messages) on the demo data of ``engine``."""
    from sqlmodel import Session

    from evals.golden.runner import World, _fill, load_cases

    with Session(engine) as s:
        world = World(s)
        plan = []
        for case in load_cases():
            company = world.company(case.company)
            contact = world.contact(company)
            plan.append((company.id, contact.id if contact else None,
                         [_fill(t, world, contact, None) for t in case.turns]))
    return plan


def _copy_data_dir(data_dir: Path, dest: Path) -> Path:
    """Copy the demo data dir (database, index, models) so a benchmark never takes the original's index lock."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(data_dir, dest, ignore=shutil.ignore_patterns(".lock", "*.log"))
    return dest


def bench_http(data_dir: Path, work: Path) -> dict[str, Any]:
    """``salesagent serve`` on a copy of the data dir: start-up to /health and /ready, then 100 chat turns."""
    import httpx
    from load_chat import _free_port, percentile, prepare, session_loop, start_server

    copy = _copy_data_dir(data_dir, work / "http")
    tokens = prepare(copy, 10, 42)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # the limiter stays on the path, with limits no benchmark reaches (one address sends every request)
    os.environ.update(SALESAGENT_RATE_LIMIT_CHAT_PER_IP="100000/minute",
                      SALESAGENT_RATE_LIMIT_CHAT_PER_TOKEN="100000/minute",
                      SALESAGENT_RATE_LIMIT_PRICE_REQUESTS_PER_TOKEN="100000/hour",
                      SALESAGENT_RATE_LIMIT_PRICE_REQUESTS_PER_IP="100000/hour")
    started = time.perf_counter()
    server = start_server(copy, port)
    health_s = ready_s = None
    try:
        while ready_s is None:
            if server.poll() is not None:
                raise SystemExit(f"the portal exited with code {server.returncode} before it was ready")
            try:
                if health_s is None and httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    health_s = time.perf_counter() - started
                if health_s is not None and httpx.get(f"{url}/ready", timeout=30).status_code == 200:
                    ready_s = time.perf_counter() - started
            except httpx.TransportError:
                pass
            if time.perf_counter() - started > 600:
                raise SystemExit("the portal did not become ready in 10 minutes")
            time.sleep(0.05)

        async def run() -> tuple[list[float], dict[int, int]]:
            from collections import Counter

            latencies: list[float] = []
            codes: Counter[int] = Counter()
            async with httpx.AsyncClient(base_url=url, timeout=120) as client:
                await session_loop(client, tokens[0], 1, 0, [], Counter())  # warm-up, not counted
                for i, token in enumerate(tokens):  # one customer after another: latency, not throughput
                    await session_loop(client, token, 10, i, latencies, codes)
            return latencies, dict(codes)

        latencies, codes = asyncio.run(run())
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {"start_to_health_s": round(health_s or float("nan"), 1), "start_to_ready_s": round(ready_s, 1),
            "requests": len(latencies), "status_codes": codes, "p50_ms": round(ms(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95) * 1000, 1), "max_ms": round(max(latencies) * 1000, 1)}


def table(result: dict[str, Any]) -> str:
    """Render the results as the Markdown table the closing notes carry."""
    m = result["machine"]
    head = (f"Machine: {m['cpu']}, {m['cores']} cores, flags {' '.join(m['flags']) or '-'}; torch {m['torch']} "
            f"({m['torch_threads']} threads); load {m['load_at_start']} at start; commit {m['commit']}; {m['date']}")
    lines = [head,
             "", "| path | measured | its parts (same run) | goal |", "|---|---|---|---|"]
    if "ingest" in result:
        r = result["ingest"]
        parts = ", ".join(f"{k} {v} s" for k, v in r["parts_s"].items())
        lines.append(f"| ingestion, {r['products']} demo products, real embeddings | {r['products_per_s']} products/s "
                     f"({r['seconds']} s) | {parts}; embedder alone {r['embedding_products_per_s']} products/s on "
                     f"{r['mean_tokens']} tokens/product | ≥ 400 products/s |")
    if "search" in result:
        r = result["search"]
        lines.append(f"| search end to end, {r['queries']} distinct judged PL queries, demo | p50 {r['p50_ms']} ms, "
                     f"p95 {r['p95_ms']} ms | one query embedding p50 {r['embedding_p50_ms']} ms; engine-only hybrid "
                     f"p50 {r['engine_hybrid_p50_ms']} ms; p50 / (embedding + engine) = {r['ratio_to_parts']} "
                     f"| ≤ 1.3 × parts |")
    for r in result.get("scale", []):
        lines.append(f"| search at {r['products']:,} synthetic products | p50 {r['search_p50_ms']} ms, p95 "
                     f"{r['search_p95_ms']} ms | engine writes {r['engine_write_products_per_s']} products/s, index "
                     f"build {r['index_build_s']} s (vectors sampled) | — |")
    if "turn" in result:
        r = result["turn"]
        parts = ", ".join(f"{k} {v}" for k, v in r["parts_ms_per_turn"].items())
        lines.append(f"| planner turn in process, {r['turns']} golden turns | p50 {r['p50_ms']} ms, p95 {r['p95_ms']} "
                     f"ms, max {r['max_ms']} ms | ms per turn: {parts} | p95 ≤ 60 ms |")
    if "http" in result:
        r = result["http"]
        lines.append(f"| `POST /chat` over HTTP, {r['requests']} sequential PL/EN turns | p50 {r['p50_ms']} ms, p95 "
                     f"{r['p95_ms']} ms, max {r['max_ms']} ms | status {r['status_codes']} | p95 ≤ 60 ms |")
        lines.append(f"| `salesagent serve` start-up | /health {r['start_to_health_s']} s, /ready "
                     f"{r['start_to_ready_s']} s | — | /health ≤ 5 s, /ready honest |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=Path(os.environ.get("SALESAGENT_DATA_DIR", "var")),
                    help="a data dir with the demo loaded, indexed and trained (`salesagent demo`); copied, "
                         "never written")
    ap.add_argument("--sizes", type=int, nargs="*", default=[50000], help="synthetic catalogue sizes ('scale')")
    ap.add_argument("--only", nargs="+", choices=PATHS, default=list(PATHS), help="run only these paths")
    ap.add_argument("--rounds", type=int, default=1, help="passes over the golden conversations ('turn')")
    ap.add_argument("--out", type=Path, default=Path("var/bench"), help="folder for table.md and results.json")
    ap.add_argument("--profile", type=Path, help="also profile 'search' and 'turn' (cProfile) into this folder")
    args = ap.parse_args()
    global PROFILE
    PROFILE = args.profile
    data_dir = args.data_dir.resolve()
    if not (data_dir / "salesagent.db").exists():
        raise SystemExit(f"no demo database in {data_dir}: run `salesagent demo` first or pass --data-dir")
    paths = set(args.only)
    result: dict[str, Any] = {"machine": machine()}
    print(f"bench: {', '.join(p for p in PATHS if p in paths)} on {data_dir} [{result['machine']['cpu']}]",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_all_") as tmp:
        work = Path(tmp)
        if paths & {"ingest", "search"}:
            result.update(bench_ingest_and_search(data_dir, work, paths))
            print(f"  ingest/search done [load {os.getloadavg()[0]:.1f}]", flush=True)
        if "scale" in paths and args.sizes:
            result["scale"] = bench_scale(work, args.sizes)
            print(f"  scale done [load {os.getloadavg()[0]:.1f}]", flush=True)
        if "turn" in paths:
            result["turn"] = bench_turn(data_dir, work, args.rounds)
            print(f"  turn done [load {os.getloadavg()[0]:.1f}]", flush=True)
        if "http" in paths:
            result["http"] = bench_http(data_dir, work)
            print(f"  http done [load {os.getloadavg()[0]:.1f}]", flush=True)
    result["machine"]["load_at_end"] = round(os.getloadavg()[0], 2)
    text = table(result)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "table.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("\n" + text + f"\n\nwritten: {args.out / 'table.md'}, {args.out / 'results.json'}")


if __name__ == "__main__":
    main()
