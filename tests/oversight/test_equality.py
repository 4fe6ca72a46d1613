"""The equality audit on stores built with a known truth (issue 23, acceptance): no gap gives no flag; a known
gap in the approval share (by region, and by a protected attribute) is flagged and recovered within its
interval; small groups are reported, never flagged; the stored record and the JSON shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from oversight_world import MONTH, NOW, Bias, build_audit_world
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.errors import InputError
from oversight.equality import DIMENSIONS, AuditOptions, audit, audit_and_store, month_bounds
from store.oversight import equality_audit

FAST = AuditOptions(n_bootstrap=500, n_permutations=999)


def _audit(engine: Engine, options: AuditOptions = FAST) -> Any:
    with Session(engine) as s:
        return audit(s, month=MONTH, options=options, now=NOW)


@pytest.fixture(scope="module")
def fair(make_store: Callable[[], Engine]) -> Engine:
    engine = make_store()
    build_audit_world(engine, seed=11)
    return engine


@pytest.fixture(scope="module")
def biased(make_store: Callable[[], Engine]) -> tuple[Engine, Any]:
    engine = make_store()
    return engine, build_audit_world(engine, seed=12, bias=Bias("region", "śląskie", 0.35))


def test_a_store_without_a_gap_gives_no_flag(fair: Engine) -> None:
    report = _audit(fair)
    assert report.flags == []
    assert report.settings["tests"] > 20  # every family was tested, not skipped
    # every metric got a value for the regions (60 companies each, all above the minimum group size)
    for region in ("mazowieckie", "śląskie", "pomorskie", "małopolskie"):
        row = report.groups["region"][region]
        assert row["n"] == 60
        assert all(row[m] is not None for m in report.metrics), (region, row)
    assert report.groups["region"]["śląskie"]["approval_share"] == pytest.approx(0.75, abs=0.1)


def test_a_known_gap_is_flagged_and_recovered_within_its_interval(biased: tuple[Engine, Any]) -> None:
    engine, world = biased
    report = _audit(engine)
    assert [(f.dimension, f.metric) for f in report.flags] == [("region", "approval_share")]
    flag = report.flags[0]
    assert flag.groups[0] == "śląskie" and flag.disadvantaged == "śląskie"
    assert flag.ci95[0] <= 0.75 - 0.35 <= flag.ci95[1]  # the true gap of the simulation
    observed = world.approved["śląskie"] / world.decided["śląskie"]
    assert report.groups["region"]["śląskie"]["approval_share"] == pytest.approx(observed, abs=1e-6)
    assert flag.gap == pytest.approx(report.groups["region"][flag.groups[1]]["approval_share"] - observed,
                                     abs=1e-6)
    assert flag.p_adjusted < 0.05 and flag.gap > flag.threshold


def test_a_gap_by_a_protected_attribute_is_found_through_its_own_read_path(
        make_store: Callable[[], Engine]) -> None:
    engine = make_store()
    build_audit_world(engine, seed=13, bias=Bias("gender", "female", 0.35))
    report = _audit(engine)
    flagged = {(f.dimension, f.metric): f for f in report.flags}
    assert set(flagged) == {("gender", "approval_share")}
    assert flagged["gender", "approval_share"].disadvantaged == "female"
    assert flagged["gender", "approval_share"].ci95[0] <= 0.40 <= flagged["gender", "approval_share"].ci95[1]


def test_a_gap_below_the_threshold_or_in_a_small_group_is_not_flagged(biased: tuple[Engine, Any]) -> None:
    engine, _ = biased
    high = AuditOptions(n_bootstrap=200, n_permutations=499, thresholds={"approval_share": 0.9})
    assert _audit(engine, high).flags == []
    small = AuditOptions(n_bootstrap=200, n_permutations=499, min_group_size=61)
    report = _audit(engine, small)
    assert report.flags == []
    assert {(t.dimension, t.group) for t in report.too_small if t.metric is None} >= {
        ("region", r) for r in ("mazowieckie", "śląskie", "pomorskie", "małopolskie")}
    assert all(v["approval_share"] is None for v in report.groups["region"].values())


def test_the_json_shape_is_the_documented_one(biased: tuple[Engine, Any]) -> None:
    engine, _ = biased
    data = _audit(engine).to_dict()
    assert {"month", "groups", "flags", "too_small"} <= set(data)
    assert data["month"] == MONTH
    assert set(data["groups"]) == set(DIMENSIONS)
    for groups in data["groups"].values():
        for row in groups.values():
            assert isinstance(row["n"], int)
    flag = data["flags"][0]
    assert {"dimension", "metric", "groups", "gap", "ci95"} <= set(flag)
    assert len(flag["ci95"]) == 2 and flag["ci95"][0] <= flag["gap"] <= flag["ci95"][1]
    assert data["period"] == {"from": "2026-10-01", "to": "2026-10-31", "next_to": "2026-11-30"}


def test_the_audit_is_stored_as_a_record_of_its_month(biased: tuple[Engine, Any]) -> None:
    engine, _ = biased
    with Session(engine) as s:
        report = audit_and_store(s, month=MONTH, options=FAST, actor="test", now=NOW)
        s.commit()
    with Session(engine) as s:
        row = equality_audit(s, month=MONTH)
        assert row is not None and row.actor == "test"
        assert row.details["flags"] == report.to_dict()["flags"]


@pytest.mark.parametrize("month", ["2026-13", "10-2026", "", "2026-1x"])
def test_a_bad_month_is_one_readable_input_error(month: str) -> None:
    with pytest.raises(InputError, match="YYYY-MM"):
        month_bounds(month)


def test_december_rolls_into_the_next_year() -> None:
    start, end, after = month_bounds("2026-12")
    assert (start.month, end.year, end.month, after.month) == (12, 2027, 1, 2)
