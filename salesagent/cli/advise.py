"""``salesagent advise``: the architecture advisor (issue 24) on the command line, from options or free text.

Free text (an argument, or ``-`` for stdin) is PII-masked before it is read; nothing is stored or logged. A bad
value is one line and exit code 2."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from core.errors import InputError
from salesagent.cli._app import app

console = Console(soft_wrap=True)


def _request(text: str | None, fields: dict[str, Any]) -> Any:
    from advisor import AdvisorFacts, AdvisorRequest

    try:
        facts = AdvisorFacts.model_validate({k: v for k, v in fields.items() if v is not None})
        return AdvisorRequest(facts=facts, text=text)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if p != "facts") or "input"
        raise InputError(f"--{where.replace('_', '-')}: {first['msg']}") from None


@app.command("advise")
def advise_command(
    text: Annotated[str | None, typer.Argument(help="Free description of the shop ('-': read stdin).")] = None,
    skus: Annotated[int | None, typer.Option(help="Number of SKUs in the catalogue.")] = None,
    descriptions: Annotated[str | None, typer.Option(help="Product descriptions: none | partial | full.")] = None,
    stability: Annotated[str | None, typer.Option(help="Assortment: stable | seasonal | volatile.")] = None,
    customers: Annotated[int | None, typer.Option(help="Number of business customers.")] = None,
    segmentation: Annotated[str | None, typer.Option(
        help="Customer segmentation: none | manual | firmographic | behavioural.")] = None,
    order_rows: Annotated[int | None, typer.Option(help="Order lines on record.")] = None,
    years: Annotated[float | None, typer.Option(help="Years of order history.")] = None,
    behaviour: Annotated[bool | None, typer.Option(
        "--behaviour/--no-behaviour", help="Are searches, views or carts logged?")] = None,
    legal_basis: Annotated[str | None, typer.Option(
        help="Legal basis for behaviour data: none | consent | legitimate_interest | contract.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the advice as JSON.")] = False,
) -> None:
    """Which architecture to start with, why, key data, what to collect next and the effort (docs/advisor.md)."""
    from advisor import advise

    if text == "-":
        text = sys.stdin.read()
    request = _request(text, {"skus": skus, "descriptions": descriptions, "stability": stability,
                              "customers": customers, "segmentation": segmentation, "order_rows": order_rows,
                              "years": years, "behaviour_collected": behaviour, "legal_basis": legal_basis})
    if not request.text and request.facts.model_dump(exclude_none=True) == {}:
        raise InputError("describe the shop: free text or at least one option (see salesagent advise --help)")
    masker = None
    if request.text:
        from core.config import get_settings
        from guardrails.pii import build_masker

        masker = build_masker(get_settings())
    advice = advise(request, masker)
    if as_json:
        console.print_json(advice.model_dump_json())
        return
    console.print(f"[bold]{advice.summary}[/bold]", highlight=False)
    console.print(advice.why, highlight=False)
    console.print("key data: " + "; ".join(advice.key_data), highlight=False)
    for step in advice.collect_next:
        console.print(f"collect next: {step.text}", highlight=False)
    console.print(f"effort: {advice.effort.size}, {advice.effort.text} ({advice.effort.weeks_min}-"
                  f"{advice.effort.weeks_max} weeks)", highlight=False)
    if advice.assumed:
        console.print(f"[dim]assumed (not given): {', '.join(advice.assumed)}; decision table "
                      f"{advice.table_version}, row {advice.rule}[/dim]", highlight=False)
