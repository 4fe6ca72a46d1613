"""The chat surface writes one impression per shown item in the same transaction as its Recommendation rows,
and the chat's ``recommend_for_customer`` serves a control company the non-personalised baseline (issue 18).
Real agent (rule planner), real store, real recommender."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from agent import run_turn
from store import conversations
from store import measurement as store
from store.models import Company, Conversation, Experiment
from tests.support.small_store import SmallStore
from tools import TOOLS
from tools.context import RunContext


@pytest.fixture
def experiment(resources: Any) -> Iterator[Any]:
    """Run an experiment for the test's duration; ``control_share`` 1.0 puts every company in control."""
    made: list[int] = []

    def start(control_share: float) -> None:
        with Session(resources.engine) as s:
            row = store.start_experiment(s, key=f"test-{uuid.uuid4()}", salt="t", control_share=control_share,
                                         started_at=datetime.now(UTC) - timedelta(minutes=1))
            s.commit()
            made.append(int(row.id))  # type: ignore[arg-type]

    yield start
    with Session(resources.engine) as s:
        for row_id in made:
            row = s.get(Experiment, row_id)
            if row is not None:
                store.end_experiment(s, experiment=row)
        s.commit()


def _turn(resources: Any, ids: SmallStore, message: str) -> tuple[str, Any]:
    conv = str(uuid.uuid4())
    return conv, run_turn(resources, company_id=ids.customer_id, contact_id=ids.contact_id, conversation_id=conv,
                          message=message)


def test_a_chat_turn_writes_its_impressions_with_its_recommendations(resources: Any, ids: SmallStore) -> None:
    conv, answer = _turn(resources, ids, "What do you recommend for me?")
    assert answer.recommendations, answer.reply
    with Session(resources.engine) as s:
        impressions = store.session_events(s, session_id=conv)
        stored = conversations.company_recommendations(s, company_id=ids.customer_id)
    shown = [r.sku for r in answer.recommendations]
    assert [e.sku for e in impressions] == shown
    assert [e.position for e in impressions] == list(range(1, len(shown) + 1))
    assert {e.surface for e in impressions} == {"chat"} and {e.type.value for e in impressions} == {"impression"}
    assert len({e.rec_request_id for e in impressions}) == 1 and impressions[0].rec_request_id
    assert {e.variant.value for e in impressions if e.variant} == {"outside"}  # no experiment running
    assert {e.company for e in impressions} == {"C-1"}
    assert len([r for r in stored if r.conversation_id == conv]) == len(shown)


def test_nothing_of_the_turn_is_written_when_its_impressions_cannot_be(resources: Any, ids: SmallStore) -> None:
    """The impressions go in the turn's one write transaction: when they fail, no Recommendation row, message
    or conversation of that turn is left behind (nothing half-written)."""
    conv = str(uuid.uuid4())
    with resources.engine.begin() as conn:
        conn.execute(text("ALTER TABLE measurement_event RENAME TO measurement_event_away"))
    try:
        with pytest.raises(Exception, match="measurement_event"):
            run_turn(resources, company_id=ids.customer_id, contact_id=ids.contact_id, conversation_id=conv,
                     message="What do you recommend for me?")
    finally:
        with resources.engine.begin() as conn:
            conn.execute(text("ALTER TABLE measurement_event_away RENAME TO measurement_event"))
    with Session(resources.engine) as s:
        assert s.get(Conversation, conv) is None
        assert [r for r in conversations.company_recommendations(s, company_id=ids.customer_id)
                if r.conversation_id == conv] == []
        assert conversations.messages(s, conversation_id=conv) == []
    _, answer = _turn(resources, ids, "What do you recommend for me?")  # and the next turn works again
    assert answer.recommendations


def _tool(resources: Any, company_id: int) -> list[str]:
    with Session(resources.engine) as s:
        company = s.get(Company, company_id)
        assert company is not None
        ctx = RunContext(resources=resources, session=s, company=company, conversation_id=str(uuid.uuid4()),
                         order_count=1)
        tool = TOOLS["recommend_for_customer"]
        return [c.sku for c in tool.invoke(ctx, tool.parse_args({"k": 5})).items]


def test_a_control_company_gets_the_segment_bestsellers_in_the_chat(resources: Any, ids: SmallStore,
                                                                    experiment: Any) -> None:
    personal = _tool(resources, ids.customer_id)
    with Session(resources.engine) as s:
        company = s.get(Company, ids.customer_id)
        assert company is not None
        baseline = [r.sku for r in resources.recommender.segment_bestsellers(company.industry, company.size_band,
                                                                            k=5)]
    experiment(1.0)  # everyone in control
    assert _tool(resources, ids.customer_id) == baseline
    conv, answer = _turn(resources, ids, "What do you recommend for me?")
    with Session(resources.engine) as s:
        impressions = store.session_events(s, session_id=conv)
    assert [r.sku for r in answer.recommendations] == [e.sku for e in impressions]
    assert {e.variant.value for e in impressions if e.variant} == {"control"}
    assert {e.sku for e in impressions} <= set(baseline)
    assert personal != baseline  # the arm changed what was shown (else this test would prove nothing)
