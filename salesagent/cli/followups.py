"""Follow-up commands: ``followups plan`` (the dry run), ``followups send`` and ``followups report``."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from core.config import Settings, get_settings
from core.errors import InputError
from salesagent.cli._app import app

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

console = Console()
followups_app = typer.Typer(help="Follow-up e-mails after an abandoned visit: plan (dry run), send, report.",
                            no_args_is_help=True)
app.add_typer(followups_app, name="followups")

AtOption = Annotated[str | None, typer.Option(
    "--at", help="Plan as if it were this time: 2026-11-17, 2026-11-17T10:00 or with an offset (+01:00, Z); "
                 "without one, the shop's time zone. Default: now.")]


def parse_at(value: str | None, settings: Settings) -> datetime:
    """Return ``--at`` as an aware UTC time; a date alone is the end of that day, and a time without an offset is
    the shop's local time."""
    if value is None:
        return datetime.now(UTC)
    text = value.strip()
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), datetime.max.time().replace(microsecond=0))
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--at {value!r} is no date or time (write e.g. 2026-11-17 or 2026-11-17T10:00)") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(settings.shop_timezone))
    return parsed.astimezone(UTC)


def _engine() -> Engine:
    from store.db import make_engine
    from store.migrate import upgrade_head

    engine = make_engine(get_settings())
    upgrade_head(engine)
    return engine


@followups_app.command("plan")
def plan_command(
    at: AtOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Show who would get a follow-up e-mail for an abandoned visit, with which products and why, and who would
    not and why (a dry run: nothing is written or sent).

    Examples:
      salesagent followups plan
      salesagent followups plan --at 2026-11-17T10:00 --json
    """
    from sqlmodel import Session

    from followups.models import REASON_TEXT
    from followups.planner import plan

    settings = get_settings()
    when = parse_at(at, settings)
    with Session(_engine()) as session:
        decisions = plan(session, settings, at=when)
    if as_json:
        for d in decisions:
            line = d.line.model_dump()
            line["premises"] = [p.data() for p in d.line.premises]
            typer.echo(json.dumps(line, ensure_ascii=False))
        return
    table = Table(title=f"follow-ups due up to {when.isoformat(timespec='minutes')}")
    for column in ("contact", "company", "session", "viewed", "accessories (orders together / with viewed)",
                   "status"):
        table.add_column(column)
    for d in decisions:
        premises = {p.sku: p for p in d.line.premises}
        accessories = ", ".join(f"{s} ({premises[s].together}/{premises[s].orders})" for s in d.line.accessory_skus)
        status = "planned" if d.line.status == "planned" else REASON_TEXT.get(d.line.reason or "", d.line.reason)
        table.add_row(str(d.line.contact_id or "-"), str(d.line.company_id), d.line.session_id,
                      d.line.viewed_sku or "-", accessories or "-", str(status))
    console.print(table)
    counts = Counter(d.line.reason or "planned" for d in decisions)
    console.print(", ".join(f"{k} {v}" for k, v in counts.most_common()) or "no abandoned visits due",
                  highlight=False)


@followups_app.command("send")
def send_command(
    at: AtOption = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Send at most this many.")] = None,
    plan_first: Annotated[bool, typer.Option("--plan/--no-plan",
                                             help="Record the due decisions in the outbox first.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="The counts as one JSON object.")] = False,
) -> None:
    """Record the due follow-ups in the outbox and send them (SMTP by SALESAGENT_SMTP_URL, else .eml files in the
    data dir). Safe to run from cron and from several processes at once: each e-mail is sent once.

    Examples:
      salesagent followups send
      SALESAGENT_SMTP_URL=smtp+starttls://user:pw@mail.example.pl:587 salesagent followups send --limit 100
    """
    from followups.sender import run_once

    settings = get_settings()
    planned, report = run_once(_engine(), settings, at=parse_at(at, settings), limit=limit, plan_first=plan_first)
    summary = {"planned": planned.by_status if planned else {}, "recorded": planned.inserted if planned else 0,
               "due": report.due, "claimed": report.claimed, "lost_to_another_sender": report.lost,
               "sent": report.sent, "retry": report.retry, "failed": report.failed, "cancelled": report.cancelled,
               "transport": report.transport, "errors": report.errors[:20]}
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    console.print(f"recorded {summary['recorded']} decision(s) {summary['planned']}; due {report.due}: sent "
                  f"{report.sent}, retry {report.retry}, failed {report.failed}, cancelled {report.cancelled}, "
                  f"taken by another sender {report.lost} ({report.transport})", highlight=False)
    for line in report.errors[:10]:
        console.print(f"  [yellow]{line}[/yellow]", highlight=False)


@followups_app.command("report")
def report_command(
    date_from: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"],
                                                       help="First due day (UTC).")] = None,
    date_to: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"],
                                                     help="Last due day included (UTC).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The figures as JSON.")] = False,
) -> None:
    """The follow-ups' e-mail CTR and attributed orders, and conversion and revenue per eligible visit of the
    treatment arm against the control arm (intent to treat)."""
    from sqlmodel import Session

    from followups.kpi import email_kpis

    start, end = (date_from.date() if date_from else None), (date_to.date() if date_to else None)
    if start and end and start > end:
        raise InputError(f"--from ({start}) is after --to ({end})")
    with Session(_engine()) as session:
        kpis = email_kpis(session, start=start, end=end)
    if as_json:
        typer.echo(kpis.model_dump_json(indent=2))
        return

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{100 * x:.1f} %"

    console.print(f"outbox: {kpis.statuses or 'empty'}", highlight=False)
    console.print(f"e-mail CTR {pct(kpis.ctr)} ({kpis.clicks} clicks / {kpis.impressions} impressions); attributed "
                  f"orders {kpis.attributed_orders} ({kpis.attributed_revenue:,.2f} {kpis.currency or ''})",
                  highlight=False)
    up = kpis.uplift.conversion
    console.print(f"eligible visits treatment / control: {kpis.eligible_visits.treatment} / "
                  f"{kpis.eligible_visits.control}; conversion {pct(kpis.conversion.treatment)} / "
                  f"{pct(kpis.conversion.control)}; uplift {pct(up.absolute)} [{pct(up.ci95[0])}, {pct(up.ci95[1])}]",
                  highlight=False)
    rev, up_rev, cur = kpis.revenue_per_visit, kpis.uplift.revenue_per_session, kpis.currency or ""

    def money(x: float | None) -> str:
        return "n/a" if x is None else f"{x:,.2f} {cur}".strip()

    console.print(f"revenue per eligible visit treatment / control: {money(rev.treatment)} / {money(rev.control)}; "
                  f"uplift {money(up_rev.absolute)} [{money(up_rev.ci95[0])}, {money(up_rev.ci95[1])}]",
                  highlight=False)
    for w in kpis.warnings:
        console.print(f"[yellow]warning:[/yellow] {w}", highlight=False)
