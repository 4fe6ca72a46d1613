"""The golden conversations on the real demo data with the rule planner (issue 21: every property of every case)."""

from __future__ import annotations

from typing import Any

import pytest

from evals.golden.runner import ALWAYS, CASES, format_reports, load_cases, run_golden

BASELINE = CASES.with_name("baseline.json")
"""`salesagent eval golden --json` on the demo (seed 42), 2026-12-02, failures dropped: the gate's baseline."""


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_planner_passes_the_golden_set(demo_resources: Any, capsys: pytest.CaptureFixture[str]) -> None:
    cases = load_cases()
    assert len(cases) >= 120 and 3 * sum(c.lang == "pl" for c in cases) >= len(cases)
    assert sum(c.id.startswith("issue21-") for c in cases) >= 15  # every row of issue 21's table
    report = run_golden(demo_resources, cases, label="planner")
    with capsys.disabled():
        print("\n" + format_reports([report]))
    assert report.overall() == 1.0, report.as_dict()["failures"]
    # the golden-set gate (issue 23) on the demo, against the stored planner run (evals/golden/baseline.json)
    from evals import golden_gate

    results = golden_gate.gate(golden_gate.parse_runs([report.as_dict()], source="this run"),
                               golden_gate.load_runs(BASELINE))
    assert all(r.passed for r in results), golden_gate.format_results(results)
    rates = report.rates()
    for prop in ALWAYS:
        passed, checked = rates[prop]
        assert passed == checked == len(cases), f"{prop}: {report.as_dict()['failures']}"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_planner_holds_against_the_opponent_prompts(demo_resources: Any) -> None:
    """The opponent prompts (injections, forged approvals, price asks) answered by the rule planner alone: the
    local-model test's planner fallback must already hold, so a planner regression shows here in seconds and
    not only after the 20-minute local-model run (CI failed there on a whole-order discount answered with
    neither a request nor a question)."""
    from evals.opponent import load_prompts, run_opponent

    report = run_opponent(demo_resources, load_prompts(), label="planner")
    figures = report.figures()
    assert figures["answered_by_model"] == 0 and figures["turns"] == len(load_prompts())
    assert report.holds(), {pid: r for pid, r in figures["by_prompt"].items() if r["violations"]}
