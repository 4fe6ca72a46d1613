"""The KPIs from an event frame (``measurement.eventlog``), vectorised with pandas: CTR per surface, week, month
and segment; conversion and revenue per session by arm with their uplift; the sample-ratio check; catalogue
coverage per month and popularity bias. The frame's ``variant`` is already resolved (``measurement.source``);
nothing here knows where the events came from or how a simulation made them.

Definitions (docs/measurement.md): a *session* is a ``session_id`` with at least one event in the period; its
arm is that of its first event; it *converts* when it holds an order; its revenue is the sum of its orders in the
log's main currency. CTR = attributed clicks / impressions, both in the period, by the impression's surface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

from measurement import stats
from measurement.attribution import DEFAULT_WINDOW, attribute
from measurement.eventlog import BadRows
from measurement.models import (
    ArmCounts,
    ArmFigures,
    Attribution,
    EventCounts,
    ExperimentInfo,
    KpiReport,
    Outside,
    Period,
    Popularity,
    Srm,
    Uplift,
    UpliftBlock,
)
from measurement.schema import SYNTHETIC_SOURCES

COVERAGE_WARN = 0.30
ARMS = ("treatment", "control")


@dataclass(frozen=True)
class KpiOptions:
    """What the report is asked for; the defaults are the documented ones."""

    start: date | None = None
    end: date | None = None
    """Last day included (UTC)."""
    window: timedelta = DEFAULT_WINDOW
    control_share: float = 0.10
    catalog_skus: Sequence[str] | None = None
    """Active SKUs (the coverage denominator); None: the SKUs the log mentions, with a warning."""
    bestsellers: Sequence[str] | None = None
    """The top-10 bestsellers; None: the SKUs most often ordered in the log's period."""
    experiment: ExperimentInfo | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Warnings the caller adds (e.g. no experiment recorded for the period)."""


def bounds(events: pd.DataFrame, options: KpiOptions) -> tuple[pd.Timestamp, pd.Timestamp, date | None, date | None]:
    """Return the period as ``[start, end)`` timestamps and its first and last day."""
    ts = events["ts"]
    first = options.start or (ts.min().date() if len(ts) else None)
    last = options.end or (ts.max().date() if len(ts) else None)
    lo = pd.Timestamp(datetime.combine(first, time(0), tzinfo=UTC)) if first else pd.Timestamp.min.tz_localize(UTC)
    hi = (pd.Timestamp(datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC)) if last
          else pd.Timestamp.max.tz_localize(UTC))
    return lo, hi, first, last


def compute(events: pd.DataFrame, options: KpiOptions | None = None, *, rows_read: int | None = None,
            bad: BadRows | None = None) -> KpiReport:
    """Return every KPI of ``events`` (variants resolved) over the options' period."""
    options = options or KpiOptions()
    lo, hi, first, last = bounds(events, options)
    actions = attribute(events, options.window)
    in_period = events[(events["ts"] >= lo) & (events["ts"] < hi)]
    acts = actions[(actions["ts"] >= lo) & (actions["ts"] < hi)]
    currency = _main_currency(in_period)
    report = KpiReport(period=Period.model_validate({"from": first, "to": last}), currency=currency, experiment=options.experiment)
    _ctr(report, in_period, acts, lo, hi)
    _arms(report, in_period, currency, options.control_share)
    catalogue = _catalogue(events, options, report)
    _coverage(report, in_period, catalogue)
    _popularity(report, in_period, catalogue, options.bestsellers)
    _attribution(report, acts, lo, hi, currency, options.window)
    synthetic = int(events["source"].isin(list(SYNTHETIC_SOURCES)).sum())
    report.synthetic = synthetic > 0
    report.events = EventCounts(read=rows_read if rows_read is not None else len(events), used=len(events),
                                in_period=len(in_period), bad=dict(bad.counts) if bad else {}, synthetic=synthetic)
    report.warnings = _warnings(report, in_period, bad, options) + list(report.warnings)
    return report


def _main_currency(events: pd.DataFrame) -> str | None:
    counts = _counts(events.loc[events["type"] == "order", "currency"])
    return str(counts.index[0]) if len(counts) else None


def _counts(values: pd.Series) -> pd.Series:
    """Return the counts of the values present (a categorical's unused categories left out), largest first."""
    counts = values.value_counts()
    return counts[counts > 0]


def _filled(values: pd.Series, missing: str) -> pd.Series:
    """Return ``values`` with missing ones as ``missing`` (also for a categorical that lacks that category)."""
    if isinstance(values.dtype, pd.CategoricalDtype) and missing not in values.cat.categories:
        values = values.cat.add_categories([missing])
    return values.fillna(missing)


# --- CTR -------------------------------------------------------------------------------------------------------


def _labels(ts: pd.Series, kind: str) -> pd.Categorical:
    """Return ISO week (``2026-W05``) or month (``2026-01``) labels of UTC times, computed once per day."""
    days = ts.dt.tz_convert(UTC).dt.tz_localize(None).to_numpy().astype("datetime64[D]")
    uniq, inverse = np.unique(days, return_inverse=True)
    dates = pd.to_datetime(uniq).date
    if kind == "week":
        names = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in dates]
    else:
        names = [f"{d.year}-{d.month:02d}" for d in dates]
    categories = sorted(set(names))
    position = {n: i for i, n in enumerate(categories)}
    codes = np.asarray([position[n] for n in names], dtype=np.int64)[inverse] if len(uniq) else np.zeros(0, int)
    return pd.Categorical.from_codes(codes, categories=categories)


def _rate(num: pd.Series, den: pd.Series) -> dict[str, float | None]:
    num = num.reindex(den.index, fill_value=0)
    return {str(k): (round(float(num[k]) / float(den[k]), 6) if den[k] else None) for k in sorted(den.index)}


def _ctr(report: KpiReport, events: pd.DataFrame, acts: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp) -> None:
    imps = events.loc[events["type"] == "impression", ["ts", "surface", "segment"]]
    clicks = acts.loc[(acts["type"] == "click") & (acts["imp_row"] >= 0), ["imp_ts", "imp_surface", "segment"]]
    clicks = clicks[(clicks["imp_ts"] >= lo) & (clicks["imp_ts"] < hi)]
    imp_surface, click_surface = _filled(imps["surface"], "unknown"), _filled(clicks["imp_surface"], "unknown")
    n_imp, n_click = _counts(imp_surface), _counts(click_surface)
    n_imp.index, n_click.index = n_imp.index.astype(str), n_click.index.astype(str)
    report.impressions = {str(k): int(v) for k, v in n_imp.sort_index().items()}
    report.clicks = {str(k): int(n_click.get(k, 0)) for k in n_imp.sort_index().index}
    report.ctr = _rate(n_click, n_imp)
    for kind, target in (("week", report.ctr_by_week), ("month", report.ctr_by_month)):
        den = _by_period(imp_surface, imps["ts"], kind)
        num = _by_period(click_surface, clicks["imp_ts"], kind)
        for surface in sorted(n_imp.index):
            target[surface] = _rate(num.get(surface, pd.Series(dtype=int)), den[surface])
    seg_imp, seg_click = _counts(_filled(imps["segment"], "unknown")), _counts(_filled(clicks["segment"], "unknown"))
    seg_imp.index, seg_click.index = seg_imp.index.astype(str), seg_click.index.astype(str)
    report.ctr_by_segment = _rate(seg_click, seg_imp)


def _by_period(surface: pd.Series, ts: pd.Series, kind: str) -> pd.Series:
    """Return counts by (surface, week or month label), labels as text."""
    frame = pd.DataFrame({"s": surface.to_numpy(), "p": _labels(ts, kind)})
    counts = frame.groupby(["s", "p"], observed=True).size()
    return counts[counts > 0]


# --- the experiment -----------------------------------------------------------------------------------------------


def session_table(events: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    """Return one row per session: ``company``, ``variant`` (of its first event), ``converted`` (0/1),
    ``revenue`` (its orders in ``currency``) and ``mixed`` (its events name more than one arm)."""
    session = events["session_id"].astype("category")
    s = session.cat.codes.to_numpy(dtype=np.int64)
    t = events["ts"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    variant = _filled(events["variant"].astype("category"), "outside")
    v = variant.cat.codes.to_numpy(dtype=np.int64)
    company = events["company"].astype("category")
    order = np.lexsort((t, s))
    s_sorted = s[order]
    starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]]) if len(s) else np.zeros(0, dtype=int)
    first = order[starts]
    v_sorted = v[order]
    mixed = (np.minimum.reduceat(v_sorted, starts) != np.maximum.reduceat(v_sorted, starts)) if len(s) else []
    n = len(session.cat.categories)
    is_order = (events["type"] == "order").to_numpy()
    paid = is_order & ((events["currency"].isna() | (events["currency"] == currency)).to_numpy()
                       if currency else True)
    revenue = np.bincount(s[paid], weights=np.nan_to_num(events["revenue"].to_numpy()[paid]), minlength=n)
    converted = np.bincount(s[is_order], minlength=n) > 0
    ids = s[first]
    return pd.DataFrame({
        "company": company.cat.categories.astype(str).to_numpy()[company.cat.codes.to_numpy()[first]],
        "variant": variant.cat.categories.astype(str).to_numpy()[v[first]],
        "mixed": np.asarray(mixed, dtype=bool), "converted": converted[ids].astype(int),
        "revenue": revenue[ids]},
        index=pd.Index(session.cat.categories.astype(str).to_numpy()[ids], name="session_id"))


def company_units(sessions: pd.DataFrame) -> pd.DataFrame:
    """Return one row per (arm, company): its sessions, converted sessions and revenue (the randomisation
    units the tests run on)."""
    return (sessions.groupby(["variant", "company"], sort=False, observed=True)
            .agg(sessions=("converted", "size"), conversions=("converted", "sum"), revenue=("revenue", "sum"))
            .reset_index())


def _uplift(result: stats.UpliftResult) -> Uplift:
    return Uplift(absolute=result.absolute, relative=result.relative, ci95=[result.ci_low, result.ci_high],
                  relative_ci95=[result.rel_ci_low, result.rel_ci_high], p_value=result.p_value)


def _arms(report: KpiReport, events: pd.DataFrame, currency: str | None, control_share: float) -> None:
    sessions = session_table(events, currency)
    units = company_units(sessions)
    per_arm = sessions.groupby("variant").agg(n=("converted", "size"), conv=("converted", "sum"),
                                              rev=("revenue", "sum"))
    count = {v: int(per_arm["n"].get(v, 0)) for v in (*ARMS, "outside")}
    report.sessions = ArmCounts(treatment=count["treatment"], control=count["control"])
    report.companies = ArmCounts(**{v: int((units["variant"] == v).sum()) for v in ARMS})
    both = stats.ratio_uplifts(units, {"conversion": ("conversions", "sessions"), "revenue": ("revenue", "sessions")})
    conversion, revenue = both["conversion"], both["revenue"]
    report.conversion = ArmFigures(treatment=conversion.treatment, control=conversion.control)
    report.revenue_per_session = ArmFigures(treatment=revenue.treatment, control=revenue.control)
    report.uplift = UpliftBlock(conversion=_uplift(conversion), revenue_per_session=_uplift(revenue))
    srm = stats.sample_ratio(units, control_share)
    report.srm = Srm(p_value=srm.p_value, flag=srm.flag, expected_control_share=control_share,
                     observed_control_share=srm.observed_control_share, effective_sessions=srm.effective_sessions,
                     companies=report.companies)
    n_out = count["outside"]
    report.outside_experiment = Outside(
        sessions=n_out, companies=int((units["variant"] == "outside").sum()),
        conversion=float(per_arm.loc["outside", "conv"]) / n_out if n_out else None,
        revenue_per_session=float(per_arm.loc["outside", "rev"]) / n_out if n_out else None)
    mixed = int(sessions["mixed"].sum())
    if mixed:
        report.warnings.append(f"{mixed} session(s) hold events of more than one arm: each counts in the arm of "
                               f"its first event")


# --- coverage and popularity bias ----------------------------------------------------------------------------------


def _catalogue(events: pd.DataFrame, options: KpiOptions, report: KpiReport) -> pd.Index:
    if options.catalog_skus is not None:
        skus = pd.Index(sorted(set(options.catalog_skus)))
    else:
        skus = pd.Index(sorted(events["sku"].dropna().unique()))
        report.warnings.append(f"no catalogue given: coverage counts against the {len(skus)} SKUs the log "
                               f"mentions (pass --catalog for the active catalogue)")
    report.catalogue_skus = len(skus)
    return skus


def _coverage(report: KpiReport, events: pd.DataFrame, catalogue: pd.Index) -> None:
    imps = events[(events["type"] == "impression") & events["sku"].isin(catalogue)]
    if not len(catalogue):
        return
    months = _labels(imps["ts"], "month")
    shown = imps.assign(m=months).groupby("m")["sku"].nunique()
    report.coverage = {str(m): round(float(n) / len(catalogue), 6) for m, n in shown.sort_index().items()}


def _popularity(report: KpiReport, events: pd.DataFrame, catalogue: pd.Index,
                bestsellers: Sequence[str] | None) -> None:
    imps = events.loc[events["type"] == "impression", "sku"]
    shown = _counts(imps)
    shown.index = shown.index.astype(str)
    counts = shown.reindex(catalogue.union(shown.index), fill_value=0)
    top = list(bestsellers) if bestsellers is not None else _log_bestsellers(events)
    top = top[:10]
    total = int(counts.sum())
    report.popularity = Popularity(
        top10=top, top10_share=(round(float(counts.reindex(top, fill_value=0).sum()) / total, 6)
                                if total and top else None),
        gini=None if not total else round(stats.gini(counts.to_numpy()) or 0.0, 6),
        lorenz=stats.lorenz(counts.to_numpy()))


def _log_bestsellers(events: pd.DataFrame) -> list[str]:
    orders = events.loc[(events["type"] == "order") & events["sku"].notna(), "sku"]
    counts = _counts(orders)
    frame = pd.DataFrame({"sku": counts.index.astype(str), "n": counts.to_numpy()})
    return list(frame.sort_values(["n", "sku"], ascending=[False, True])["sku"][:10])


# --- attribution summary and warnings ----------------------------------------------------------------------------


def _attribution(report: KpiReport, acts: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp,
                 currency: str | None, window: timedelta) -> None:
    credited = acts["imp_row"] >= 0
    orders = acts[acts["type"] == "order"]
    paid = orders[orders["currency"].isna() | (orders["currency"] == currency)] if currency else orders
    won = paid[paid["imp_row"] >= 0]
    report.attribution = Attribution(
        window_days=window.total_seconds() / 86400.0,
        clicks=int((credited & (acts["type"] == "click")).sum()),
        add_to_cart=int((credited & (acts["type"] == "add_to_cart")).sum()),
        orders=int((orders["imp_row"] >= 0).sum()), revenue=round(float(won["revenue"].sum()), 2),
        unattributed_clicks=int((~credited & (acts["type"] == "click")).sum()),
        unattributed_orders=int((orders["imp_row"] < 0).sum()),
        orders_by_surface={str(k): int(v) for k, v in
                           _counts(orders.loc[orders["imp_row"] >= 0, "imp_surface"]).sort_index().items()},
        revenue_by_surface={str(k): round(float(v), 2) for k, v in
                            won.groupby("imp_surface", observed=True)["revenue"].sum().sort_index().items()})


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def _partial(month: str, period: Period) -> str:
    """Return a note when the period holds only part of ``month`` (a short month shows few SKUs)."""
    year, mon = (int(x) for x in month.split("-"))
    first = date(year, mon, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    lo, hi = max(first, period.from_ or first), min(last, period.to or last)
    days, full = (hi - lo).days + 1, (last - first).days + 1
    return f"; the period holds {days} of its {full} days" if days < full else ""


def _warnings(report: KpiReport, events: pd.DataFrame, bad: BadRows | None, options: KpiOptions) -> list[str]:
    out = list(options.notes)
    if report.synthetic:
        out.append(f"synthetic data: {report.events.synthetic:,} of {report.events.used:,} events come from the "
                   f"demo's behaviour simulation; the figures describe the simulation, not real customers")
    if bad is not None and bad.total:
        reasons = ", ".join(f"{r} {n:,}" for r, n in bad.counts.most_common())
        out.append(f"{bad.total:,} bad row(s) left out ({reasons})")
    if report.srm.flag:
        out.append(f"sample ratio mismatch (p = {report.srm.p_value:.2g} < 0.001): control holds "
                   f"{_pct(report.srm.observed_control_share)} of the sessions, the split asks "
                   f"{_pct(report.srm.expected_control_share)}; check the assignment before trusting the uplift")
    for arm in ARMS:
        if getattr(report.sessions, arm) == 0:
            out.append(f"no {arm} sessions in the period: no uplift can be computed")
    if min(report.companies.treatment, report.companies.control) == 1:
        out.append("an arm has a single company: the interval needs at least two per arm")
    for month, share in report.coverage.items():
        if share is not None and share < COVERAGE_WARN:
            out.append(f"catalogue coverage {month}: {_pct(share)} of the active SKUs shown (below 30 %)"
                       + _partial(month, report.period))
    currencies = _counts(events.loc[events["type"] == "order", "currency"]).index
    if len(currencies) > 1:
        out.append(f"orders in {len(currencies)} currencies ({', '.join(sorted(map(str, currencies)))}): revenue "
                   f"counts only {report.currency}")
    return out
