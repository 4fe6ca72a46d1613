"""The ``salesagent`` command line (Typer + Rich).

Each area registers its commands from its own module (``data``, ``search``, ``ranking``, ``guard``, ``chat``,
``serve``), so heavy libraries are imported inside the commands that need them and ``--help`` stays fast.
Domain errors become one readable red line and the error's exit code; nothing prints a traceback.
"""

from __future__ import annotations

import sys

from sqlalchemy.exc import DBAPIError

from core.errors import SalesAgentError
from salesagent.cli._app import app, err_console, eval_app

__all__ = ["app", "eval_app", "main"]

# Order matters: it is the order of `salesagent demo`'s steps (database, demo data, index, train, serve).
from salesagent.cli import data as _data  # noqa: F401, I001
from salesagent.cli import search as _search  # noqa: F401
from salesagent.cli import ranking as _ranking  # noqa: F401
from salesagent.cli import guard as _guard  # noqa: F401
from salesagent.cli import agent as _agent  # noqa: F401
from salesagent.cli import measurement as _measurement  # noqa: F401
from salesagent.cli import oversight as _oversight  # noqa: F401
from salesagent.cli import serve as _serve  # noqa: F401
from salesagent.cli import followups as _followups  # noqa: F401
from salesagent.cli import advise as _advise  # noqa: F401
from salesagent.cli import merchandising as _merchandising  # noqa: F401
from salesagent.cli import evalreport as _evalreport  # noqa: F401


def main() -> None:
    """Console-script entry point: run the app, turn domain errors into one line and an exit code."""
    try:
        app()
    except SalesAgentError as err:
        err_console.print(f"[red]error:[/red] {err}", highlight=False)
        sys.exit(err.exit_code)
    except DBAPIError as err:
        from store.db import MISSING_SCHEMA, missing_schema, schema_behind

        if missing_schema(err):
            message = MISSING_SCHEMA
        elif schema_behind(err):
            message = ("the database schema is older than this code: run `salesagent db init` to migrate it (safe "
                       "to repeat)")
        else:
            raise
        err_console.print(f"[red]error:[/red] {message}", highlight=False)
        sys.exit(3)
    except KeyboardInterrupt:
        err_console.print("[yellow]interrupted[/yellow]")
        sys.exit(130)
