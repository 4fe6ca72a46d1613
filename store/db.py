"""Engine and session construction. The engine is built once (``wiring``) and passed in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Table, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, SQLModel, create_engine

from core.config import Settings, owner_only
from core.errors import ConfigError


def _owner_only_file(database: str | None) -> None:
    """Create a SQLite database file readable by its owner only (SQLite gives its -wal and -shm files the same
    mode), or tighten one of ours that others may read: it holds contacts' e-mails and NIPs."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # an empty file is an empty SQLite database
    except OSError:
        return  # the folder is missing or not ours: SQLite reports it when it opens the file
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            owner_only(part)


def make_engine(settings: Settings) -> Engine:
    """Return a SQLAlchemy engine for the configured database (SQLite file by default, Postgres by URL)."""
    url = settings.db_url
    if url.startswith("sqlite"):
        try:
            settings.ensure_dirs()
        except OSError as err:
            raise ConfigError(f"cannot create the data dir {settings.data_dir}: {err.strerror or err}") from None
        _owner_only_file(make_url(url).database)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


MISSING_SCHEMA = ("the database has no tables yet: run `salesagent db init` (or `salesagent demo`, which also "
                  "loads the demo data)")


def cannot_open(engine: Engine, err: DBAPIError) -> ConfigError:
    """The one-line error for a database that cannot be opened (password hidden, first line of the reason)."""
    reason = str(err.orig or err).strip().splitlines()[0]
    return ConfigError(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: {reason}")


def missing_schema(err: DBAPIError) -> bool:
    """True when a database error says a table is missing (SQLite "no such table", Postgres "UndefinedTable")."""
    text = str(getattr(err, "orig", None) or err)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def schema_behind(err: DBAPIError) -> bool:
    """True when a database error says a column is missing (a database older than the code: SQLite "no such
    column", Postgres "UndefinedColumn")."""
    text = str(getattr(err, "orig", None) or err)
    return "no such column" in text or ("column" in text and "does not exist" in text)


def ping(engine: Engine) -> None:
    """Run ``SELECT 1`` on the database (raises the driver's error when it does not answer)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def integrity_check(engine: Engine) -> str:
    """Return SQLite's ``PRAGMA integrity_check`` verdict (``ok`` for a sound file; the load and fault suite runs
    it after killing the server), or ``n/a`` on another database."""
    from sqlalchemy import text

    if engine.dialect.name != "sqlite":
        return "n/a"
    with engine.connect() as conn:
        return str(conn.execute(text("PRAGMA integrity_check")).scalar())


def create_all(engine: Engine) -> None:
    """Create every table (tests only; real databases go through Alembic: ``salesagent db init``)."""
    import store.models
    import store.protected  # noqa: F401

    SQLModel.metadata.create_all(engine)


@contextmanager
def session_scope(engine: Engine, *, expire_on_commit: bool = True) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error (no half-written data);
    ``expire_on_commit=False`` keeps the written objects readable after the block."""
    with Session(engine, expire_on_commit=expire_on_commit) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def table_of(model: type[SQLModel]) -> Table:
    """Return the Core ``Table`` of a table model (for bulk Core statements)."""
    return model.__table__  # type: ignore[attr-defined,no-any-return]
