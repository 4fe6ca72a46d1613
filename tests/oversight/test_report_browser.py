"""The equality audit's and the drift monitor's HTML pages in a real browser (headless Chromium via Playwright,
opened from the file the CLI writes): every figure on the page is the JSON's, the charts render, and the page
reads at 1280 px and at 390 px without sideways scrolling (issue 23, acceptance)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from oversight_world import MONTH, NOW, Bias, add_chat_week, build_audit_world
from sqlalchemy.engine import Engine
from sqlmodel import Session

from oversight.drift import monitor
from oversight.equality import AuditOptions, audit
from oversight.report import pvalue, show, show_gap, write

WIDTHS = [1280, 390]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def equality_files(make_store: Callable[[], Engine], tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[Path, dict[str, Any]]:
    engine = make_store()
    build_audit_world(engine, seed=12, bias=Bias("region", "śląskie", 0.35))
    with Session(engine) as s:
        report = audit(s, month=MONTH, options=AuditOptions(n_bootstrap=300, n_permutations=999), now=NOW)
    folder = tmp_path_factory.mktemp("equality")
    write(report, folder / "audit.json")
    return write(report, folder / "audit.html"), json.loads((folder / "audit.json").read_text())


@pytest.fixture(scope="module")
def drift_files(make_store: Callable[[], Engine], tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, dict[str, Any]]:
    engine = make_store()
    now = NOW - timedelta(days=5)
    add_chat_week(engine, seed=1, start=now - timedelta(days=35), days=28, conversations=240)
    add_chat_week(engine, seed=2, start=now - timedelta(days=7), days=7, conversations=60, polish_share=1.0,
                  words=(6, 24))
    with Session(engine) as s:
        report = monitor(s, now=now)
    folder = tmp_path_factory.mktemp("drift")
    write(report, folder / "drift.json")
    return write(report, folder / "drift.html"), json.loads((folder / "drift.json").read_text())


def _open(browser: Any, path: Path, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.requests = requests
    return page


def _fits(page: Any, width: int) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px at {width} px"
    assert all(u.startswith("file:") for u in page.requests), page.requests  # self-contained: fetches nothing


@pytest.mark.parametrize("width", WIDTHS)
def test_the_equality_report_shows_the_json_figures(browser: Any, equality_files: tuple[Path, dict[str, Any]],
                                                    width: int, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    html, data = equality_files
    page = _open(browser, html, width)
    expect(page.locator("#title")).to_contain_text(f"Equality audit · {MONTH}")
    expect(page.locator("#synthetic")).to_contain_text("SYNTHETIC DATA")
    flags = page.locator("div.flag")
    expect(flags).to_have_count(len(data["flags"]))
    for i, f in enumerate(data["flags"], start=1):
        unit = data["metrics"][f["metric"]]["unit"]
        box = page.locator(f"#flag-{i}")
        assert box.get_attribute("data-metric") == f["metric"]
        assert float(box.get_attribute("data-gap") or "nan") == f["gap"]
        expect(box.locator(".gap")).to_have_text(show_gap(f["gap"], unit))
        expect(box.locator(".ci")).to_have_text(f"{show_gap(f['ci95'][0], unit)} to {show_gap(f['ci95'][1], unit)}")
        chart = page.locator(f"#fig-{f['dimension']}-{f['metric']} svg")
        expect(chart).to_be_visible()
        bounds = chart.bounding_box()
        assert bounds is not None and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width + 1
    expect(page.locator("#fig-overview svg")).to_be_visible()
    # every group value in the tables is the JSON's, shown in its unit
    cells = 0
    for dim, groups in data["groups"].items():
        for group, row in groups.items():
            tr = page.locator(f"#table-{dim} tr[data-group='{group}']")
            assert tr.locator("td.n").inner_text() == str(row["n"])
            for metric, info in data["metrics"].items():
                td = tr.locator(f"td[data-metric='{metric}']")
                if row[metric] is None:
                    assert td.inner_text() == "too small"
                    continue
                assert float(td.get_attribute("data-value") or "nan") == row[metric]
                assert td.inner_text() == show(row[metric], info["unit"])
                cells += 1
    assert cells > 100
    for dim, metrics in data["disparities"].items():
        for metric, d in metrics.items():
            tr = page.locator(f"#disparities tr[data-dimension='{dim}'][data-metric='{metric}']")
            assert tr.locator("td.gap").inner_text() == show_gap(d["gap"], data["metrics"][metric]["unit"])
            assert pvalue(d["p_adjusted"]) in tr.inner_text()
    _fits(page, width)
    page.screenshot(path=str(tmp_path / f"equality-{width}.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_drift_report_shows_the_json_figures(browser: Any, drift_files: tuple[Path, dict[str, Any]],
                                                 width: int, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    html, data = drift_files
    page = _open(browser, html, width)
    expect(page.locator("#title")).to_contain_text("Drift check")
    expect(page.locator("#alerts li")).to_have_count(len(data["alerts"]))
    for line in data["alerts"]:
        expect(page.locator("#alerts")).to_contain_text(line)
    for s in data["signals"]:
        tr = page.locator(f"#signals tr[data-signal='{s['name']}']")
        assert tr.get_attribute("data-status") == s["status"]
        assert s["status"] in tr.inner_text()
        if s["psi"] is not None:
            assert f"{s['psi']:.3f}" in tr.inner_text()
        assert pvalue(s["p_value"]) in tr.inner_text()
    _fits(page, width)
    page.screenshot(path=str(tmp_path / f"drift-{width}.png"), full_page=True)
    page.context.close()
