"""A chat turn stores its monitoring signals (issue 23): the tools it called, the scores of what it recommended,
its catalogue searches and how many found nothing, read back by the drift monitor's store function; a failure to
store them never fails the customer's turn (its answer is already stored)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from agent.loop import run_turn
from store import oversight as store
from tests.support.small_store import SmallStore


def _turn(resources: Any, ids: SmallStore, message: str) -> tuple[Any, list[store.TurnSignals]]:
    conv = f"signals-{uuid.uuid4()}"
    before = datetime.now(UTC) - timedelta(seconds=1)
    answer = run_turn(resources, company_id=ids.customer_id, contact_id=ids.contact_id, conversation_id=conv,
                      message=message)
    with Session(resources.engine) as s:
        rows = store.turn_signals_between(s, start=before, end=datetime.now(UTC) + timedelta(seconds=1))
    return answer, [r for r in rows if r.conversation_id == conv]


def test_a_search_turn_records_its_tools_scores_and_searches(resources: Any, ids: SmallStore) -> None:
    answer, rows = _turn(resources, ids, "Szukam wyłącznika nadprądowego B16 1P")
    assert len(rows) == 1, rows
    [signals] = rows
    assert list(signals.tool_calls) == answer.tool_calls and "search_catalog" in answer.tool_calls
    assert signals.searches == answer.tool_calls.count("search_catalog")
    assert answer.recommendations and signals.no_result_searches == 0
    assert len(signals.scores) == len(answer.recommendations)
    assert all(isinstance(x, float) for x in signals.scores)


def test_a_search_that_finds_nothing_is_counted(resources: Any, ids: SmallStore) -> None:
    answer, [signals] = _turn(resources, ids, "Szukam produktu o kodzie QQZX-99871-ZZ")
    assert signals.searches >= 1
    assert signals.no_result_searches == signals.searches, (answer.tool_calls, answer.reply)
    assert signals.scores == ()


def test_a_turn_without_tools_records_zero_calls(resources: Any, ids: SmallStore) -> None:
    answer, [signals] = _turn(resources, ids, "Dzień dobry")
    assert list(signals.tool_calls) == answer.tool_calls
    assert signals.searches == answer.tool_calls.count("search_catalog")


def test_a_failure_to_store_the_signals_does_not_fail_the_turn(resources: Any, ids: SmallStore,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(store, "record_turn_signals", broken)
    answer, rows = _turn(resources, ids, "Szukam wyłącznika nadprądowego B16 1P")
    assert answer.reply and rows == []
    assert "monitoring signals were not stored (OperationalError)" in caplog.text
