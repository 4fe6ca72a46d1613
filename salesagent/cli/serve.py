"""``salesagent serve``: the portal under uvicorn; plus what ``salesagent demo`` calls to print the URLs and demo
tokens and to start the server."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from core.config import Settings, get_settings
from core.errors import ConfigError
from salesagent.cli._app import app
from salesagent.cli.data import DemoContext, DemoStep, add_demo_step

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from portal.auth import DemoToken


def portal_urls(host: str, port: int) -> dict[str, str]:
    """Return the portal's entry points for a host and port."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    return {"login": f"{base}/", "customer chat": f"{base}/ui/chat", "staff approvals": f"{base}/ui/staff",
            "API docs": f"{base}/docs", "health": f"{base}/health"}


def print_demo_access(settings: Settings, engine: Engine, *, host: str | None = None, port: int | None = None,
                      console: Console | None = None) -> list[DemoToken]:
    """Issue fresh demo tokens (two customers, a sales and an admin user), print them with the URLs, return them."""
    from sqlmodel import Session

    from portal.auth import issue_demo_tokens, token_expiry

    console = console or Console()
    with Session(engine) as session:
        tokens = issue_demo_tokens(session, expires_at=token_expiry(settings))
    for name, url in portal_urls(host or settings.host, port or settings.port).items():
        console.print(f"{name:>16}: {url}", highlight=False)
    console.print("demo tokens (paste one on the login page, or send 'Authorization: Bearer <token>'):")
    for t in tokens:  # one line each, never wrapped or cut, so a token can be copied whole
        who = f"{t.who}, {t.company}" if t.company else t.who
        console.print(f"  {t.role:<8} {t.token}  ({who})", highlight=False, soft_wrap=True)
    return tokens


def check_workers(settings: Settings, workers: int) -> None:
    """Raise ``ConfigError`` for a worker count the configuration cannot serve."""
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    if workers > 1 and not settings.qdrant_url:
        raise ConfigError("--workers > 1 needs a Qdrant server (SALESAGENT_QDRANT_URL); the embedded vector "
                          "engine can be opened by one process only")


def run_server(settings: Settings, *, host: str | None = None, port: int | None = None, workers: int = 1,
               log_level: str = "info") -> None:
    """Serve the portal with uvicorn until interrupted (blocks).

    One worker builds the app in this process; several workers each build their own from the environment
    (``salesagent.wiring:portal_app_from_env``), which needs a Qdrant server: the embedded engine is single-process.
    The follow-up e-mail scheduler (``followups.scheduler``) runs once, in this process, while the server runs.
    """
    import uvicorn

    from followups.scheduler import scheduled
    from store.db import make_engine
    from store.migrate import require_schema

    host = host or settings.host
    port = port or settings.port
    check_workers(settings, workers)
    engine = make_engine(settings)
    require_schema(engine)
    with scheduled(settings, engine):  # follow-up e-mails every followup_interval_minutes (0: off), in this process
        if workers > 1:
            uvicorn.run("salesagent.wiring:portal_app_from_env", factory=True, host=host, port=port,
                        workers=workers, log_level=log_level)
            return
        from portal.startup import DeferredApp

        def load() -> object:  # in a thread, while the server already answers /health
            from salesagent.wiring import portal_app

            return portal_app(settings, background=True)

        def stop() -> None:
            server.should_exit = True

        deferred = DeferredApp(load, on_failure=stop)
        server = uvicorn.Server(uvicorn.Config(deferred, host=host, port=port, log_level=log_level))
        server.run()
        if deferred.exception is not None:  # e.g. the embedded index held by another process: one line, exit 3
            raise deferred.exception


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default: settings.host).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default: settings.port).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Uvicorn worker processes.")] = 1,
    log_level: Annotated[str, typer.Option(help="Uvicorn log level.")] = "info",
) -> None:
    """Run the portal: the JSON API (/docs), the customer chat page and the staff approval queue."""
    from store.db import make_engine
    from store.migrate import require_schema

    settings = get_settings()
    check_workers(settings, workers)
    require_schema(make_engine(settings))  # before the URLs: nothing to serve without tables
    console = Console()
    for name, url in portal_urls(host or settings.host, port or settings.port).items():
        console.print(f"{name:>16}: {url}", highlight=False)
    run_server(settings, host=host, port=port, workers=workers, log_level=log_level)


def _step_serve(ctx: DemoContext) -> str:
    """Last step of ``salesagent demo``: print the URLs and fresh demo tokens, then serve until interrupted."""
    print_demo_access(ctx.settings, ctx.engine, console=ctx.console)
    run_server(ctx.settings)
    return "portal stopped"


add_demo_step(DemoStep("serve", _step_serve, foreground=True))
