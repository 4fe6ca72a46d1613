"""``salesagent import events FILE``: an event file into the store's measurement log, idempotent by
``event_id``. The file is read and checked whole first (the same checks as ``kpi report --events``, plus: the
company and the SKU must exist in the store), then the new events are written in one transaction; an id the
log already holds is counted, not written again."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from measurement.eventlog import BadRows, read_events
from measurement.schema import SYNTHETIC_SOURCES
from store import catalog
from store import measurement as store
from store.db import session_scope


@dataclass
class EventImportReport:
    """What an import did: rows read, events written, ids already in the log, and bad rows by reason."""

    path: str
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def skipped_total(self) -> int:
        """Number of rows left out as bad."""
        return sum(self.skipped.values())

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"path": self.path, "rows": self.rows, "imported": self.imported,
                "already_present": self.already_present, "skipped": self.skipped,
                "skipped_total": self.skipped_total, "examples": self.examples, "seconds": self.seconds}


def _unknown(events: pd.DataFrame, bad: BadRows, reason: str, mask: np.ndarray, detail: str) -> pd.DataFrame:
    if mask.any():
        ids = events.loc[mask, "event_id"].head(5)
        bad.add(reason, [f"event {i}: {detail}" for i in ids], int(mask.sum()))
    return events[~mask]


def import_events(engine: Engine, path: Path, *, fmt: str | None = None) -> EventImportReport:
    """Import an event file into the measurement log; return the counts."""
    started = time.perf_counter()
    log = read_events(path, fmt)
    events, bad = log.events, log.bad
    with session_scope(engine) as session:
        known = store.known_companies(session, keys=events["company"].unique().tolist())
        events = _unknown(events, bad, "unknown_company", ~events["company"].isin(list(known)).to_numpy(),
                          "no company with this external id")
        skus = catalog.existing_skus(session, skus=events["sku"].dropna().unique().tolist())
        events = _unknown(events, bad, "unknown_sku",
                          (events["sku"].notna() & ~events["sku"].isin(list(skus))).to_numpy(dtype=bool),
                          "no product with this sku")
        present = store.existing_event_ids(session, event_ids=events["event_id"].tolist())
        new = events[~events["event_id"].isin(list(present))]
        imported = store.add_events(session, rows=_rows(new), source="import")
    return EventImportReport(path=str(path), rows=log.rows, imported=imported,
                             already_present=int(events["event_id"].isin(list(present)).sum()),
                             skipped=dict(bad.counts.most_common()), examples=bad.examples,
                             seconds=round(time.perf_counter() - started, 2))


def _rows(events: pd.DataFrame) -> list[dict[str, Any]]:
    """Return the frame's events as plain dicts for the store (NA as None, times as Python datetimes)."""
    frame = events[list(store.EVENT_FIELDS)].astype(object)
    frame = frame.where(frame.notna(), None)
    out = frame.to_dict("records")
    for row, ts in zip(out, events["ts"].dt.to_pydatetime(), strict=True):
        row["ts"] = ts
        if row["position"] is not None:
            row["position"] = int(row["position"])
        if row["revenue"] is not None:
            row["revenue"] = round(float(row["revenue"]), 2)
        row["source"] = row["source"] if row["source"] in SYNTHETIC_SOURCES else "import"
    return out
