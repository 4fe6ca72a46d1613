"""The tests behind the uplift and the sample-ratio check, from maintained libraries.

- Uplift: the randomisation unit is the company, the analysis unit the session, so a session-level test would
  understate the variance (a company's sessions are alike). Conversion and revenue per session are ratios of
  company sums (converted sessions / sessions, revenue / sessions); tea-tasting's ``RatioOfMeans`` gives their
  difference with a delta-method 95 % interval, the relative uplift with its interval (delta method on the log
  ratio) and a two-sided Welch t-test p-value (Deng, Knoblich & Lu 2018).
- Sample ratio mismatch: scipy's chi-square goodness-of-fit of the sessions per arm against the configured split,
  on the sessions' effective number ``(Σ n_i)² / Σ n_i²`` over companies (Kish's design effect, since whole
  companies are assigned). With one session per company it is the plain chi-square of the session counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

SRM_ALPHA = 0.001
CONFIDENCE = 0.95


@dataclass(frozen=True)
class UpliftResult:
    """Treatment vs control for one ratio metric (None where undefined, e.g. an empty arm)."""

    control: float | None
    treatment: float | None
    absolute: float | None
    ci_low: float | None
    ci_high: float | None
    relative: float | None
    rel_ci_low: float | None
    rel_ci_high: float | None
    p_value: float | None


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def ratio_uplift(units: pd.DataFrame, numer: str, denom: str, variant: str = "variant") -> UpliftResult:
    """Return the uplift of ``sum(numer) / sum(denom)`` between ``variant`` values ``treatment`` and ``control``
    over rows that are randomisation units (companies)."""
    return ratio_uplifts(units, {"m": (numer, denom)}, variant)["m"]


def ratio_uplifts(units: pd.DataFrame, metrics: dict[str, tuple[str, str]], variant: str = "variant"
                  ) -> dict[str, UpliftResult]:
    """Return :func:`ratio_uplift` for several ``{name: (numer, denom)}`` metrics in one tea-tasting pass."""
    arms = {v: units[units[variant] == v] for v in ("control", "treatment")}
    out: dict[str, UpliftResult] = {}
    enough = min(len(g) for g in arms.values()) >= 2
    for name, (numer, denom) in metrics.items():
        means = {v: (float(g[numer].sum()) / float(g[denom].sum()) if len(g) and g[denom].sum() > 0 else None)
                 for v, g in arms.items()}
        if not enough or means["control"] is None or means["treatment"] is None:
            out[name] = UpliftResult(means["control"], means["treatment"], None, None, None, None, None, None,
                                     None)
    todo = {k: v for k, v in metrics.items() if k not in out}
    if not todo:
        return out
    import pyarrow as pa
    import tea_tasting as tt

    columns = sorted({c for pair in todo.values() for c in pair})
    data = units.loc[units[variant].isin(["control", "treatment"]), [variant, *columns]]
    table = pa.table({variant: pa.array(data[variant].astype(str).to_numpy()),
                      **{c: pa.array(data[c].to_numpy(dtype="float64")) for c in columns}})
    experiment = tt.Experiment(metrics={k: tt.RatioOfMeans(n, d, confidence_level=CONFIDENCE,
                                                          alternative="two-sided") for k, (n, d) in todo.items()},
                               variant=variant)
    results = experiment.analyze(table, control="control")
    for name in todo:
        out[name] = _result(results[name])
    return out


def _result(result: Any) -> UpliftResult:
    control = float(result.control)
    return UpliftResult(
        control=control, treatment=float(result.treatment), absolute=_finite(result.effect_size),
        ci_low=_finite(result.effect_size_ci_lower), ci_high=_finite(result.effect_size_ci_upper),
        relative=_finite(result.rel_effect_size) if control else None,
        rel_ci_low=_finite(result.rel_effect_size_ci_lower) if control else None,
        rel_ci_high=_finite(result.rel_effect_size_ci_upper) if control else None,
        p_value=_finite(result.pvalue))


@dataclass(frozen=True)
class SrmResult:
    p_value: float | None
    flag: bool
    observed_control_share: float | None
    effective_sessions: float | None


def sample_ratio(sessions_per_company: pd.DataFrame, expected_control_share: float,
                 variant: str = "variant", sessions: str = "sessions") -> SrmResult:
    """Return the sample-ratio check of the sessions per arm against ``expected_control_share``, given the
    sessions of each company (rows: company units with their arm)."""
    arms = sessions_per_company[sessions_per_company[variant].isin(["control", "treatment"])]
    n = arms[sessions].to_numpy(dtype=np.float64)
    total = float(n.sum())
    if total <= 0:
        return SrmResult(None, False, None, None)
    control = float(arms.loc[arms[variant] == "control", sessions].sum())
    share = control / total
    if not 0.0 < expected_control_share < 1.0:
        return SrmResult(None, False, share, None)
    from scipy.stats import chisquare

    effective = total * total / float((n * n).sum())
    scale = effective / total
    observed = np.array([control, total - control]) * scale
    expected = np.array([expected_control_share, 1.0 - expected_control_share]) * total * scale
    p = float(chisquare(f_obs=observed, f_exp=expected).pvalue)
    return SrmResult(p, p < SRM_ALPHA, share, effective)


def gini(counts: np.ndarray) -> float | None:
    """Return the Gini index of non-negative counts (0: all equal; (n-1)/n: one takes everything)."""
    x = np.sort(np.asarray(counts, dtype=np.float64))
    if x.size == 0 or x.sum() <= 0:
        return None
    n = x.size
    ranks = np.arange(1, n + 1)
    return float((2.0 * (ranks * x).sum()) / (n * x.sum()) - (n + 1.0) / n)


def lorenz(counts: np.ndarray, points: int = 101) -> list[list[float]]:
    """Return up to ``points`` points ``[share of items, share of the total]`` of the Lorenz curve."""
    x = np.sort(np.asarray(counts, dtype=np.float64))
    if x.size == 0 or x.sum() <= 0:
        return []
    cum = np.concatenate([[0.0], np.cumsum(x) / x.sum()])
    share = np.linspace(0.0, 1.0, cum.size)
    idx = np.unique(np.linspace(0, cum.size - 1, min(points, cum.size)).round().astype(int))
    return [[round(float(share[i]), 4), round(float(cum[i]), 4)] for i in idx]
