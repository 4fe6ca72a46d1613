"""The KPIs of a small log, every figure worked out by hand (issue 18).

Companies A and B are in treatment, C and D in control, E objected to profiling (outside). Sessions:

    sA1 A chat   11-02 (W45): X@1, Y@2 shown; click X; order X 100 PLN
    sA2 A widget 11-10 (W46): Z shown
    sB1 B widget 11-03 (W45): X shown; click X twice; order X 40 PLN
    sC1 C chat   11-04 (W45): Y shown; order Y 50 PLN (no click: still credited to the impression)
    sC2 C widget 11-05 (W45): X shown
    sD1 D widget 11-06 (W45): Y shown
    sE1 E chat   11-07 (W45): X shown; order X 30 PLN

The catalogue holds X, Y, Z and W.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sst

from measurement.kpi import KpiOptions
from measurement.source import report_from_file

LOG = """event_id,ts,session_id,company,type,sku,rec_request_id,position,surface,revenue,currency,variant,segment
1,2026-11-02T10:00:00Z,sA1,A,impression,X,r1,1,chat,,,treatment,installer
2,2026-11-02T10:00:00Z,sA1,A,impression,Y,r1,2,chat,,,treatment,installer
3,2026-11-02T10:01:00Z,sA1,A,click,X,r1,1,,,,treatment,installer
4,2026-11-02T10:05:00Z,sA1,A,order,X,,,,100,PLN,treatment,installer
5,2026-11-10T09:00:00Z,sA2,A,impression,Z,r2,1,widget,,,treatment,installer
6,2026-11-03T09:00:00Z,sB1,B,impression,X,r3,1,widget,,,treatment,installer
7,2026-11-03T09:01:00Z,sB1,B,click,X,,,,,,treatment,installer
8,2026-11-03T09:01:05Z,sB1,B,click,X,,,,,,treatment,installer
9,2026-11-03T09:09:00Z,sB1,B,order,X,,,,40,PLN,treatment,installer
10,2026-11-04T12:00:00Z,sC1,C,impression,Y,r4,1,chat,,,control,retail
11,2026-11-04T12:30:00Z,sC1,C,order,Y,,,,50,PLN,control,retail
12,2026-11-05T08:00:00Z,sC2,C,impression,X,r5,1,widget,,,control,retail
13,2026-11-06T08:00:00Z,sD1,D,impression,Y,r6,1,widget,,,control,retail
14,2026-11-07T15:00:00Z,sE1,E,impression,X,r7,1,chat,,,outside,installer
15,2026-11-07T15:10:00Z,sE1,E,order,X,,,,30,PLN,outside,installer
"""


@pytest.fixture
def report(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "log.csv").write_text(LOG)
    (tmp_path / "catalog.csv").write_text("sku,name\nX,x\nY,y\nZ,z\nW,w\n")
    return report_from_file(tmp_path / "log.csv", options=KpiOptions(), catalog_path=tmp_path / "catalog.csv")


def test_ctr_per_surface_week_month_and_segment(report) -> None:  # type: ignore[no-untyped-def]
    assert report.impressions == {"chat": 4, "widget": 4}
    assert report.clicks == {"chat": 1, "widget": 2}
    assert report.ctr == {"chat": 0.25, "widget": 0.5}
    assert report.ctr_by_week == {"chat": {"2026-W45": 0.25},
                                  "widget": {"2026-W45": pytest.approx(2 / 3, abs=1e-6), "2026-W46": 0.0}}
    assert report.ctr_by_month == {"chat": {"2026-11": 0.25}, "widget": {"2026-11": 0.5}}
    assert report.ctr_by_segment == {"installer": 0.6, "retail": 0.0}


def test_sessions_conversion_and_revenue_per_arm(report) -> None:  # type: ignore[no-untyped-def]
    assert report.period.from_.isoformat() == "2026-11-02" and report.period.to.isoformat() == "2026-11-10"
    assert (report.sessions.treatment, report.sessions.control) == (3, 3)
    assert (report.companies.treatment, report.companies.control) == (2, 2)
    assert report.conversion.treatment == pytest.approx(2 / 3) and report.conversion.control == pytest.approx(1 / 3)
    assert report.revenue_per_session.treatment == pytest.approx(140 / 3)
    assert report.revenue_per_session.control == pytest.approx(50 / 3)
    conv, rev = report.uplift.conversion, report.uplift.revenue_per_session
    assert conv.absolute == pytest.approx(1 / 3) and conv.relative == pytest.approx(1.0)
    assert rev.absolute == pytest.approx(30.0) and rev.relative == pytest.approx(1.8)
    out = report.outside_experiment
    assert (out.sessions, out.companies, out.conversion, out.revenue_per_session) == (1, 1, 1.0, 30.0)


def _delta_ci(units: dict[str, list[tuple[float, float]]]) -> tuple[float, float, float]:
    """The textbook delta method over companies (y, n) per arm, Welch t: (low, high, p)."""
    parts = {}
    for arm, rows in units.items():
        y, n = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
        ratio = y.mean() / n.mean()
        var = (np.var(y, ddof=1) - 2 * ratio * np.cov(y, n, ddof=1)[0, 1] + ratio ** 2 * np.var(n, ddof=1)) \
            / n.mean() ** 2
        parts[arm] = (ratio, var / len(rows), len(rows))
    (rt, vt, kt), (rc, vc, kc) = parts["treatment"], parts["control"]
    scale = math.sqrt(vt + vc)
    df = (vt + vc) ** 2 / (vt ** 2 / (kt - 1) + vc ** 2 / (kc - 1))
    half = sst.t.ppf(0.975, df) * scale
    return rt - rc - half, rt - rc + half, 2 * sst.t.sf(abs(rt - rc) / scale, df)


def test_intervals_are_the_delta_method_over_companies(report) -> None:  # type: ignore[no-untyped-def]
    conv = _delta_ci({"treatment": [(1, 2), (1, 1)], "control": [(1, 2), (0, 1)]})
    rev = _delta_ci({"treatment": [(100, 2), (40, 1)], "control": [(50, 2), (0, 1)]})
    for got, want in ((report.uplift.conversion, conv), (report.uplift.revenue_per_session, rev)):
        assert got.ci95 == [pytest.approx(want[0]), pytest.approx(want[1])]
        assert got.p_value == pytest.approx(want[2])
    # by hand for conversion: both arms' ratio variance is 0.2222/2.25, df = 2, t(0.975, 2) = 4.3027
    assert conv[1] - 1 / 3 == pytest.approx(4.302653 * math.sqrt(0.2222222 / 2.25), rel=1e-5)


def test_srm_coverage_popularity_and_attribution(report) -> None:  # type: ignore[no-untyped-def]
    # sessions per company 2, 1 | 2, 1: n_eff = 36 / 10 = 3.6; chi2 = 3.6 * (0.5 - 0.1)^2 / 0.09 = 6.4
    assert report.srm.effective_sessions == pytest.approx(3.6)
    assert report.srm.observed_control_share == 0.5
    assert report.srm.p_value == pytest.approx(sst.chi2.sf(6.4, 1)) and not report.srm.flag
    assert report.coverage == {"2026-11": 0.75} and report.catalogue_skus == 4
    assert report.popularity.top10 == ["X", "Y"]  # ordered 3 and 1 times in the log
    assert report.popularity.top10_share == 0.875  # 7 of 8 impressions
    assert report.popularity.gini == pytest.approx(0.4375)  # impressions 0, 1, 3, 4 over W, Z, Y, X
    att = report.attribution
    assert (att.clicks, att.unattributed_clicks, att.orders, att.unattributed_orders) == (3, 0, 4, 0)
    assert att.revenue == 220.0
    assert att.orders_by_surface == {"chat": 3, "widget": 1}
    assert att.revenue_by_surface == {"chat": 180.0, "widget": 40.0}
    assert report.currency == "PLN" and not report.synthetic


def test_the_period_filters_and_an_impression_before_it_still_takes_the_credit(tmp_path: Path) -> None:
    from datetime import date

    later = "16,2026-11-05T10:00:00Z,sA3,A,order,X,,,,10,PLN,treatment,installer\n"  # A orders X again
    (tmp_path / "log.csv").write_text(LOG + later)
    r = report_from_file(tmp_path / "log.csv", options=KpiOptions(start=date(2026, 11, 3), end=date(2026, 11, 7)))
    assert (r.sessions.treatment, r.sessions.control) == (2, 3)  # sB1, sA3 | sC1, sC2, sD1 (sA1, sA2 outside)
    assert r.impressions == {"chat": 2, "widget": 3}
    # sA3's order is credited to sA1's chat impression of X on 11-02, before the period (within 7 days)
    assert r.attribution.orders == 4 and r.attribution.orders_by_surface == {"chat": 3, "widget": 1}
    assert r.period.from_ == date(2026, 11, 3) and r.period.to == date(2026, 11, 7)
