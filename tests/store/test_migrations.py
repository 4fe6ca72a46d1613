"""Alembic: the migration head builds exactly the models' schema, re-running is a no-op, and drift is caught."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from core.config import Settings
from core.errors import ConfigError
from store.db import create_all, make_engine
from store.migrate import alembic_config, current_revision, head_revision, schema_diff, upgrade_head


@pytest.fixture
def empty_engine(settings: Settings) -> Engine:
    return make_engine(settings)


def test_head_matches_the_models(empty_engine: Engine) -> None:
    """Fails when store/models.py changed without a revision: run `salesagent db revision -m "..."`."""
    assert upgrade_head(empty_engine) == (None, head_revision())
    diff = schema_diff(empty_engine)
    assert diff == [], f"models differ from the migration head: {diff}"


def test_upgrade_is_idempotent_and_downgrade_reverses(empty_engine: Engine) -> None:
    upgrade_head(empty_engine)
    head = head_revision()
    assert upgrade_head(empty_engine) == (head, head)
    cfg = alembic_config(empty_engine)
    with empty_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert inspect(empty_engine).get_table_names() == ["alembic_version"]
    assert upgrade_head(empty_engine) == (None, head)


def test_a_create_all_database_is_stamped(empty_engine: Engine) -> None:
    create_all(empty_engine)
    assert current_revision(empty_engine) is None
    assert upgrade_head(empty_engine) == (None, head_revision())


def test_drift_is_detected(empty_engine: Engine) -> None:
    upgrade_head(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(text("create table stray (id integer primary key)"))
    assert any(d[0] == "remove_table" for d in schema_diff(empty_engine))


def test_unmigrated_tables_that_differ_are_refused(empty_engine: Engine) -> None:
    with empty_engine.begin() as conn:
        conn.execute(text("create table product (id integer primary key)"))
    with pytest.raises(ConfigError, match="no migration history"):
        upgrade_head(empty_engine)


def test_a_database_behind_the_code_is_refused_in_one_line_then_migrated(empty_engine: Engine) -> None:
    """A data dir made by older code (revision 0001, no ``company.interests``) must not reach the first query:
    the server and the chat refuse it with the command that fixes it, and `db init` brings it to head."""
    from store.migrate import require_schema

    cfg = alembic_config(empty_engine)
    with empty_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with pytest.raises(ConfigError, match=rf"at revision 0001, this code needs {head_revision()}: run `salesagent db"):
        require_schema(empty_engine)
    assert upgrade_head(empty_engine) == ("0001", head_revision())
    require_schema(empty_engine)
    assert "interests" in {c["name"] for c in inspect(empty_engine).get_columns("company")}
