"""The golden conversations on the real demo data with the rule planner (acceptance: >= 95% of properties)."""

from __future__ import annotations

from typing import Any

import pytest

from evals.golden.runner import ALWAYS, format_reports, load_cases, run_golden


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_planner_passes_the_golden_set(demo_resources: Any, capsys: pytest.CaptureFixture[str]) -> None:
    cases = load_cases()
    assert len(cases) >= 40
    report = run_golden(demo_resources, cases, label="planner")
    with capsys.disabled():
        print("\n" + format_reports([report]))
    assert report.overall() >= 0.95, report.as_dict()["failures"]
    rates = report.rates()
    for prop in ALWAYS:
        passed, checked = rates[prop]
        assert passed == checked == len(cases), f"{prop}: {report.as_dict()['failures']}"
