"""The Typer apps every command module registers on (kept apart from ``salesagent.cli`` so that the command
modules and the package that imports them do not import each other)."""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="salesagent",
    help="AI sales assistant for B2B shops: demo data, catalogue search, recommendations, PII masking, chat, portal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
eval_app = typer.Typer(help="Offline evaluations on the production code path.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")

err_console = Console(stderr=True, soft_wrap=True)
