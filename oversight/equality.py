"""The monthly equality audit: do companies of different groups get comparable recommendation quality, exposure
and access to offers? (issue 23, docs/oversight.md)

Groups: region, industry, company size band, funnel stage, and the protected attributes the store keeps
(gender, age band, nationality of the company's main contact). This module is the only one of the product that
reads them (:mod:`store.protected_read`; ``tests/test_protected_boundary.py``), and they leave it only as
aggregates of groups of at least ``min_group_size`` companies.

For every dimension and metric (``oversight.units``) the groups' values, the gap between the extreme groups with
its bootstrap interval and a permutation p-value (``oversight.disparity``); all p-values are Holm-adjusted
together, and a gap is flagged when the adjusted p-value is below ``alpha`` **and** the gap exceeds the metric's
threshold. Groups smaller than the minimum are listed as too small and never flagged.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from sqlmodel import Session

from core.config import AUDIT_THRESHOLDS, Settings
from core.errors import InputError
from measurement.attribution import DEFAULT_WINDOW, attribute, attributed
from measurement.schema import from_rows
from oversight import units
from oversight.disparity import N_BOOTSTRAP, N_PERMUTATIONS, Disparity, GroupSample, disparity, holm
from oversight.models import DisparityOut, EqualityReport, Flag, MetricInfo, Period, TooSmall
from store import measurement as log
from store import oversight as store
from store.protected_read import PROTECTED_DIMENSIONS, protected_groups

BUSINESS_DIMENSIONS = ("region", "industry", "size_band", "funnel_stage")
DIMENSIONS = (*BUSINESS_DIMENSIONS, *PROTECTED_DIMENSIONS)
UNKNOWN = "unknown"
HEAD_LOOKBACK = timedelta(days=365)
REFINE_FACTOR = 4
"""A test near its resolution floor is re-run with ``REFINE_FACTOR * tests / alpha`` shuffles: its smallest
possible p-value times the number of tests is then a quarter of alpha."""


@dataclass(frozen=True)
class AuditOptions:
    """How the audit decides; the defaults are the documented ones (``Settings`` overrides them)."""

    alpha: float = 0.05
    min_group_size: int = 30
    thresholds: Mapping[str, float] = field(default_factory=lambda: dict(AUDIT_THRESHOLDS))
    n_bootstrap: int = N_BOOTSTRAP
    n_permutations: int = N_PERMUTATIONS
    seed: int = 0

    @classmethod
    def of(cls, settings: Settings) -> AuditOptions:
        """Return the options the settings configure."""
        return cls(alpha=settings.audit_alpha, min_group_size=settings.audit_min_group_size,
                   thresholds=dict(settings.audit_thresholds))


def month_bounds(month: str) -> tuple[datetime, datetime, datetime]:
    """Return the start of ``month`` (``YYYY-MM``), of the next month and of the one after (UTC); raise
    ``InputError`` for anything else."""
    try:
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        raise InputError(f"--month {month!r}: expected a month as YYYY-MM, e.g. 2026-10") from None

    def after(t: datetime) -> datetime:
        return t.replace(year=t.year + (t.month == 12), month=t.month % 12 + 1)

    end = after(start)
    return start, end, after(end)


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _seed(base: int, *names: str) -> int:
    return (base + zlib.crc32("/".join(names).encode())) % 2**31


def unit_metrics(session: Session, *, start: datetime, end: datetime, next_end: datetime
                 ) -> tuple[dict[str, pd.DataFrame], set[str], dict[str, bool]]:
    """Return (per-company frames of every metric, the active companies' external ids, facts for the warnings)
    for the month ``[start, end)``, with the next month ``[end, next_end)`` as the quality metrics' truth."""
    companies = store.audit_companies(session)
    ext = {c.id: c.external_id for c in companies}
    events = from_rows([tuple(r) for r in log.events_between(session, start=start - DEFAULT_WINDOW, end=end)],
                       log.EVENT_FIELDS)
    in_month = ((events["ts"] >= pd.Timestamp(start)) & (events["ts"] < pd.Timestamp(end))).to_numpy()
    impressions = events[in_month & (events["type"] == "impression").to_numpy() & events["sku"].notna().to_numpy()]
    actions = attribute(events)
    clicked = actions[(actions["type"] == "click").to_numpy() & attributed(actions).to_numpy()
                      & (actions["ts"] >= pd.Timestamp(start)).to_numpy()]
    clicks = clicked["company"].astype(str).value_counts().to_dict()
    products = units.product_table(store.catalogue_items(session))
    head = units.head_skus(store.order_line_counts(session, start=start - HEAD_LOOKBACK, end=start),
                           {sku: p.category for sku, p in products.items()})
    bought_next = {ext[c]: s for c, s in store.purchased_skus(session, start=end, end=next_end).items() if c in ext}
    ordered_now = {ext[c] for c in store.purchased_skus(session, start=start, end=end) if c in ext}
    requests = [units.Request(company=ext[r.company_id], requested_at=_aware(r.requested_at),
                              decided_at=_aware(r.decided_at) if r.decided_at else None,
                              approved=r.decided_at is not None and r.status != "rejected",
                              discount=units.discount_of(r.approved_unit_price, r.list_price, r.discount_percent))
                for r in store.price_requests_between(session, start=start, end=end) if r.company_id in ext]
    shown = set(impressions["company"].astype(str).unique())
    active = shown | ordered_now | {r.company for r in requests}
    frames = {**units.quality(impressions, bought_next), **units.exposure(impressions, clicks, products, head),
              **units.access(requests, shown | ordered_now)}
    facts = {"synthetic": bool((impressions["source"].astype(str).isin(["demo", "synthetic"])).any())
             or any(c.source == "demo" for c in companies if c.external_id in active),
             "impressions": bool(len(impressions)), "requests": bool(requests)}
    return frames, active, facts


def _labels(session: Session) -> dict[str, dict[str, str]]:
    """Return ``{dimension: {company external id: group}}`` (``unknown`` where the store has no value)."""
    companies = store.audit_companies(session)
    protected = protected_groups(session)
    out: dict[str, dict[str, str]] = {d: {} for d in DIMENSIONS}
    for c in companies:
        for d in BUSINESS_DIMENSIONS:
            out[d][c.external_id] = getattr(c, d) or UNKNOWN
        groups = protected.get(c.id)
        for d in PROTECTED_DIMENSIONS:
            out[d][c.external_id] = (getattr(groups, d) if groups is not None else None) or UNKNOWN
    return out


def _sample(frame: pd.DataFrame, kind: str) -> GroupSample:
    return GroupSample(frame["num"].to_numpy(dtype=float), frame["den"].to_numpy(dtype=float) if kind == "ratio"
                       else None)


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), digits)


def audit(session: Session, *, month: str, options: AuditOptions | None = None,
          now: datetime | None = None) -> EqualityReport:
    """Return the equality audit of ``month`` (``YYYY-MM``) from the store."""
    opts = options or AuditOptions()
    start, end, next_end = month_bounds(month)
    frames, active, facts = unit_metrics(session, start=start, end=end, next_end=next_end)
    labels = _labels(session)
    groups: dict[str, dict[str, dict[str, float | int | None]]] = {}
    too_small: list[TooSmall] = []
    todo: list[tuple[str, str, dict[str, GroupSample]]] = []
    pending: list[tuple[str, str, Disparity]] = []
    for dim in DIMENSIONS:
        label = labels[dim]
        members: dict[str, set[str]] = {}
        for company in sorted(active):
            members.setdefault(label.get(company, UNKNOWN), set()).add(company)
        groups[dim] = {}
        samples: dict[str, dict[str, GroupSample]] = {m: {} for m in units.METRICS}
        for group in sorted(members):
            n = len(members[group])
            row: dict[str, float | int | None] = {"n": n}
            if n < opts.min_group_size:
                too_small.append(TooSmall(dimension=dim, group=group, n=n))
                groups[dim][group] = row | dict.fromkeys(units.METRICS)
                continue
            for metric, info in units.METRICS.items():
                frame = frames[metric]
                part = frame[frame["company"].isin(members[group])]
                if len(part) < opts.min_group_size:
                    too_small.append(TooSmall(dimension=dim, group=group, metric=metric, n=len(part)))
                    row[metric] = None
                    continue
                samples[metric][group] = _sample(part, info.kind)
                row[metric] = _round(samples[metric][group].value())
            groups[dim][group] = row
        todo += [(dim, metric, samples[metric]) for metric in units.METRICS
                 if sum(g.n >= 2 for g in samples[metric].values()) >= 2]
    # enough shuffles that the smallest p-value, times the number of tests (Holm), can pass alpha
    refined = max(opts.n_permutations, math.ceil(REFINE_FACTOR * max(1, len(todo)) / opts.alpha))
    for dim, metric, sample in todo:
        result = disparity(sample, seed=_seed(opts.seed, dim, metric), n_bootstrap=opts.n_bootstrap,
                           n_permutations=opts.n_permutations, max_permutations=refined)
        if result is not None:
            pending.append((dim, metric, result))
    adjusted = holm([d.p_value for _, _, d in pending])
    disparities: dict[str, dict[str, DisparityOut]] = {}
    flags: list[Flag] = []
    for (dim, metric, d), p_adj in zip(pending, adjusted, strict=True):
        threshold = float(opts.thresholds.get(metric, AUDIT_THRESHOLDS[metric]))
        flagged = p_adj < opts.alpha and d.gap > threshold
        out = DisparityOut(groups=[d.low, d.high], gap=round(d.gap, 6), ci95=[round(x, 6) for x in d.ci95],
                           ratio=_round(d.ratio), ratio_ci95=[round(x, 6) for x in d.ratio_ci95]
                           if d.ratio_ci95 else None, p_value=d.p_value, p_adjusted=p_adj, threshold=threshold,
                           flagged=flagged, compared=sum(1 for v in groups[dim].values()
                                                         if v.get(metric) is not None))
        disparities.setdefault(dim, {})[metric] = out
        if flagged:
            better = units.METRICS[metric].better
            flags.append(Flag(dimension=dim, metric=metric, groups=out.groups, gap=out.gap, ci95=out.ci95,
                              ratio=out.ratio, ratio_ci95=out.ratio_ci95, p_value=d.p_value, p_adjusted=p_adj,
                              threshold=threshold, disadvantaged=d.low if better == "higher" else d.high
                              if better == "lower" else None))
    overall = {m: _round(_sample(frames[m], info.kind).value()) if len(frames[m]) else None
               for m, info in units.METRICS.items()}
    return EqualityReport(
        month=month, groups=groups, flags=flags, too_small=too_small, disparities=disparities, overall=overall,
        metrics={m: MetricInfo(label=i.label, family=i.family, kind=i.kind, better=i.better, unit=i.unit,
                               population=i.population,
                               threshold=float(opts.thresholds.get(m, AUDIT_THRESHOLDS[m])))
                 for m, i in units.METRICS.items()},
        period=Period.model_validate({"from": start.date().isoformat(),
                                      "to": (end - timedelta(days=1)).date().isoformat(),
                                      "next_to": (next_end - timedelta(days=1)).date().isoformat()}),
        population={"companies": len(active), **{m: len(f) for m, f in frames.items()}},
        settings={"alpha": opts.alpha, "min_group_size": opts.min_group_size, "correction": "holm",
                  "bootstrap_resamples": opts.n_bootstrap, "permutation_resamples": opts.n_permutations,
                  "refined_permutation_resamples": refined, "seed": opts.seed, "tests": len(pending)},
        warnings=_warnings(facts, next_end, now), synthetic=facts["synthetic"],
        generated_at=now or datetime.now(UTC))


def _warnings(facts: dict[str, bool], next_end: datetime, now: datetime | None) -> list[str]:
    out = []
    if facts["synthetic"]:
        out.append("synthetic data: the demo's simulated customers, impressions and price requests (its one "
                   "documented bias: store/demo/price_requests.py); these figures describe the simulation")
    if (now or datetime.now(UTC)) < next_end:
        out.append(f"the next month is not over yet (until {(next_end - timedelta(days=1)).date()}): hit rate and "
                   "recall count only the purchases made so far")
    if not facts["impressions"]:
        out.append("no recommendation was shown in the month: no quality or exposure metric")
    if not facts["requests"]:
        out.append("no price request was filed in the month: no access-to-offers metric but the request count")
    return out


def audit_and_store(session: Session, *, month: str, options: AuditOptions | None = None, actor: str = "salesagent",
                    now: datetime | None = None) -> EqualityReport:
    """Return the audit of ``month`` and add it to the session as an audit record (the caller commits)."""
    report = audit(session, month=month, options=options, now=now)
    store.add_equality_audit(session, month=month, report=report.to_dict(), actor=actor)
    return report
