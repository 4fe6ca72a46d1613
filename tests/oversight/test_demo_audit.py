"""The equality audit and the drift monitor on the generated demo (seed 42, a fixed "today"): the audit flags the
one documented bias (``store/demo/price_requests.py``: śląskie's discount requests approved less often) and
nothing else; the demo's drift check runs on its real tables (issue 23, acceptance)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Settings
from oversight.drift import monitor
from oversight.equality import audit
from store.demo import generate_demo
from store.demo.price_requests import APPROVE, APPROVE_BIASED, BIASED_REGION

pytestmark = [pytest.mark.slow]
TODAY = date(2026, 12, 2)
MONTH = "2026-10"
"""The demo's experiment (its impressions) covers the 56 days before today: October is its one full month with
a full next month of purchases to score."""


@pytest.fixture(scope="module")
def demo(make_store: Callable[[], Engine]) -> Engine:
    engine = make_store()
    settings = Settings(data_dir=Path(engine.url.database or "").parent, _env_file=None)  # type: ignore[call-arg]
    generate_demo(settings, engine, seed=42, today=TODAY)
    return engine


@pytest.fixture(scope="module")
def report(demo: Engine) -> Any:
    with Session(demo) as s:
        return audit(s, month=MONTH, now=datetime(2026, 12, 2, tzinfo=UTC))  # the documented defaults


def test_the_demo_audit_flags_the_injected_bias_and_nothing_else(report: Any) -> None:
    assert [(f.dimension, f.metric) for f in report.flags] == [("region", "approval_share")]
    flag = report.flags[0]
    assert flag.disadvantaged == BIASED_REGION == flag.groups[0]
    assert flag.p_adjusted < report.settings["alpha"]
    # the simulation's gap (75 % against 35 %) lies inside the interval of the observed one
    assert flag.ci95[0] <= APPROVE - APPROVE_BIASED <= flag.ci95[1]
    for dim, metrics in report.disparities.items():
        for metric, d in metrics.items():
            if (dim, metric) != ("region", "approval_share"):
                assert not d.flagged, (dim, metric, d)
    assert report.synthetic and any(w.startswith("synthetic data") for w in report.warnings)
    assert report.population["companies"] > 500


def test_a_month_without_impressions_counts_requests_over_a_population_not_chosen_by_them(demo: Engine) -> None:
    """Regression (issue 23): June has no impressions, so its active companies were those that ordered *or
    filed*; counting requests per such company flagged ``region / price_requests`` on noise of ordering rates.
    The count now runs over companies shown or ordering only, and June flags the bias alone."""
    with Session(demo) as s:
        june = audit(s, month="2026-06", now=datetime(2026, 12, 2, tzinfo=UTC))
    assert [(f.dimension, f.metric) for f in june.flags] == [("region", "approval_share")]
    assert june.flags[0].disadvantaged == BIASED_REGION


def test_the_demo_audit_covers_every_dimension_and_keeps_small_groups_out(report: Any) -> None:
    assert set(report.groups) == {"region", "industry", "size_band", "funnel_stage", "gender", "age_band",
                                  "nationality"}
    small = {(t.dimension, t.group) for t in report.too_small if t.metric is None}
    for dim, groups in report.groups.items():
        for group, row in groups.items():
            if row["n"] < report.settings["min_group_size"]:
                assert (dim, group) in small and all(row[m] is None for m in report.metrics)


def test_the_drift_monitor_runs_on_the_demo_tables(demo: Engine) -> None:
    with Session(demo) as s:
        report = monitor(s, now=datetime(2026, 12, 1, tzinfo=UTC))
    by_name = {x.name: x for x in report.signals}
    assert set(by_name) >= {"segment", "language", "message_length", "masked_pii", "no_result_search",
                            "tool_calls", "score", "coverage", "bestseller_share", "approval_requests",
                            "guardrail_repairs", "answered_by"}
    assert by_name["no_result_search"].reference_n > 0  # the demo's shop searches


def test_the_demo_price_history_is_decided_expired_and_biased_only_by_region(demo: Engine) -> None:
    from sqlmodel import select

    from store.models import Company, PriceApproval

    with Session(demo) as s:
        rows = s.exec(select(PriceApproval, Company.region).join(Company)).all()  # type: ignore[call-overload]
    assert len(rows) > 1000
    today = datetime(2026, 12, 2)
    assert all(r.status.value in ("approved", "rejected") and r.decided_at is not None for r, _ in rows)
    assert all(r.expires_at.replace(tzinfo=None) < today for r, _ in rows)  # no live offer for the agent
    by_region: dict[bool, list[bool]] = {True: [], False: []}
    asked: dict[bool, list[float]] = {True: [], False: []}
    for r, region in rows:
        biased = region == BIASED_REGION
        by_region[biased].append(r.status.value == "approved")
        asked[biased].append(float(r.proposed_change["discount_percent"]))
    assert sum(by_region[True]) / len(by_region[True]) == pytest.approx(APPROVE_BIASED, abs=0.06)
    assert sum(by_region[False]) / len(by_region[False]) == pytest.approx(APPROVE, abs=0.03)
    # what is asked does not depend on the region: only the decision does
    assert sum(asked[True]) / len(asked[True]) == pytest.approx(sum(asked[False]) / len(asked[False]), abs=0.8)
