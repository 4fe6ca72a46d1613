"""The attribution rule at its edges: same company, same SKU, within the window (both ends included), last touch
wins (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from measurement.attribution import attribute
from measurement.eventlog import validate

T0 = pd.Timestamp("2026-11-02T10:00:00Z")


def _log(rows: list[tuple[str, pd.Timestamp, str, str, str, str]]) -> pd.DataFrame:
    """Rows of (event_id, ts, company, type, sku, surface)."""
    frame = pd.DataFrame([{"event_id": e, "ts": t.isoformat(), "session_id": "s", "company": c, "type": k,
                           "sku": s, "rec_request_id": "r" if k == "impression" else "",
                           "position": "1" if k == "impression" else "", "surface": surf if k == "impression" else "",
                           "revenue": "10" if k == "order" else "", "currency": ""}
                          for e, t, c, k, s, surf in rows])
    log = validate(frame)
    assert log.bad.total == 0, log.bad.examples
    return log.events


def _credit(actions: pd.DataFrame) -> dict[str, str | None]:
    return {str(e): (None if pd.isna(i) else str(i)) for e, i in zip(actions["event_id"], actions["imp_event_id"],
                                                                       strict=True)}


def test_window_edges_are_inclusive() -> None:
    week = timedelta(days=7)
    log = _log([("i1", T0, "C1", "impression", "A", "chat"),
                ("same_instant", T0, "C1", "click", "A", ""),
                ("exactly_7d", T0 + week, "C1", "click", "A", ""),
                ("7d_and_1s", T0 + week + timedelta(seconds=1), "C1", "order", "A", ""),
                ("before", T0 - timedelta(seconds=1), "C1", "click", "A", "")])
    assert _credit(attribute(log)) == {"before": None, "same_instant": "i1", "exactly_7d": "i1", "7d_and_1s": None}


def test_last_touch_wins_and_only_the_same_company_and_sku_count() -> None:
    log = _log([("chat", T0, "C1", "impression", "A", "chat"),
                ("widget", T0 + timedelta(days=2), "C1", "impression", "A", "widget"),
                ("other_sku", T0 + timedelta(days=3), "C1", "impression", "B", "chat"),
                ("other_company", T0 + timedelta(days=3), "C2", "impression", "A", "chat"),
                ("click", T0 + timedelta(days=4), "C1", "click", "A", ""),
                ("cart", T0 + timedelta(days=1), "C1", "add_to_cart", "A", ""),
                ("order_c2", T0 + timedelta(days=4), "C2", "order", "A", ""),
                ("order_c3", T0 + timedelta(days=4), "C3", "order", "A", "")])
    acts = attribute(log)
    assert _credit(acts) == {"cart": "chat", "click": "widget", "order_c2": "other_company", "order_c3": None}
    by_id = acts.set_index("event_id")
    assert by_id.loc["click", "imp_surface"] == "widget" and by_id.loc["cart", "imp_surface"] == "chat"
    assert by_id.loc["click", "imp_row"] == 1 and by_id.loc["order_c3", "imp_row"] == -1


def test_the_window_is_configurable_and_an_order_without_sku_is_never_attributed() -> None:
    frame = pd.DataFrame([
        {"event_id": "i", "ts": T0.isoformat(), "session_id": "s", "company": "C1", "type": "impression",
         "sku": "A", "rec_request_id": "r", "position": "1", "surface": "chat"},
        {"event_id": "c", "ts": (T0 + timedelta(days=2)).isoformat(), "session_id": "s", "company": "C1",
         "type": "click", "sku": "A"},
        {"event_id": "o", "ts": (T0 + timedelta(hours=1)).isoformat(), "session_id": "s", "company": "C1",
         "type": "order", "sku": None, "revenue": "5"}])
    events = validate(frame).events
    assert _credit(attribute(events, timedelta(days=1))) == {"o": None, "c": None}
    assert _credit(attribute(events, timedelta(days=3))) == {"o": None, "c": "i"}
    with pytest.raises(ValueError, match="negative"):
        attribute(events, timedelta(days=-1))


def test_an_empty_log_attributes_nothing() -> None:
    events = validate(pd.DataFrame({"event_id": [], "ts": [], "session_id": [], "company": [], "type": []})).events
    assert len(attribute(events)) == 0
