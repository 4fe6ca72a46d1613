"""Measurement commands: ``kpi report``, ``kpi experiment start|end|list`` and ``import events``.

Heavy libraries (pandas, tea-tasting, matplotlib) are imported inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.config import get_settings
from core.errors import InputError, NotFoundError
from salesagent.cli._app import app
from salesagent.cli.data import import_app

console = Console()
kpi_app = typer.Typer(help="Recommendation KPIs (CTR, uplift per session, coverage) and the A/B experiment.",
                      no_args_is_help=True)
experiment_app = typer.Typer(help="Start, end and list the A/B experiment of the recommendations.",
                             no_args_is_help=True)
app.add_typer(kpi_app, name="kpi")
kpi_app.add_typer(experiment_app, name="experiment")
DATE_FORMATS = ["%Y-%m-%d"]

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def _engine() -> Engine:
    """Return the configured engine at the schema head (like the other data commands)."""
    from store.db import make_engine
    from store.migrate import upgrade_head

    engine = make_engine(get_settings())
    upgrade_head(engine)
    return engine


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@kpi_app.command("report")
def kpi_report_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write: .html (report with plots) or .json.")],
    date_from: Annotated[datetime | None, typer.Option("--from", formats=DATE_FORMATS,
                                                       help="First day (UTC), default: the log's first.")] = None,
    date_to: Annotated[datetime | None, typer.Option("--to", formats=DATE_FORMATS,
                                                     help="Last day included, default: the log's last.")] = None,
    events: Annotated[Path | None, typer.Option("--events", help="Read this event file (CSV or JSONL, .gz "
                                                "accepted) instead of the database.")] = None,
    catalog: Annotated[Path | None, typer.Option("--catalog", help="Catalogue CSV/JSONL (sku, active): the "
                                                 "coverage denominator for --events.")] = None,
    window_days: Annotated[float, typer.Option("--window-days", min=0, help="Attribution window.")] = 7.0,
    control_share: Annotated[float, typer.Option("--control-share", min=0, max=1, help="With --events: the "
                                                 "configured control share (SRM check, missing variants).")] = 0.10,
    salt: Annotated[str | None, typer.Option("--salt", help="With --events: the experiment salt for events "
                                             "without a variant (default: the default salt).")] = None,
) -> None:
    """Compute the recommendation KPIs and write them as an HTML report or JSON.

    CTR per surface/week/month/segment; conversion and revenue per session, treatment vs control, with the
    uplift, its 95 % interval and p-value; the sample-ratio check; catalogue coverage per month, the top-10
    share of impressions and a Gini index. The JSON shape is documented in docs/measurement.md.

    Examples:
      salesagent kpi report --out kpi.html
      salesagent kpi report --from 2026-10-01 --to 2026-10-31 --out october.json
      salesagent kpi report --events events.csv.gz --catalog var/demo/catalog.csv --out kpi.html
    """
    from measurement.experiment import DEFAULT_SALT
    from measurement.kpi import KpiOptions
    from measurement.report import write_report

    start, end = _day(date_from), _day(date_to)
    if start and end and start > end:
        raise InputError(f"--from {start} is after --to {end}")
    if out.suffix.lower() not in (".json", ".html", ".htm"):
        raise InputError(f"--out must end in .json or .html, not {out.name!r}")
    options = KpiOptions(start=start, end=end, window=timedelta(days=window_days), control_share=control_share)
    if events is not None:
        from measurement.source import report_from_file

        report = report_from_file(events, options=options, catalog_path=catalog, salt=salt or DEFAULT_SALT)
    else:
        if catalog is not None or salt is not None:
            raise InputError("--catalog and --salt go with --events (the database has the catalogue and the "
                             "experiment)")
        from sqlmodel import Session

        from measurement.source import report_from_store
        from store.db import make_engine

        with Session(make_engine(get_settings())) as session:
            report = report_from_store(session, options)
    write_report(report, out)
    up = report.uplift.conversion
    console.print(f"wrote {out}: {report.sessions.treatment:,} treatment / {report.sessions.control:,} control "
                  f"sessions, conversion uplift {_pct(up.absolute)} (95 % CI {_pct(up.ci95[0])} .. "
                  f"{_pct(up.ci95[1])}), SRM {'FLAGGED' if report.srm.flag else 'ok'}, "
                  f"{len(report.warnings)} warning(s)", highlight=False)
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:+.2f} pp"


@import_app.command("events")
def import_events_command(
    path: Annotated[Path, typer.Argument(help="Event file: CSV or JSONL (.gz accepted).")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl; default from the name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import recommendation measurement events (idempotent by event_id; bad rows counted with reasons).

    Columns: event_id, ts (ISO 8601), session_id, company (external id), type (impression|click|add_to_cart|
    order), sku, rec_request_id, position, surface, revenue, currency, variant (treatment|control, optional:
    computed from the experiment's hash when absent). Companies and SKUs must exist in the database.

    Example:
      salesagent import events shop-events-2026-11.jsonl.gz
    """
    from measurement.importer import import_events

    report = import_events(_engine(), path, fmt=fmt)
    if as_json:
        console.print_json(json.dumps(report.as_dict()))
        return
    table = Table(title=f"import events: {report.path} ({report.seconds:.1f} s)")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_column("examples")
    for label, value in (("rows read", report.rows), ("imported", report.imported),
                         ("already imported (same event_id)", report.already_present),
                         ("skipped rows", report.skipped_total)):
        table.add_row(label, f"{value:,}", "")
    for reason, count in report.skipped.items():
        table.add_row(f"  {reason}", f"{count:,}", "; ".join(report.examples.get(reason, [])[:2]))
    console.print(table)


@experiment_app.command("start")
def experiment_start_command(
    key: Annotated[str | None, typer.Option("--key", help="A unique name; default recs-<date>.")] = None,
    control_share: Annotated[float, typer.Option("--control-share", min=0.0, max=1.0,
                                                 help="Share of companies in control.")] = 0.10,
    salt: Annotated[str | None, typer.Option("--salt", help="Hash salt; default a random one.")] = None,
    note: Annotated[str, typer.Option("--note", help="Why it runs.")] = "",
) -> None:
    """Start an A/B experiment now (ends the running one): control companies get the non-personalised baseline.

    Example:
      salesagent kpi experiment start --control-share 0.1 --note "ALS blender v2 vs bestsellers"
    """
    import secrets

    from store import measurement as store
    from store.db import session_scope

    chosen = key or f"recs-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    with session_scope(_engine()) as session:
        if store.experiment_by_key(session, key=chosen) is not None:
            raise InputError(f"an experiment named {chosen!r} exists already: choose another --key")
        row = store.start_experiment(session, key=chosen[:64], salt=(salt or secrets.token_hex(8))[:64],
                                     control_share=control_share, created_by="cli", note=note[:500])
        console.print(f"started experiment {row.key}: {control_share:.0%} control, salt {row.salt}", highlight=False)


@experiment_app.command("end")
def experiment_end_command() -> None:
    """End the running experiment (everyone gets the personalised ranking again)."""
    from store import measurement as store
    from store.db import session_scope

    with session_scope(_engine()) as session:
        running = store.running_experiment(session)
        if running is None:
            raise NotFoundError("no experiment is running")
        store.end_experiment(session, experiment=running)
        console.print(f"ended experiment {running.key}", highlight=False)


@experiment_app.command("list")
def experiment_list_command() -> None:
    """List the recorded experiments."""
    from sqlmodel import Session

    from store import measurement as store

    with Session(_engine()) as session:
        rows = store.experiments(session)
    table = Table(title="experiments")
    for c in ("key", "control", "salt", "started", "ended", "note"):
        table.add_column(c)
    for e in rows:
        table.add_row(e.key, f"{e.control_share:.0%}", e.salt, f"{e.started_at:%Y-%m-%d %H:%M}",
                      f"{e.ended_at:%Y-%m-%d %H:%M}" if e.ended_at else "running", e.note)
    console.print(table)
