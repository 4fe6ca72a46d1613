"""Where the events come from: an event file (no database) or the store's measurement log, with every missing
``variant`` resolved the way the surfaces would have assigned it, then the KPIs of :mod:`measurement.kpi`."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlmodel import Session

from measurement.eventlog import BadRows, read_catalog_skus, read_events
from measurement.experiment import DEFAULT_CONTROL_SHARE, DEFAULT_SALT, Split, assign
from measurement.kpi import KpiOptions, compute
from measurement.models import ExperimentInfo, KpiReport
from measurement.schema import VARIANTS, from_rows
from store import catalog
from store import measurement as store
from store.models import Experiment


def fill_variants(events: pd.DataFrame, splits: Sequence[Split], outside: Iterable[str] = ()) -> pd.DataFrame:
    """Return ``events`` with each missing variant resolved: a company in ``outside`` (objected to profiling)
    is outside; otherwise the arm the split running at the event's time gives its company (the salted hash);
    no split running: outside. Variants already present are kept."""
    variant = events["variant"].astype(pd.CategoricalDtype(list(VARIANTS)))
    codes = variant.cat.codes.to_numpy().copy()
    todo = codes < 0
    if todo.any():
        company = events["company"].astype("category")
        keys = np.asarray(company.cat.categories.astype(str), dtype=object)
        c = company.cat.codes.to_numpy()
        excluded = np.isin(keys, np.asarray(list(outside), dtype=object))
        codes[todo & excluded[c]] = VARIANTS.index("outside")
        todo &= ~excluded[c]
        t = events["ts"]
        for split in splits:
            inside = todo.copy()
            if split.start is not None:
                inside &= (t >= pd.Timestamp(_aware(split.start))).to_numpy()
            if split.end is not None:
                inside &= (t < pd.Timestamp(_aware(split.end))).to_numpy()
            if inside.any():
                used = np.unique(c[inside])
                arm_code = np.full(len(keys), -1, dtype=codes.dtype)
                arm_code[used] = [VARIANTS.index(assign(str(keys[i]), split)) for i in used]
                codes[inside] = arm_code[c[inside]]
                todo &= ~inside
        codes[todo] = VARIANTS.index("outside")
    out = events.copy(deep=False)
    out["variant"] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(list(VARIANTS)))
    return out


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _import_statistics() -> None:
    import tea_tasting  # noqa: F401


def report_from_file(path: Path, *, options: KpiOptions, catalog_path: Path | None = None, fmt: str | None = None,
                     salt: str = DEFAULT_SALT) -> KpiReport:
    """Return the KPIs of an event file; events without a variant get the arm of ``salt`` and the options'
    control share (the experiment that produced the file)."""
    warm = threading.Thread(target=_import_statistics, name="import-tea-tasting", daemon=True)
    warm.start()  # ~2 s of imports overlap the file's reading (Arrow reads on its own threads)
    log = read_events(path, fmt)
    skus = read_catalog_skus(catalog_path) if catalog_path is not None else options.catalog_skus
    warm.join()
    split = Split(salt=salt, control_share=options.control_share)
    events = fill_variants(log.events, [split])
    return compute(events, replace(options, catalog_skus=skus), rows_read=log.rows, bad=log.bad)


@dataclass(frozen=True)
class StoreLog:
    """The store's measurement events for a period (with the look-back the attribution needs) and what the KPIs
    need besides them."""

    events: pd.DataFrame
    options: KpiOptions


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def load_from_store(session: Session, options: KpiOptions) -> StoreLog:
    """Return the log rows of the options' period (from ``window`` earlier, so an impression just before the
    period can take the credit), each with its company's segment and a resolved variant."""
    start = _midnight(options.start) - options.window if options.start else None
    end = _midnight(options.end + timedelta(days=1)) if options.end else None
    rows = store.events_between(session, start=start, end=end)
    events = from_rows([tuple(r) for r in rows], store.EVENT_FIELDS)
    facts = store.company_facts(session)
    industry = {k: f.industry for k, f in facts.items() if f.industry}
    events["segment"] = events["company"].astype(str).map(industry).astype("category")
    recorded = store.experiments(session)
    splits = [Split.of(e) for e in recorded]
    events = fill_variants(events, splits, outside=[k for k, f in facts.items() if f.profiling_opt_out])
    notes: list[str] = []
    chosen = _experiment_for(recorded, options, events)
    if chosen is None:
        notes.append(f"no experiment recorded for the period: the sample-ratio check assumes "
                     f"{DEFAULT_CONTROL_SHARE:.0%} control (start one with `salesagent kpi experiment start`)")
    share = chosen.control_share if chosen is not None else DEFAULT_CONTROL_SHARE
    info = (ExperimentInfo(key=chosen.key, control_share=chosen.control_share, started_at=chosen.started_at,
                           ended_at=chosen.ended_at) if chosen is not None else None)
    bestsellers = store.bestsellers(session, start=_midnight(options.start) if options.start else None, end=end)
    return StoreLog(events, replace(options, control_share=share, experiment=info,
                                    catalog_skus=catalog.active_skus(session),
                                    bestsellers=bestsellers or None, notes=(*options.notes, *notes)))


def _experiment_for(recorded: Sequence[Experiment], options: KpiOptions, events: pd.DataFrame
                    ) -> Experiment | None:
    """Return the experiment the period reports on: the latest started that overlaps it."""
    if not recorded:
        return None
    lo = _midnight(options.start) if options.start else (events["ts"].min() if len(events) else None)
    hi = _midnight(options.end + timedelta(days=1)) if options.end else None
    overlapping = [e for e in recorded
                   if (hi is None or _aware(e.started_at) < hi)
                   and (lo is None or e.ended_at is None or _aware(e.ended_at) > lo)]
    return max(overlapping, key=lambda e: (_aware(e.started_at), e.id or 0)) if overlapping else None


def report_from_store(session: Session, options: KpiOptions) -> KpiReport:
    """Return the KPIs of the store's measurement log over the options' period."""
    log = load_from_store(session, options)
    return compute(log.events, log.options, bad=BadRows())

