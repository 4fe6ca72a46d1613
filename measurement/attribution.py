"""The attribution rule, as pure functions over an event frame (``measurement.eventlog``).

A click, add-to-cart or order is attributed to the impression that preceded it: same company, same SKU, shown
at most ``window`` earlier (default 7 days, both ends included: shown at the same instant counts, exactly 7 days
later counts, a moment more does not); when several impressions qualify the latest wins (last touch). An event
no impression qualifies for is unattributed (organic). An order without a SKU is never attributed. The
``rec_request_id`` an event may carry is kept as data but does not override the rule, so every surface (chat,
widget, e-mail) is judged alike.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

DEFAULT_WINDOW = timedelta(days=7)
ATTRIBUTABLE = ("click", "add_to_cart", "order")
IMPRESSION_FIELDS = ("event_id", "ts", "rec_request_id", "surface", "position", "variant")
"""What an attributed event learns of its impression, as columns ``imp_<field>``."""


def attribute(events: pd.DataFrame, window: timedelta = DEFAULT_WINDOW) -> pd.DataFrame:
    """Return the click, add_to_cart and order events of ``events`` (all columns, in time order) with the
    impression each is attributed to as ``imp_event_id``, ``imp_ts``, ``imp_rec_request_id``, ``imp_surface``,
    ``imp_position`` and ``imp_variant`` (NA when unattributed) and ``imp_row`` (the impression's row in
    ``events``, -1 when unattributed)."""
    if window < timedelta(0):
        raise ValueError("the attribution window cannot be negative")
    kind, sku, company = events["type"], events["sku"], events["company"]
    is_act = kind.isin(ATTRIBUTABLE).to_numpy()
    is_imp = ((kind == "impression") & sku.notna()).to_numpy()
    key = _pair_codes(company, sku)
    t = events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    act_rows, imp_rows = np.flatnonzero(is_act), np.flatnonzero(is_imp)
    left = pd.DataFrame({"_t": t[act_rows], "_key": key[act_rows], "_row": act_rows})
    right = pd.DataFrame({"_t": t[imp_rows], "_key": key[imp_rows], "imp_row": imp_rows})
    left = left.sort_values(["_t", "_row"], kind="mergesort")
    right = right.sort_values(["_t", "imp_row"], kind="mergesort")
    merged = pd.merge_asof(left, right, on="_t", by="_key", direction="backward",
                           tolerance=int(window.total_seconds() * 1e9), allow_exact_matches=True)
    matched = merged["imp_row"].to_numpy(dtype=np.float64).copy()
    matched[merged["_key"].to_numpy() < 0] = np.nan
    imp_row = np.where(np.isnan(matched), -1, matched).astype(np.int64)
    out = events.iloc[merged["_row"].to_numpy()].reset_index(drop=True)
    hit = imp_row >= 0
    for field in IMPRESSION_FIELDS:
        column = events[field]
        values = column.iloc[np.where(hit, imp_row, 0)].reset_index(drop=True) if len(column) else column
        out[f"imp_{field}"] = values.where(pd.Series(hit)) if len(out) else values.iloc[:0]
    out["imp_row"] = imp_row
    return out


def _pair_codes(company: pd.Series, sku: pd.Series) -> np.ndarray:
    """Return one int64 code per (company, sku) pair, -1 where either is missing."""
    c = company.astype("category").cat.codes.to_numpy(dtype=np.int64)
    s = sku.astype("category").cat.codes.to_numpy(dtype=np.int64)
    key = c * (int(s.max(initial=0)) + 2) + s
    key[(c < 0) | (s < 0)] = -1
    return key


def attributed(actions: pd.DataFrame) -> pd.Series:
    """Return a boolean mask of the rows of :func:`attribute`'s result that an impression was credited with."""
    return pd.Series(actions["imp_row"].to_numpy() >= 0, index=actions.index)
