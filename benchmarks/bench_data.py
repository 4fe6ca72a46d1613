"""Time the data layer: demo generate+load and the Online Retail import, each into a fresh SQLite database.

Usage:
    .venv/bin/python benchmarks/bench_data.py [--repeat 3] [--orders PATH]

Prints one line per run and the median. Numbers depend on the machine's load; see docs/data.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.config import Settings
from store.db import make_engine
from store.migrate import upgrade_head

DEFAULT_ORDERS = REPO.parent / "shared" / "data" / "online_retail" / "online_retail_2010-12_to_2011-09.csv.gz"


def _fresh(tmp: Path, name: str):  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp / name, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings)
    upgrade_head(engine)
    return settings, engine


def bench_demo(tmp: Path, run: int) -> float:
    from store.demo import generate_demo

    settings, engine = _fresh(tmp, f"demo{run}")
    started = time.perf_counter()
    report = generate_demo(settings, engine, seed=42)
    seconds = time.perf_counter() - started
    print(f"demo generate+load   run {run}: {seconds:6.2f} s  ({report.products:,} products, {report.companies:,} "
          f"companies, {report.orders:,} orders, {report.order_lines:,} lines, {report.events:,} events)")
    engine.dispose()
    return seconds


def bench_orders(tmp: Path, run: int, path: Path) -> float:
    from store.importers import import_online_retail

    _, engine = _fresh(tmp, f"orders{run}")
    started = time.perf_counter()
    report = import_online_retail(engine, path)
    seconds = time.perf_counter() - started
    print(f"online-retail import run {run}: {seconds:6.2f} s  ({report.rows:,} rows, {report.orders:,} orders, "
          f"{report.lines:,} lines, {report.customers:,} customers, {report.products:,} products, "
          f"skipped {dict(report.skipped)})")
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--orders", type=Path, default=DEFAULT_ORDERS)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        demo = [bench_demo(Path(tmp), i + 1) for i in range(args.repeat)]
        orders = ([bench_orders(Path(tmp), i + 1, args.orders) for i in range(args.repeat)]
                  if args.orders.exists() else [])
    print(f"median demo generate+load: {statistics.median(demo):.2f} s")
    if orders:
        print(f"median online-retail import: {statistics.median(orders):.2f} s")
    else:
        print(f"online-retail file not found at {args.orders}; import not timed")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
