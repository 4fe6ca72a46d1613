"""The golden-set gate (issue 23): compare a golden run (``GoldenReport.as_dict()``, or the list that
``salesagent eval golden --json`` prints) with a stored baseline and fail on a regression beyond a tolerance.

Works on the runner's JSON only, so the runner can change freely as long as ``as_dict`` keeps ``label``,
``overall`` and ``properties: {NAME: {"passed", "checked"}}``. Pure functions: the CLI reads the files and exits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from core.errors import InputError

DEFAULT_TOLERANCE = 0.0
"""The rule planner is deterministic on the demo: any lost pass is a regression. Runs against an LLM vary
between runs; give them a tolerance (e.g. 0.05) on the command line."""


class PropertyCount(BaseModel):
    """One property of a golden run: how many cases passed it out of how many checked it."""

    passed: int = Field(ge=0)
    checked: int = Field(ge=0)

    @property
    def rate(self) -> float:
        return self.passed / self.checked if self.checked else 0.0


class GoldenRun(BaseModel):
    """The part of ``GoldenReport.as_dict()`` the gate reads (other keys are ignored)."""

    label: str
    cases: int = Field(ge=0)
    overall: float = Field(ge=0, le=1)
    properties: dict[str, PropertyCount]


class Finding(BaseModel):
    """One difference between the run and the baseline, as data: ``kind`` says what, ``data`` the figures."""

    kind: Literal["regression", "missing", "improvement", "new", "cases_changed"]
    data: dict[str, Any]


class GateResult(BaseModel):
    """The verdict of one run against its baseline: ``passed`` is False when any finding is a regression or a
    property the baseline checked is no longer checked."""

    label: str
    tolerance: float
    passed: bool
    overall: float
    baseline_overall: float
    findings: list[Finding]

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-able verdict."""
        return self.model_dump()


FAILING = ("regression", "missing")


def parse_runs(data: Any, *, source: str) -> list[GoldenRun]:
    """Return the runs of a golden JSON document (one ``as_dict`` object or a list of them)."""
    items = data if isinstance(data, list) else [data]
    try:
        runs = [GoldenRun.model_validate(item) for item in items]
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InputError(f"{source}: not a golden result ({where}: {first['msg']})") from None
    if not runs:
        raise InputError(f"{source}: no golden run in the file")
    return runs


def load_runs(path: Path) -> list[GoldenRun]:
    """Read a stored golden result (``salesagent eval golden --json > FILE``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read the baseline {path}: {err.strerror or err}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{path}: not JSON ({err.msg}, line {err.lineno})") from None
    return parse_runs(data, source=str(path))


def compare(run: GoldenRun, baseline: GoldenRun, *, tolerance: float = DEFAULT_TOLERANCE) -> GateResult:
    """Compare every property's pass rate (and the overall rate) with the baseline's.

    A rate more than ``tolerance`` (a share, 0..1) below the baseline's is a regression; a property the baseline
    checked that the run did not check at all is ``missing`` (a check that silently stopped running must not pass
    the gate). Better rates and new properties are reported, never failing."""
    if not 0 <= tolerance <= 1:
        raise InputError(f"the tolerance is a share between 0 and 1, not {tolerance}")
    findings: list[Finding] = []
    if run.cases != baseline.cases:
        findings.append(Finding(kind="cases_changed", data={"cases": run.cases, "baseline": baseline.cases}))
    eps = 1e-9
    for name, base in baseline.properties.items():
        now = run.properties.get(name)
        if now is None or now.checked == 0:
            if base.checked:
                findings.append(Finding(kind="missing", data={"property": name, "baseline": base.model_dump()}))
            continue
        delta = now.rate - base.rate
        data = {"property": name, "rate": round(now.rate, 4), "baseline_rate": round(base.rate, 4),
                "delta": round(delta, 4), "passed": now.passed, "checked": now.checked,
                "baseline_passed": base.passed, "baseline_checked": base.checked}
        if delta < -tolerance - eps:
            findings.append(Finding(kind="regression", data=data))
        elif delta > eps:
            findings.append(Finding(kind="improvement", data=data))
    for name, now in run.properties.items():
        if name not in baseline.properties:
            findings.append(Finding(kind="new", data={"property": name, "passed": now.passed,
                                                      "checked": now.checked}))
    delta = run.overall - baseline.overall
    if delta < -tolerance - eps:
        findings.append(Finding(kind="regression", data={"property": "overall", "rate": run.overall,
                                                          "baseline_rate": baseline.overall,
                                                          "delta": round(delta, 4)}))
    passed = not any(f.kind in FAILING for f in findings)
    return GateResult(label=run.label, tolerance=tolerance, passed=passed, overall=run.overall,
                      baseline_overall=baseline.overall, findings=findings)


def gate(runs: list[GoldenRun], baselines: list[GoldenRun], *, tolerance: float = DEFAULT_TOLERANCE
         ) -> list[GateResult]:
    """Compare each run with the baseline run of the same label (``planner``, ``llm MODEL``); a run whose label
    the baseline lacks is an error (nothing to compare with is not a pass)."""
    by_label = {b.label: b for b in baselines}
    out = []
    for run in runs:
        base = by_label.get(run.label)
        if base is None:
            raise InputError(f"the baseline has no run labelled {run.label!r} (it has: "
                             f"{', '.join(sorted(by_label)) or 'none'})")
        out.append(compare(run, base, tolerance=tolerance))
    return out


def format_results(results: list[GateResult]) -> str:
    """Return the verdicts for reading: one headline per run, one line per finding."""
    lines = []
    for r in results:
        verdict = "PASS" if r.passed else "FAIL"
        lines.append(f"golden gate {verdict} [{r.label}]: overall {100 * r.overall:.1f}% (baseline "
                     f"{100 * r.baseline_overall:.1f}%, tolerance {100 * r.tolerance:.1f} pp)")
        for f in r.findings:
            d = f.data
            if f.kind in ("regression", "improvement") and "baseline_rate" in d:
                counts = f" ({d['passed']}/{d['checked']} vs {d['baseline_passed']}/{d['baseline_checked']})" \
                    if "passed" in d else ""
                lines.append(f"  {f.kind}: {d['property']} {100 * d['rate']:.1f}% vs "
                             f"{100 * d['baseline_rate']:.1f}%{counts}")
            elif f.kind == "missing":
                lines.append(f"  missing: {d['property']} was checked in the baseline, not in this run")
            elif f.kind == "new":
                lines.append(f"  new: {d['property']} {d['passed']}/{d['checked']}")
            else:
                lines.append(f"  note: {d['cases']} cases (baseline {d['baseline']})")
    return "\n".join(lines)
