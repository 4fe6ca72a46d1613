"""The event schema: the columns of an event file and of the typed frame every KPI reads (docs/measurement.md).

A typed frame has the :data:`COLUMNS` plus ``segment`` and ``source``: ``ts`` is ``datetime64[ns, UTC]``,
``position`` and ``revenue`` floats (NaN when absent), ``event_id`` an Arrow string, every other text column a
pandas categorical (fast filters and groupbys on a million rows); ``type`` and ``variant`` have fixed categories.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TYPES = ("impression", "click", "add_to_cart", "order")
VARIANTS = ("treatment", "control", "outside")
COLUMNS = ("event_id", "ts", "session_id", "company", "type", "sku", "rec_request_id", "position", "surface",
           "revenue", "currency", "variant")
EXTRA_COLUMNS = ("segment", "source")
REQUIRED = ("event_id", "ts", "session_id", "company", "type")
MAX_LEN = {"event_id": 64, "session_id": 64, "company": 64, "sku": 64, "rec_request_id": 64, "surface": 32,
           "segment": 64, "source": 32}
"""The longest value each text column may hold (the database's column widths)."""
SYNTHETIC_SOURCES = ("demo", "synthetic")
CATEGORIES = {"type": TYPES, "variant": VARIANTS}
TEXT_COLUMNS = ("event_id",)
"""Kept as Arrow strings; every other text column becomes a pandas categorical (fast filters and groupbys)."""


def frame_of(data: dict[str, Any]) -> pd.DataFrame:
    """Return the typed event frame of column arrays (Arrow or numpy/pandas): ``ts`` UTC, ``position`` and
    ``revenue`` float, ``event_id`` a string, the other text columns categoricals (``type`` and ``variant``
    with their fixed categories)."""
    out: dict[str, Any] = {}
    for c in (*COLUMNS, *EXTRA_COLUMNS):
        v = data[c]
        if c == "ts":
            out[c] = pd.Series(v.to_pandas() if isinstance(v, pa.Array | pa.ChunkedArray) else v).dt.tz_convert(
                "UTC") if len(v) else pd.Series([], dtype="datetime64[ns, UTC]")
        elif c in ("position", "revenue"):
            out[c] = pd.Series(np.asarray(v.to_numpy(zero_copy_only=False) if isinstance(v, pa.Array) else v,
                                          dtype=np.float64))
        elif c in TEXT_COLUMNS:
            arr = v if isinstance(v, pa.Array) else pa.array(list(v), type=pa.string(), from_pandas=True)
            out[c] = pd.Series(pd.arrays.ArrowStringArray(arr) if len(arr) else pd.array([], dtype="string"))
        else:
            arr = v if isinstance(v, pa.Array) else pa.array(list(v), type=pa.string(), from_pandas=True)
            cat = pd.Series(pc.dictionary_encode(arr).to_pandas() if len(arr) else pd.Categorical([]))
            if c in CATEGORIES:
                cat = cat.astype(pd.CategoricalDtype(list(CATEGORIES[c])))
            out[c] = cat
    return pd.DataFrame(out)


def empty_events() -> pd.DataFrame:
    """Return an empty, typed event frame."""
    return frame_of({c: pa.array([], type=pa.string()) for c in (*COLUMNS, *EXTRA_COLUMNS)}
                    | {"ts": pa.array([], type=pa.timestamp("ns", tz="UTC")),
                       "position": pa.array([], type=pa.float64()), "revenue": pa.array([], type=pa.float64())})


def from_rows(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Return a typed event frame from stored rows (the database's, already valid)."""
    if not rows:
        return empty_events()
    cols = list(zip(*rows, strict=True))
    data: dict[str, Any] = {c: pa.nulls(len(rows), pa.string()) for c in (*COLUMNS, *EXTRA_COLUMNS)}
    for name, values in zip(columns, cols, strict=True):
        if name == "ts":
            data[name] = pd.to_datetime(pd.Series(values), utc=True)
        elif name in ("position", "revenue"):
            data[name] = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
        elif name in data:
            data[name] = pa.array([None if v is None else str(getattr(v, "value", v)) for v in values],
                                  type=pa.string())
    return frame_of(data)
