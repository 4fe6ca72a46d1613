"""The drift monitor: the recent window against a reference window, on what comes in and what goes out
(issue 23, docs/oversight.md).

Inputs: the segment mix of the customers writing, their language, message length, the share of messages with
masked personal data, the share of shop searches that listed nothing, tool calls per turn. Outputs: the
recommendations' score distribution, catalogue coverage, the share of bestsellers recommended, the rate of
price-approval requests, guardrail repairs per turn, and who answered (the LLM or the rule planner).

Each signal is compared with a test from scipy and an effect size, and alerts only when both say so:

- categories (segment, language, answered by): chi-square test of the two windows' counts and the population
  stability index (PSI) of their shares, ``sum((w - r) * ln(w / r))``;
- a share (masked PII, empty searches, bestsellers, approval requests, repairs): the same chi-square test (2x2)
  and the change of the share in absolute terms;
- numbers (message length, tool calls, scores): the two-sample Kolmogorov-Smirnov test and the PSI over the
  reference's deciles;
- coverage (distinct SKUs recommended / active SKUs): the windows have different sizes and coverage grows with
  the number of recommendations, so both are compared at the same size: the larger window is subsampled to the
  smaller one's size (999 draws), the p-value is the share of draws as far from the other window as it is, and
  the change is relative.

A signal with fewer than ``min_count`` observations in a window is ``insufficient``; one the store holds no data
of is ``not_recorded``: tool calls per turn and recommendation scores are read from the rows
:func:`store.oversight.record_turn_signals` writes in every agent turn's transaction (since 2026-12-02), so
a window of turns older than that, or a store only ever filled by the demo generator, has none.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlmodel import Session

from core.config import Settings
from core.errors import ConfigError, InputError
from guardrails.pii.vault import PLACEHOLDER_RE
from oversight.models import DriftReport, SignalResult
from store import measurement as log
from store import oversight as store

logger = logging.getLogger("salesagent.oversight")
EPS = 1e-4
"""Added to every share before the PSI, so that a category absent from one window gives a large, finite PSI."""
COVERAGE_DRAWS = 999
_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*$")
NOT_RECORDED = ("no per-turn signals stored in this window: the agent's turns write them "
                "(store.oversight.record_turn_signals) and none ran here (docs/oversight.md)")


@dataclass(frozen=True)
class DriftOptions:
    """When a signal alerts; the defaults are the documented ones (``Settings`` overrides them)."""

    alpha: float = 0.01
    psi_threshold: float = 0.2
    share_threshold: float = 0.05
    coverage_threshold: float = 0.2
    min_count: int = 30
    seed: int = 0

    @classmethod
    def of(cls, settings: Settings) -> DriftOptions:
        """Return the options the settings configure."""
        return cls(alpha=settings.drift_alpha, psi_threshold=settings.drift_psi_threshold,
                   share_threshold=settings.drift_share_threshold,
                   coverage_threshold=settings.drift_coverage_threshold, min_count=settings.drift_min_count)


def parse_span(text: str) -> timedelta:
    """Return ``7d`` / ``12h`` / ``4w`` as a timedelta; raise ``InputError`` otherwise."""
    m = _SPAN.match(text or "")
    if not m or float(m.group(1)) <= 0:
        raise InputError(f"{text!r}: expected a length like 7d, 12h or 4w")
    value = float(m.group(1))
    return {"h": timedelta(hours=value), "d": timedelta(days=value), "w": timedelta(weeks=value)}[m.group(2)]


# --- the statistics (pure) ------------------------------------------------------------------------------------


def psi(reference: Sequence[float], window: Sequence[float]) -> float:
    """Return the population stability index of two share vectors over the same categories."""
    r = np.asarray(reference, dtype=float) + EPS
    w = np.asarray(window, dtype=float) + EPS
    r, w = r / r.sum(), w / w.sum()
    return float(np.sum((w - r) * np.log(w / r)))


def _chi2(table: np.ndarray) -> float:
    from scipy.stats import chi2_contingency

    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return 1.0
    return float(chi2_contingency(table, correction=table.shape[1] == 2).pvalue)


def compare_categorical(name: str, side: str, reference: Sequence[str], window: Sequence[str],
                        opts: DriftOptions) -> SignalResult:
    """Compare the category mix of two windows (chi-square and PSI)."""
    base = SignalResult(name=name, side=side, kind="categorical", status="ok", reference_n=len(reference),
                        window_n=len(window))
    if min(len(reference), len(window)) < opts.min_count:
        return base.model_copy(update={"status": "insufficient"})
    cats = sorted(set(reference) | set(window))
    rc, wc = Counter(reference), Counter(window)
    r = np.array([rc[c] for c in cats], dtype=float)
    w = np.array([wc[c] for c in cats], dtype=float)
    value, p = psi(r / r.sum(), w / w.sum()), _chi2(np.vstack([r, w]))
    alert = p < opts.alpha and value >= opts.psi_threshold
    return base.model_copy(update={
        "status": "alert" if alert else "ok", "psi": round(value, 4), "test": "chi-square", "p_value": p,
        "reference_shares": {c: round(float(x / r.sum()), 4) for c, x in zip(cats, r, strict=True)},
        "window_shares": {c: round(float(x / w.sum()), 4) for c, x in zip(cats, w, strict=True)}})


def compare_binary(name: str, side: str, reference: Sequence[bool], window: Sequence[bool],
                   opts: DriftOptions) -> SignalResult:
    """Compare a share between two windows (chi-square 2x2 and the absolute change)."""
    base = SignalResult(name=name, side=side, kind="binary", status="ok", reference_n=len(reference),
                        window_n=len(window))
    if min(len(reference), len(window)) < opts.min_count:
        return base.model_copy(update={"status": "insufficient"})
    r1, w1 = float(sum(reference)), float(sum(window))
    r, w = r1 / len(reference), w1 / len(window)
    p = _chi2(np.array([[r1, len(reference) - r1], [w1, len(window) - w1]]))
    alert = p < opts.alpha and abs(w - r) >= opts.share_threshold
    return base.model_copy(update={
        "status": "alert" if alert else "ok", "psi": round(psi([r, 1 - r], [w, 1 - w]), 4), "test": "chi-square",
        "p_value": p, "reference_value": round(r, 4), "window_value": round(w, 4), "change": round(w - r, 4)})


def compare_numeric(name: str, side: str, reference: Sequence[float], window: Sequence[float],
                    opts: DriftOptions) -> SignalResult:
    """Compare two distributions (Kolmogorov-Smirnov and the PSI over the reference's deciles)."""
    from scipy.stats import ks_2samp

    base = SignalResult(name=name, side=side, kind="numeric", status="ok", reference_n=len(reference),
                        window_n=len(window))
    if min(len(reference), len(window)) < opts.min_count:
        return base.model_copy(update={"status": "insufficient"})
    r, w = np.asarray(reference, dtype=float), np.asarray(window, dtype=float)
    edges = np.unique(np.quantile(r, np.linspace(0.1, 0.9, 9)))
    rc = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1)
    wc = np.bincount(np.searchsorted(edges, w, side="right"), minlength=len(edges) + 1)
    value = psi(rc / rc.sum(), wc / wc.sum())
    p = float(ks_2samp(r, w).pvalue)
    alert = p < opts.alpha and value >= opts.psi_threshold
    return base.model_copy(update={
        "status": "alert" if alert else "ok", "psi": round(value, 4), "test": "kolmogorov-smirnov", "p_value": p,
        "reference_value": round(float(r.mean()), 4), "window_value": round(float(w.mean()), 4),
        "change": round(float(w.mean() - r.mean()), 4)})


def compare_coverage(name: str, side: str, reference: Sequence[str], window: Sequence[str], catalogue: int,
                     opts: DriftOptions) -> SignalResult:
    """Compare catalogue coverage at equal sample size (the larger window subsampled to the smaller's size)."""
    base = SignalResult(name=name, side=side, kind="coverage", status="ok", reference_n=len(reference),
                        window_n=len(window))
    if min(len(reference), len(window)) < opts.min_count or catalogue <= 0:
        return base.model_copy(update={"status": "insufficient"})
    rng = np.random.default_rng(opts.seed)
    big, small, window_is_small = ((reference, window, True) if len(reference) >= len(window)
                                   else (window, reference, False))
    n = len(small)
    codes = np.unique(np.asarray(big, dtype=object), return_inverse=True)[1]
    draws = np.array([len(np.unique(codes[rng.choice(len(codes), size=n, replace=False)]))
                      for _ in range(COVERAGE_DRAWS)], dtype=float) / catalogue
    fixed = len(set(small)) / catalogue
    centre = float(draws.mean())
    p = float(min(1.0, 2 * min((1 + np.sum(draws <= fixed)) / (COVERAGE_DRAWS + 1),
                               (1 + np.sum(draws >= fixed)) / (COVERAGE_DRAWS + 1))))
    ref_value, win_value = (centre, fixed) if window_is_small else (fixed, centre)
    change = (win_value - ref_value) / ref_value if ref_value > 0 else 0.0
    alert = p < opts.alpha and abs(change) >= opts.coverage_threshold
    return base.model_copy(update={
        "status": "alert" if alert else "ok", "test": f"subsampling at n={n}", "p_value": p,
        "reference_value": round(ref_value, 4), "window_value": round(win_value, 4), "change": round(change, 4),
        "note": f"coverage of {n} recommendations, {catalogue} active SKUs"})


def not_recorded(name: str, side: str, kind: str) -> SignalResult:
    """Return the result of a signal the store has no data of."""
    return SignalResult(name=name, side=side, kind=kind, status="not_recorded", note=NOT_RECORDED)


# --- what the store holds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observations:
    """Every signal's observations in one window."""

    segment: list[str]
    language: list[str]
    message_length: list[float]
    masked_pii: list[bool]
    no_result_search: list[bool]
    tool_calls: list[float]
    scores: list[float]
    recommended: list[str]
    bestseller: list[bool]
    approval_request: list[bool]
    guardrail_repair: list[bool]
    answered_by: list[str]
    turn_signals: int


def _per_turn(events: int, turns: int) -> list[bool]:
    """Return ``turns`` booleans of which ``min(events, turns)`` are true (a rate per turn as observations)."""
    k = min(events, turns)
    return [True] * k + [False] * (turns - k)


def observe(session: Session, *, start: datetime, end: datetime, bestsellers: set[str]) -> Observations:
    """Return what the store holds of every signal for ``[start, end)``."""
    messages = store.user_messages_between(session, start=start, end=end)
    turns = store.turns_between(session, start=start, end=end)
    signals = store.turn_signals_between(session, start=start, end=end)
    recs = store.recommendations_between(session, start=start, end=end)
    searches = [not listed for listed in store.searches_between(session, start=start, end=end)]
    for s in signals:
        searches += [True] * s.no_result_searches + [False] * max(0, s.searches - s.no_result_searches)
    trips = store.output_check_actions_between(session, start=start, end=end)
    requests = store.chat_price_requests_between(session, start=start, end=end)
    return Observations(
        segment=[m.industry or "unknown" for m in messages],
        language=[m.language or "unknown" for m in messages],
        message_length=[float(len(m.masked_text)) for m in messages],
        masked_pii=[bool(PLACEHOLDER_RE.search(m.masked_text)) for m in messages],
        no_result_search=searches,
        tool_calls=[float(len(s.tool_calls)) for s in signals],
        scores=[x for s in signals for x in s.scores],
        recommended=[r.sku for r in recs],
        bestseller=[r.sku in bestsellers for r in recs],
        approval_request=_per_turn(len(requests), len(turns)),
        guardrail_repair=_per_turn(len(trips), len(turns)),
        answered_by=[t.answered_by or "unknown" for t in turns],
        turn_signals=len(signals),
    )


def compare(reference: Observations, window: Observations, *, catalogue: int, opts: DriftOptions
            ) -> list[SignalResult]:
    """Return every signal's comparison of the two windows (pure)."""
    recorded = reference.turn_signals + window.turn_signals > 0
    return [
        compare_categorical("segment", "input", reference.segment, window.segment, opts),
        compare_categorical("language", "input", reference.language, window.language, opts),
        compare_numeric("message_length", "input", reference.message_length, window.message_length, opts),
        compare_binary("masked_pii", "input", reference.masked_pii, window.masked_pii, opts),
        compare_binary("no_result_search", "input", reference.no_result_search, window.no_result_search, opts),
        compare_numeric("tool_calls", "input", reference.tool_calls, window.tool_calls, opts) if recorded
        else not_recorded("tool_calls", "input", "numeric"),
        compare_numeric("score", "output", reference.scores, window.scores, opts) if recorded
        else not_recorded("score", "output", "numeric"),
        compare_coverage("coverage", "output", reference.recommended, window.recommended, catalogue, opts),
        compare_binary("bestseller_share", "output", reference.bestseller, window.bestseller, opts),
        compare_binary("approval_requests", "output", reference.approval_request, window.approval_request, opts),
        compare_binary("guardrail_repairs", "output", reference.guardrail_repair, window.guardrail_repair, opts),
        compare_categorical("answered_by", "output", reference.answered_by, window.answered_by, opts),
    ]


def describe(s: SignalResult) -> str:
    """Return one line saying how a signal moved."""
    p = "n/a" if s.p_value is None else ("< 0.0001" if s.p_value < 1e-4 else f"{s.p_value:.4f}")
    if s.kind == "categorical":
        moved = sorted(set(s.reference_shares) | set(s.window_shares),
                       key=lambda c: -abs(s.window_shares.get(c, 0) - s.reference_shares.get(c, 0)))[:3]
        shares = ", ".join(f"{c} {100 * s.reference_shares.get(c, 0):.0f} % -> {100 * s.window_shares.get(c, 0):.0f} %"
                           for c in moved)
        return f"{s.name}: PSI {s.psi:.2f}, {s.test} p {p} ({shares})"
    if s.kind == "numeric":
        return f"{s.name}: PSI {s.psi:.2f}, {s.test} p {p} (mean {s.reference_value:.4g} -> {s.window_value:.4g})"
    if s.kind == "coverage":
        return f"{s.name}: {s.reference_value:.3f} -> {s.window_value:.3f} ({100 * (s.change or 0):+.0f} %), p {p}"
    return (f"{s.name}: {100 * (s.reference_value or 0):.1f} % -> {100 * (s.window_value or 0):.1f} % "
            f"({100 * (s.change or 0):+.1f} pp), {s.test} p {p}")


def monitor(session: Session, *, window: timedelta = timedelta(days=7), reference: timedelta = timedelta(days=28),
            options: DriftOptions | None = None, now: datetime | None = None) -> DriftReport:
    """Return the drift report of the last ``window`` against the ``reference`` period just before it."""
    opts = options or DriftOptions()
    end = now or datetime.now(UTC)
    start = end - window
    ref_start = start - reference
    bestsellers = set(log.bestsellers(session, start=ref_start, end=start))
    ref = observe(session, start=ref_start, end=start, bestsellers=bestsellers)
    win = observe(session, start=start, end=end, bestsellers=bestsellers)
    signals = compare(ref, win, catalogue=store.active_sku_count(session), opts=opts)
    alerts = [describe(s) for s in signals if s.status == "alert"]
    return DriftReport(
        generated_at=datetime.now(UTC), alert=bool(alerts), alerts=alerts, signals=signals,
        window={"from": start.isoformat(), "to": end.isoformat()},
        reference={"from": ref_start.isoformat(), "to": start.isoformat()},
        settings={"alpha": opts.alpha, "psi_threshold": opts.psi_threshold,
                  "share_threshold": opts.share_threshold, "coverage_threshold": opts.coverage_threshold,
                  "min_count": opts.min_count})


def raise_alerts(report: DriftReport, *, webhook_url: str | None, timeout: float = 5.0) -> None:
    """Log one line per alert (``salesagent.oversight``, WARNING) and POST the report to ``webhook_url`` as JSON
    when there is one; raise ``ConfigError`` (one line) when the webhook does not accept it."""
    for line in report.alerts:
        logger.warning("drift alert: %s", line)
    if not report.alert or not webhook_url:
        return
    import httpx

    payload: dict[str, Any] = {"event": "salesagent.drift", "alerts": report.alerts,
                               "window": report.window, "reference": report.reference,
                               "report": report.model_dump(mode="json")}
    where = httpx.URL(webhook_url).host or "?"  # never the path or query: they may hold a token
    try:
        response = httpx.post(webhook_url, json=payload, timeout=timeout)
    except httpx.HTTPError as err:
        raise ConfigError(f"alert webhook at {where} unreachable ({err.__class__.__name__})") from None
    if response.status_code >= 400:
        raise ConfigError(f"alert webhook at {where} answered HTTP {response.status_code}")
