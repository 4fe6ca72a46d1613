"""``salesagent merchandising``: list, add, enable/disable and delete merchandising rules (each change audited,
actor ``cli``), and the dry run of a search without and with the rules (docs/merchandising.md)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from salesagent.cli._app import app

merch_app = typer.Typer(help="Merchandising rules: pin, boost, bury, hide; a dry run shows a search with and "
                             "without them.", no_args_is_help=True)
app.add_typer(merch_app, name="merchandising")
console = Console(soft_wrap=True)
ACTOR = "cli"


def _engine() -> Any:
    from core.config import get_settings
    from store.db import make_engine
    from store.migrate import upgrade_head

    engine = make_engine(get_settings())
    upgrade_head(engine)
    return engine


@merch_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json", help="Print the rules as JSON.")] = False) -> None:
    """List every rule, newest first."""
    from merchandising import manage
    from store.db import session_scope

    with session_scope(_engine()) as session:
        rules = manage.list_rules(session)
    if as_json:
        console.print_json(rules.model_dump_json())
        return
    table = Table("id", "name", "does", "when", "enabled")
    for r in rules.data:
        when = " ".join(f"{k}={v}" for k in ("query_is", "query_contains", "category", "segment", "surface")
                        if (v := getattr(r, k)) is not None)
        does = f"{r.action.value} {r.target.value}={r.value}" + (f" at {r.position}" if r.position else "")
        table.add_row(str(r.id), r.name, does, when, "yes" if r.enabled else "no")
    console.print(table)


@merch_app.command("add")
def add_command(
    rule: Annotated[str, typer.Argument(help='The rule as JSON, e.g. \'{"name": "ABB first", "action": "boost", '
                                             '"target": "brand", "value": "ABB", "weight": 0.5}\'.')],
) -> None:
    """Add a rule (validated; an unknown SKU or a pin without a position is refused)."""
    from core.errors import InputError
    from merchandising import manage
    from store.db import session_scope

    try:
        data = json.loads(rule)
    except json.JSONDecodeError as err:
        raise InputError(f"the rule is not valid JSON ({err.msg} at column {err.colno})") from None
    if not isinstance(data, dict):
        raise InputError("the rule must be a JSON object")
    body = manage.parse_create(data)
    with session_scope(_engine()) as session:
        row = manage.create_rule(session, body=body, actor=ACTOR)
    console.print(f"added rule {row.id}: {row.name}", highlight=False)


def _set_enabled(rule_id: int, enabled: bool) -> None:
    from merchandising import RuleUpdate, manage
    from store.db import session_scope

    with session_scope(_engine()) as session:
        row = manage.update_rule(session, rule_id=rule_id, body=RuleUpdate(changes={"enabled": enabled}),
                                 actor=ACTOR)
    console.print(f"rule {row.id} {'enabled' if row.enabled else 'disabled'} (version {row.version})",
                  highlight=False)


@merch_app.command("enable")
def enable_command(rule_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Enable a rule."""
    _set_enabled(rule_id, True)


@merch_app.command("disable")
def disable_command(rule_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Disable a rule (it stays, with its audit trail)."""
    _set_enabled(rule_id, False)


@merch_app.command("delete")
def delete_command(rule_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Delete a rule (its audit trail stays)."""
    from merchandising import manage
    from store.db import session_scope

    with session_scope(_engine()) as session:
        manage.delete_rule(session, rule_id=rule_id, actor=ACTOR)
    console.print(f"deleted rule {rule_id}", highlight=False)


@merch_app.command("dry-run")
def dry_run_command(
    query: Annotated[str, typer.Argument(help="The search to preview.")],
    segment: Annotated[str | None, typer.Option(help="As a customer of this industry.")] = None,
    k: Annotated[int, typer.Option(min=1, max=50, help="How many results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print both lists as JSON.")] = False,
) -> None:
    """Show a search's results without and with the rules, side by side (nothing is stored)."""
    from core.config import apply_offline_env, get_settings
    from merchandising.dryrun import dry_run
    from merchandising.models import DryRunRequest
    from retrieval import build_catalog_search
    from store.db import session_scope

    request = DryRunRequest(query=query, segment=segment, k=k)
    settings = get_settings()
    apply_offline_env(settings)
    engine = _engine()
    search = build_catalog_search(settings)
    try:
        with session_scope(engine) as session:
            result = dry_run(session, request, lambda n: search.search(query, k=n))
    finally:
        search.close()
    if as_json:
        console.print_json(result.model_dump_json())
        return
    table = Table("#", "without the rules", "with the rules")
    for n in range(max(len(result.without_rules), len(result.with_rules))):
        left = result.without_rules[n].sku if n < len(result.without_rules) else ""
        right = result.with_rules[n] if n < len(result.with_rules) else None
        note = "; ".join(p.text for p in right.premises) if right else ""
        table.add_row(str(n + 1), left, (right.sku + (f"  ({note})" if note else "")) if right else "")
    console.print(table)
    for d in result.dropped:
        console.print(f"left out: {d.sku} ({d.reason}{f', rule {d.rule_id}' if d.rule_id else ''})", highlight=False)
