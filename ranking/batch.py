"""Batch recommendations for a list of customer ids from an Online Retail orders file (``eval recommend``)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from core.errors import InputError
from ranking.interactions import interactions_from_frame, read_online_retail_frame
from ranking.pipeline import PipelineConfig, RankingPipeline


def normalise_customer_id(raw: str) -> str:
    """Return a customer id as Online Retail spells it without the float suffix ("17850.0" -> "17850")."""
    s = raw.strip()
    return s.removesuffix(".0")


def read_customer_ids(spec: str) -> list[str]:
    """Return ids from a file (one per line, or a CSV whose first column is the id) or a comma-separated list."""
    path = Path(spec)
    if path.is_file():
        lines = [ln.split(",")[0] for ln in path.read_text().splitlines()]
        ids = [normalise_customer_id(x) for x in lines if x.strip()]
        if ids and not ids[0].replace(".", "").isdigit() and ids[0].lower() in ("customerid", "customer_id", "id"):
            ids = ids[1:]
    elif "," in spec or spec.strip().replace(".", "").isdigit():
        ids = [normalise_customer_id(x) for x in spec.split(",") if x.strip()]
    else:
        raise InputError(f"customers: {spec} is neither a file nor a comma-separated list of ids")
    if not ids:
        raise InputError(f"customers: no ids in {spec}")
    return ids


def recommend_file(orders: Path, customers: Iterable[str], k: int, out: Path,
                   config: PipelineConfig | None = None,
                   vectors: Callable[[pd.DataFrame], Mapping[str, np.ndarray]] | None = None) -> dict[str, int]:
    """Train the production pipeline on ``orders`` (with the catalogue vectors ``vectors(purchase lines)``
    returns, when given), write one JSON line per customer to ``out``; return counts. ``out`` appears whole or
    not at all (written beside it, then renamed)."""
    if k < 1:
        raise InputError(f"--k must be at least 1, got {k}")
    frame = read_online_retail_frame(orders)
    inter = interactions_from_frame(frame)
    pipe = RankingPipeline(config).fit(inter, vectors=vectors(frame) if vectors else None)
    written = cold = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        with open(partial, "w") as fh:
            for cid in customers:
                user = pipe.user_idx.get(cid)
                cold += user is None
                items = [str(pipe.items[b.item]) for b in pipe.recommend(user, k)]
                fh.write(json.dumps({"customer_id": cid, "items": items}) + "\n")
                written += 1
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return {"customers": written, "cold_start": cold, "items": inter.n_items}
