"""Event logs with a known truth, written by the tests (independent of the demo's behaviour simulation).

Each company gets ``sessions_per_company`` sessions; each session shows a list of three items on the widget and
converts (one order) with its company's probability: the arm's rate, or a Beta draw around it when
``concentration`` is given (companies differ, as real ones do). Revenue per order is Gamma(2, 100): 200 on
average, so the true revenue per session is 200 times the conversion rate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from store.measurement import hash_arm

COLUMNS = ["event_id", "ts", "session_id", "company", "type", "sku", "rec_request_id", "position", "surface",
           "revenue", "currency", "variant"]
REVENUE_MEAN = 200.0


def simulate(seed: int, *, companies: int, sessions_per_company: int, p_treatment: float, p_control: float,
             arm: Callable[[str], str] | None = None, concentration: float | None = None,
             write_variant: bool = True) -> pd.DataFrame:
    """Return an event log (the file's columns as text) with the given true conversion rates.

    ``arm(company) -> "treatment" | "control"`` assigns the companies (default: the default salt, 10 %
    control); ``write_variant=False`` leaves the variant column empty, as a shop's export would."""
    rng = np.random.default_rng(seed)
    keys = np.array([f"T{seed}-C{i:05d}" for i in range(companies)])
    assign = arm or (lambda k: hash_arm(k, salt="salesagent-recs", control_share=0.10))
    arms = np.array([assign(k) for k in keys])
    rate = np.where(arms == "treatment", p_treatment, p_control)
    if concentration:
        rate = rng.beta(rate * concentration, (1 - rate) * concentration)
    n = companies * sessions_per_company
    company = np.repeat(np.arange(companies), sessions_per_company)
    start = pd.Timestamp("2026-10-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 28 * 86400, n), unit="s")
    converted = rng.random(n) < rate[company]
    session = np.array([f"S{seed}-{i:06d}" for i in range(n)])
    skus = rng.integers(0, 300, (n, 3))
    frames = []
    for pos in range(3):
        frames.append(pd.DataFrame({"session": np.arange(n), "ts": start, "type": "impression",
                                    "sku": skus[:, pos], "position": pos + 1}))
    orders = np.flatnonzero(converted)
    frames.append(pd.DataFrame({"session": orders, "ts": start[orders] + pd.Timedelta(minutes=5), "type": "order",
                                "sku": skus[orders, 0], "position": 0}))
    log = pd.concat(frames, ignore_index=True)
    s = log["session"].to_numpy()
    is_imp = (log["type"] == "impression").to_numpy()
    out = pd.DataFrame({
        "event_id": [f"E{seed}-{i}" for i in range(len(log))],
        "ts": log["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "session_id": session[s], "company": keys[company[s]], "type": log["type"],
        "sku": [f"SKU-{k}" for k in log["sku"]],
        "rec_request_id": np.where(is_imp, np.char.add("R", session[s]), ""),
        "position": np.where(is_imp, log["position"].astype(str), ""),
        "surface": np.where(is_imp, "widget", ""),
        "revenue": np.where(is_imp, "", np.round(rng.gamma(2.0, REVENUE_MEAN / 2, len(log)), 2).astype(str)),
        "currency": np.where(is_imp, "", "PLN"),
        "variant": arms[company[s]] if write_variant else "",
    })
    return out[COLUMNS]


def write(frame: pd.DataFrame, path: Path) -> Path:
    """Write a log as a CSV event file (gzip when the name ends in .gz)."""
    frame.to_csv(path, index=False, compression="gzip" if path.suffix == ".gz" else None)
    return path
