"""The report files: JSON with the documented keys, and a self-contained HTML page with the four plots inline
(issue 18)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from measurement_simlog import simulate, write

from core.errors import InputError
from measurement.kpi import KpiOptions
from measurement.report import figure_images, write_report
from measurement.source import report_from_file


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = write(simulate(5, companies=300, sessions_per_company=4, p_treatment=0.2, p_control=0.1),
                 tmp_path_factory.mktemp("report") / "log.csv")
    return report_from_file(path, options=KpiOptions())


def test_html_is_self_contained_with_four_inline_plots(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = write_report(report, tmp_path / "kpi.html").read_text()
    for fig in ("uplift", "ctr", "coverage", "lorenz"):
        assert re.search(rf'<figure id="fig-{fig}"><svg ', html), fig
    assert "<script" not in html
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if not u.startswith("#")]
    assert external == [], external  # nothing loaded from anywhere: the file works offline and alone
    assert "Recommendation KPIs" in html and "SYNTHETIC" not in html


def test_json_round_trips(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(write_report(report, tmp_path / "kpi.json").read_text())
    assert data["period"]["from"] == report.period.from_.isoformat()
    assert data["sessions"] == report.sessions.model_dump()
    assert data["uplift"]["conversion"]["ci95"] == report.uplift.conversion.ci95


def test_page_images_are_png_data_urls(report) -> None:  # type: ignore[no-untyped-def]
    images = figure_images(report)
    assert set(images) == {"uplift", "ctr", "coverage", "lorenz"}
    assert all(v.startswith("data:image/png;base64,iVBOR") for v in images.values())


def test_an_unknown_suffix_is_refused(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="must end in .json or .html"):
        write_report(report, tmp_path / "kpi.pdf")
