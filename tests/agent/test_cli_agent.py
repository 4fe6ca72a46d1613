"""The agent's CLI commands on the small store: customers, one chat turn as JSON, the golden runner."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from core.config import get_settings
from salesagent.cli import app
from tests.support.small_store import SmallStore


@pytest.fixture
def cli_env(resources: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    # the same database, but its own vector engine folder (the session's embedded engine holds a lock)
    monkeypatch.setenv("SALESAGENT_DATABASE_URL", resources.settings.db_url)
    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("SALESAGENT_LLM_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield resources
    get_settings.cache_clear()


def test_customers_json(cli_env: Any, ids: SmallStore) -> None:
    result = CliRunner().invoke(app, ["customers", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["count"] == 4
    rows = {d["id"]: d for d in data["data"]}
    assert rows[ids.customer_id]["orders"] == 20 and rows[ids.cold_id]["orders"] == 0
    assert set(rows[ids.customer_id]) == {"id", "external_id", "industry", "size_band", "funnel_stage", "orders"}


def test_chat_once_json(cli_env: Any, ids: SmallStore) -> None:
    result = CliRunner().invoke(app, ["chat", "--customer", "C-1", "--once", "accessories for S201-B16", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert {"reply", "recommendations", "approvals", "disclosure", "answered_by"} <= set(answer)
    assert answer["answered_by"] == "planner" and answer["recommendations"][0]["sku"] == "BUS-1P-12"


def test_unknown_customer_is_one_line_error(cli_env: Any) -> None:
    from core.errors import NotFoundError

    result = CliRunner().invoke(app, ["chat", "--customer", "nobody", "--once", "hi"])
    assert isinstance(result.exception, NotFoundError)
