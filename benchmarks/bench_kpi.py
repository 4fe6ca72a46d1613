"""KPI report benchmark: ``salesagent kpi report --events`` on a 1,000,000-event log (acceptance: <= 10 s on 2
cores).

Writes a synthetic event file (100,000 sessions of 20,000 companies over 90 days, 5,000 SKUs: one list of six
impressions per session, then four events each a click (50 %), an add-to-cart (20 %), an order (10 %) or another
impression; actions are on items the session was shown) and a catalogue file into a temp dir, then times the
real command end to end (a fresh process: interpreter start, imports, reading, validation, attribution, KPIs,
writing) for ``.json`` and ``.html`` output, wall time and the process's CPU time (user + system: what the run
costs regardless of the other jobs sharing the cores), and once in-process per stage. Single runs on a shared
machine: the load average is printed next to the figures.

Run: ``.venv/bin/python benchmarks/bench_kpi.py [--events 1000000] [--repeat 3] [--gzip]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def write_log(path: Path, n_events: int, seed: int = 18) -> int:
    """Write a synthetic event log of about ``n_events`` rows (vectorised); return the number of rows."""
    rng = np.random.default_rng(seed)
    sessions = n_events // 10
    companies = rng.integers(0, 20_000, sessions)
    start = pd.Timestamp("2026-09-01", tz="UTC").value + rng.integers(0, 90 * 86400, sessions) * 10**9
    shown = rng.integers(0, 5_000, (sessions, 6))
    s_idx = np.repeat(np.arange(sessions), 6)
    pos = np.tile(np.arange(1, 7), sessions)
    imp = pd.DataFrame({"s": s_idx, "ts": np.repeat(start, 6), "type": "impression",
                        "sku": shown.reshape(-1), "position": pos})
    a_idx = np.repeat(np.arange(sessions), 4)
    roll = rng.random(a_idx.size)
    kind = np.select([roll < 0.5, roll < 0.7, roll < 0.8], ["click", "add_to_cart", "order"], "impression")
    act = pd.DataFrame({"s": a_idx, "ts": start[a_idx] + rng.integers(1, 3600, a_idx.size) * 10**9, "type": kind,
                        "sku": shown[a_idx, rng.integers(0, 6, a_idx.size)],
                        "position": np.where(kind == "impression", 7, 0)})
    log = pd.concat([imp, act], ignore_index=True)
    n = len(log)
    is_imp, is_order = (log["type"] == "impression").to_numpy(), (log["type"] == "order").to_numpy()
    surface = np.where(log["s"].to_numpy() % 3 == 0, "chat", "widget")
    frame = pd.DataFrame({
        "event_id": np.char.add("e", np.arange(n).astype(str)),
        "ts": pd.to_datetime(log["ts"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "session_id": np.char.add("s", log["s"].to_numpy().astype(str)),
        "company": np.char.add("C", companies[log["s"].to_numpy()].astype(str)),
        "type": log["type"],
        "sku": np.char.add("SKU-", log["sku"].to_numpy().astype(str)),
        "rec_request_id": np.where(is_imp, np.char.add("r", log["s"].to_numpy().astype(str)), ""),
        "position": np.where(is_imp, log["position"].astype(str), ""),
        "surface": np.where(is_imp, surface, ""),
        "revenue": np.where(is_order, np.round(rng.gamma(2.0, 150.0, n), 2).astype(str), ""),
        "currency": np.where(is_order, "PLN", ""),
        "variant": "",
    })
    frame.to_csv(path, index=False, compression="gzip" if path.suffix == ".gz" else None)
    return n


def write_catalog(path: Path) -> None:
    pd.DataFrame({"sku": [f"SKU-{i}" for i in range(5_500)], "name": "x",
                  "active": ["true"] * 5_000 + ["false"] * 500}).to_csv(path, index=False)


def run_cli(events: Path, catalog: Path, out: Path) -> tuple[float, float]:
    """Return (wall seconds, CPU seconds user + system) of one ``salesagent kpi report`` process."""
    cmd = [str(REPO / ".venv" / "bin" / "salesagent"), "kpi", "report", "--events", str(events), "--catalog",
           str(catalog), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=os.environ | {"SALESAGENT_DATA_DIR":
                                                                                    str(out.parent / "var")})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def stages(events: Path, catalog: Path) -> None:
    from measurement.attribution import attribute
    from measurement.eventlog import read_catalog_skus, read_events
    from measurement.experiment import Split
    from measurement.kpi import KpiOptions, compute
    from measurement.report import render_html
    from measurement.source import fill_variants

    t0 = time.perf_counter()
    log = read_events(events)
    t1 = time.perf_counter()
    frame = fill_variants(log.events, [Split()])
    t2 = time.perf_counter()
    attribute(frame)
    t3 = time.perf_counter()
    report = compute(frame, KpiOptions(catalog_skus=read_catalog_skus(catalog)), rows_read=log.rows, bad=log.bad)
    t4 = time.perf_counter()
    render_html(report)
    t5 = time.perf_counter()
    print(f"  in-process stages: read+validate {t1 - t0:.2f} s, variants {t2 - t1:.2f} s, attribution alone "
          f"{t3 - t2:.2f} s, all KPIs (attribution included) {t4 - t3:.2f} s, HTML with plots {t5 - t4:.2f} s")
    print(f"  {report.sessions.treatment:,} treatment / {report.sessions.control:,} control sessions, "
          f"{report.attribution.clicks:,} attributed clicks, SRM p={report.srm.p_value}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gzip", action="store_true", help="write the log gzipped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / ("events.csv.gz" if args.gzip else "events.csv")
        catalog = Path(tmp) / "catalog.csv"
        t0 = time.perf_counter()
        n = write_log(events, args.events)
        write_catalog(catalog)
        print(f"cores: {os.cpu_count()}; wrote {n:,} events ({events.stat().st_size / 1e6:.0f} MB, "
              f"{events.name}) in {time.perf_counter() - t0:.1f} s")
        for suffix in (".json", ".html"):
            times, cpus = [], []
            for _ in range(args.repeat):
                load = os.getloadavg()[0]
                wall, cpu = run_cli(events, catalog, Path(tmp) / f"report{suffix}")
                times.append(wall)
                cpus.append(cpu)
                print(f"  salesagent kpi report --events ... --out report{suffix}: {wall:.2f} s wall, {cpu:.2f} s "
                      f"CPU (load average {load:.2f})")
            print(f"{suffix}: median {statistics.median(times):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
                  f"over {len(times)} runs")
        stages(events, catalog)
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
