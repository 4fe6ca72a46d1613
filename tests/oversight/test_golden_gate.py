"""The golden-set gate (issue 23): a run compared with a stored baseline passes when no pass rate dropped beyond
the tolerance and fails (exit 1) on a regression or on a property that is no longer checked; a bad baseline file
is one readable line and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from core.errors import InputError
from evals.golden.runner import CaseResult, GoldenReport
from evals.golden_gate import compare, format_results, gate, load_runs, parse_runs

SALESAGENT = [sys.executable, "-c", "from salesagent.cli import main; main()"]


def _report(label: str, fails: dict[str, int], cases: int = 10) -> GoldenReport:
    """A golden report of ``cases`` cases, each checking ``answers`` and ``grounded``, with ``fails[p]`` failing."""
    results = []
    for i in range(cases):
        r = CaseResult(f"c{i}")
        for name in ("answers", "grounded"):
            r.record(name, i >= fails.get(name, 0), "failed on purpose")
        results.append(r)
    return GoldenReport(label, results)


@pytest.fixture
def baseline_file(tmp_path: Path) -> Path:
    path = tmp_path / "golden-baseline.json"
    path.write_text(json.dumps([_report("planner", {"grounded": 1}).as_dict()]), encoding="utf-8")
    return path


def test_the_same_result_passes_and_a_worse_one_fails(baseline_file: Path) -> None:
    baselines = load_runs(baseline_file)
    same = parse_runs(_report("planner", {"grounded": 1}).as_dict(), source="run")
    assert all(r.passed for r in gate(same, baselines))
    worse = parse_runs([_report("planner", {"grounded": 3}).as_dict()], source="run")
    [result] = gate(worse, baselines)
    assert not result.passed
    regressions = {f.data["property"]: f.data for f in result.findings if f.kind == "regression"}
    assert set(regressions) == {"grounded", "overall"}
    assert regressions["grounded"]["rate"] == 0.7 and regressions["grounded"]["baseline_rate"] == 0.9
    assert "golden gate FAIL [planner]" in format_results([result])
    assert "regression: grounded 70.0% vs 90.0% (7/10 vs 9/10)" in format_results([result])


def test_the_tolerance_absorbs_small_drops_and_better_results_pass(baseline_file: Path) -> None:
    [base] = load_runs(baseline_file)
    [worse] = parse_runs(_report("planner", {"grounded": 2}).as_dict(), source="run")
    assert not compare(worse, base, tolerance=0.05).passed  # 10 pp lost
    assert compare(worse, base, tolerance=0.10).passed
    [better] = parse_runs(_report("planner", {}).as_dict(), source="run")
    result = compare(better, base)
    assert result.passed and [f.kind for f in result.findings] == ["improvement"]
    with pytest.raises(InputError, match="between 0 and 1"):
        compare(better, base, tolerance=5)


def test_a_property_that_stopped_being_checked_fails_the_gate(baseline_file: Path) -> None:
    [base] = load_runs(baseline_file)
    data = _report("planner", {"grounded": 1}).as_dict()
    del data["properties"]["answers"]
    result = compare(parse_runs(data, source="run")[0], base)
    assert not result.passed and [(f.kind, f.data["property"]) for f in result.findings] == [("missing", "answers")]


def test_a_bad_baseline_is_a_readable_error(tmp_path: Path, baseline_file: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not JSON"):
        load_runs(broken)
    broken.write_text(json.dumps({"label": "planner", "cases": 1}), encoding="utf-8")
    with pytest.raises(InputError, match="not a golden result"):
        load_runs(broken)
    with pytest.raises(InputError, match="cannot read the baseline"):
        load_runs(tmp_path / "missing.json")
    with pytest.raises(InputError, match="no run labelled 'llm x'"):
        gate(parse_runs(_report("llm x", {}).as_dict(), source="run"), load_runs(baseline_file))


@pytest.mark.parametrize(("fails", "code"), [({"grounded": 1}, 0), ({"grounded": 4}, 1)])
def test_the_cli_exits_non_zero_on_a_regression(monkeypatch: pytest.MonkeyPatch, baseline_file: Path,
                                                fails: dict[str, int], code: int) -> None:
    """``salesagent eval golden --baseline``: the run itself is replaced (its real version runs the demo, see
    tests/agent); what is tested is the gate's wiring into the command."""
    import salesagent.cli.agent as cli
    from evals.golden import runner
    from salesagent import wiring
    from salesagent.cli import app

    class Closing:
        def close(self) -> None:
            pass

    monkeypatch.setattr(cli, "_schema_checked", lambda settings: (settings, None))
    monkeypatch.setattr(wiring, "build_resources", lambda *a, **k: Closing())
    monkeypatch.setattr(runner, "run_golden", lambda *a, **k: _report("planner", fails))
    result: Any = CliRunner().invoke(app, ["eval", "golden", "--baseline", str(baseline_file)])
    assert result.exit_code == code, result.output
    assert ("golden gate PASS" if code == 0 else "golden gate FAIL") in result.output


def test_the_cli_rejects_a_bad_baseline_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    done = subprocess.run([*SALESAGENT, "eval", "golden", "--baseline", str(bad)], capture_output=True, text=True,
                          check=False,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "SALESAGENT_DATA_DIR": str(tmp_path / "var")})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [f"error: {bad}: no golden run in the file"]
