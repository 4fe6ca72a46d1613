"""Per-turn cost of the agent without the LLM call: masking, tools (search, ranking), checks and storage.

Runs the golden conversations' messages through ``agent.run_turn`` with the rule planner (no LLM configured)
on the demo data and prints p50/p95/max per turn plus the time spent in each stage.

    .venv/bin/python benchmarks/bench_agent.py                      # data dir from settings (salesagent demo)
    .venv/bin/python benchmarks/bench_agent.py --data-dir /tmp/demo/var --generate   # make the demo there first
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

STAGES: dict[str, list[float]] = defaultdict(list)


def timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            STAGES[name].append(time.perf_counter() - t0)
    return wrapper


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--generate", action="store_true", help="generate the demo data first (seed 42)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the messages")
    args = parser.parse_args()

    from core.config import Settings, apply_offline_env

    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}), llm_base_url=None)
    apply_offline_env(settings)

    import agent._answer as answer_mod
    import agent.loop as loop_mod
    from agent import run_turn
    from salesagent.wiring import build_resources
    from store.db import create_all, make_engine
    from store.demo import demo_loaded_seed, generate_demo

    engine = make_engine(settings)
    if args.generate:
        create_all(engine)
        generate_demo(settings, engine, seed=42)
    if demo_loaded_seed(engine) is None:
        raise SystemExit("no demo data: run `salesagent demo` or pass --generate")
    t0 = time.perf_counter()
    res = build_resources(settings, engine=engine)
    print(f"resources built in {time.perf_counter() - t0:.1f} s: {'; '.join(res.notes)}")
    from salesagent.wiring import _warm_up

    _warm_up(settings, res.catalog)  # what a server has done before /ready: measured turns share no core with it

    res.masker.mask = timed("mask (input)", res.masker.mask)
    res.catalog.search = timed("search_catalog", res.catalog.search)
    for name in ("recommend_for_customer", "bought_together", "similar_products", "segment_bestsellers"):
        setattr(res.recommender, name, timed(f"ranking.{name}", getattr(res.recommender, name)))
    answer_mod.guard_output = timed("output checks", answer_mod.guard_output)
    loop_mod.finish = timed("checks + storage (finish)", loop_mod.finish)

    from bench_all import golden_plan

    plan = golden_plan(engine)
    # warm-up (model loads, caches)
    run_turn(res, company_id=plan[0][0], contact_id=plan[0][1], conversation_id=str(uuid.uuid4()),
             message=plan[0][2][0])
    STAGES.clear()
    turns: list[float] = []
    for _ in range(args.rounds):
        for company_id, contact_id, messages in plan:
            conv = str(uuid.uuid4())
            for message in messages:
                t = time.perf_counter()
                run_turn(res, company_id=company_id, contact_id=contact_id, conversation_id=conv, message=message)
                turns.append(time.perf_counter() - t)
    res.close()
    ms = [1000 * t for t in turns]
    print(f"\nturns: {len(ms)} (rule planner, no LLM) on {settings.db_url}")
    print(f"per turn: p50 {statistics.median(ms):.1f} ms  p95 {pct(ms, 0.95):.1f} ms  max {max(ms):.1f} ms")
    print("\nstage                              calls   p50 ms   p95 ms   total s")
    for name, values in sorted(STAGES.items(), key=lambda kv: -sum(kv[1])):
        v = [1000 * x for x in values]
        print(f"{name:<34}{len(v):>6} {statistics.median(v):>8.1f} {pct(v, 0.95):>8.1f} {sum(values):>9.2f}")


if __name__ == "__main__":
    main()
