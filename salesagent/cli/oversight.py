"""Oversight commands (issue 23): ``audit equality`` and ``monitor`` (the offline ``eval report`` is not built
yet: docs/oversight.md).

Heavy libraries (pandas, scipy, ranx, matplotlib) are imported inside the commands so ``--help`` stays fast.
``monitor`` exits with :data:`DRIFT_EXIT` when a signal alerts (a log line and the optional webhook too).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from core.config import get_settings
from salesagent.cli._app import app

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DRIFT_EXIT = 11
"""Exit code of ``salesagent monitor`` when at least one signal alerts."""

console = Console()
audit_app = typer.Typer(help="The equality audit of recommendations and offers across customer groups.",
                        no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _engine() -> Engine:
    """Return the configured engine; one readable error when the database is behind the code."""
    from store.db import make_engine
    from store.migrate import require_schema

    engine = make_engine(get_settings())
    require_schema(engine)
    return engine


@audit_app.command("equality")
def audit_equality_command(
    month: Annotated[str, typer.Option("--month", help="The month to audit, YYYY-MM (its next month's purchases "
                                                      "score the recommendation quality).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write: .html (report with plots) or .json.")],
    store_record: Annotated[bool, typer.Option("--store/--no-store", help="Also store it as an audit record "
                                               "(shown to staff on /ui/audit).")] = True,
) -> None:
    """Audit one month: do companies of every region, industry, size band, funnel stage and protected group get
    comparable recommendation quality, exposure and access to price offers?

    Prints the flags (a gap that is statistically clear after Holm's correction and larger than the metric's
    threshold; settings SALESAGENT_AUDIT_ALPHA, _AUDIT_MIN_GROUP_SIZE, _AUDIT_THRESHOLDS). The JSON shape and how
    to read the report: docs/oversight.md.

    Examples:
      salesagent audit equality --month 2026-10 --out audit-2026-10.html
      salesagent audit equality --month 2026-10 --out audit-2026-10.json --no-store
    """
    from sqlmodel import Session

    from oversight.equality import AuditOptions, audit, audit_and_store, month_bounds
    from oversight.report import write

    month_bounds(month)  # a bad month is one line before anything is read
    if out.suffix.lower() not in (".json", ".html", ".htm"):
        from core.errors import InputError

        raise InputError(f"--out must end in .json or .html, not {out.name!r}")
    engine = _engine()
    options = AuditOptions.of(get_settings())
    with Session(engine) as session:
        if store_record:
            report = audit_and_store(session, month=month, options=options, actor="cli")
            session.commit()
        else:
            report = audit(session, month=month, options=options)
    engine.dispose()
    write(report, out)
    err = Console(stderr=True)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    if not report.flags:
        console.print(f"{month}: no flag ({report.settings['tests']} tests, {report.population['companies']} "
                      f"companies)", highlight=False)
    for f in report.flags:
        console.print(f"[bold]FLAG[/bold] {f.dimension} / {f.metric}: {f.groups[0]} vs {f.groups[1]}, gap "
                      f"{f.gap:.4g} (95 % CI {f.ci95[0]:.4g} to {f.ci95[1]:.4g}), Holm p {f.p_adjusted:.4g}",
                      highlight=False)
    console.print(f"wrote {out}" + (" and stored the audit record" if store_record else ""), highlight=False)


def _log_to_stderr() -> None:
    """Make the oversight logger's alert lines reach stderr when nothing else configured logging."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")


@app.command("monitor")
def monitor_command(
    window: Annotated[str, typer.Option("--window", help="The recent window (7d, 12h, 2w).")] = "7d",
    reference: Annotated[str, typer.Option("--reference", help="The reference period just before it.")] = "28d",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Also write it: .html or .json.")] = None,
    at: Annotated[datetime | None, typer.Option("--at", formats=["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
                                                help="Check as of this UTC time (default: now).")] = None,
) -> None:
    """Compare the recent window with the reference period on the inputs (segment mix, language, message length,
    masked personal data, searches without result, tool calls per turn) and the outputs (recommendation scores,
    coverage, bestseller share, approval requests, guardrail repairs, who answered).

    An alert (a test below SALESAGENT_DRIFT_ALPHA and an effect above its threshold) is a log line, a POST to
    SALESAGENT_ALERT_WEBHOOK_URL when set, and exit code 11. How to read it: docs/oversight.md.

    Examples:
      salesagent monitor
      salesagent monitor --window 1d --reference 14d --json
    """
    from sqlmodel import Session

    from oversight.drift import DriftOptions, describe, monitor, parse_span, raise_alerts
    from oversight.report import write

    span, ref = parse_span(window), parse_span(reference)
    settings = get_settings()
    engine = _engine()
    with Session(engine) as session:
        report = monitor(session, window=span, reference=ref, options=DriftOptions.of(settings),
                         now=at.replace(tzinfo=UTC) if at is not None else None)
    engine.dispose()
    if out is not None:
        write(report, out)
    if as_json:
        typer.echo(report.to_json())
    else:
        table = Table("signal", "side", "status", "ref n", "win n", "PSI", "p", "how it moved",
                      title=f"drift: last {window} vs the {reference} before")
        for s in report.signals:
            table.add_row(s.name, s.side, f"[red]{s.status}[/red]" if s.status == "alert" else s.status,
                          str(s.reference_n), str(s.window_n), "-" if s.psi is None else f"{s.psi:.3f}",
                          "-" if s.p_value is None else f"{s.p_value:.2g}",
                          describe(s) if s.status in ("ok", "alert") else s.note)
        console.print(table)
    _log_to_stderr()
    raise_alerts(report, webhook_url=settings.alert_webhook_url)
    if report.alert:
        raise typer.Exit(DRIFT_EXIT)
