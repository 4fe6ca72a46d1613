"""A slow model stalls no one (issue 17): the turn's time budget, the circuit breaker, and a second customer served
while the first one's model hangs. Only the LLM is faked (a scripted server on 127.0.0.1)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from agent import AgentAnswer, run_turn
from portal.services.gate import TurnGate
from salesagent.wiring import Resources, build_resources
from store.models import Conversation, Message
from tests.support.fake_llm import FakeLLMServer, say
from tests.support.small_store import SmallStore


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as srv:
        yield srv


def with_llm(base: Resources, server: FakeLLMServer, **overrides: Any) -> Resources:
    settings = base.settings.model_copy(update={"llm_base_url": server.base_url, "llm_api_key": "test-key",
                                                "llm_model": "scripted", "llm_max_retries": 0, **overrides})
    return build_resources(settings, engine=base.engine, catalog=base.catalog, recommender=base.recommender,
                           masker=base.masker)


def turn(res: Resources, ids: SmallStore, message: str, gate: TurnGate | None = None) -> AgentAnswer:
    return run_turn(res, company_id=ids.customer_id, contact_id=ids.contact_id, conversation_id=str(uuid.uuid4()),
                    message=message, gate=gate)


def test_a_hanging_endpoint_is_cut_at_the_turn_budget(resources: Resources, ids: SmallStore,
                                                       server: FakeLLMServer) -> None:
    """The endpoint accepts the connection and never answers in time: the planner answers once the turn's
    budget is spent (not after the per-call first-byte timeout, which is set far longer here)."""
    server.push({"delay": 30.0, "content": "too late"})
    res = with_llm(resources, server, llm_turn_budget_s=1.0, llm_first_token_timeout_s=25.0)
    out = turn(res, ids, "What accessories go with S201-B16?")
    assert out.answered_by == "planner" and out.recommendations
    assert any("did not answer within the turn's budget (1 s)" in n for n in out.guardrail_notes), out.guardrail_notes
    assert len(server.requests) == 1  # no retry after the budget is spent


def test_the_circuit_opens_after_repeated_failures_and_tries_again_later(resources: Resources, ids: SmallStore,
                                                                          server: FakeLLMServer) -> None:
    server.default = {"status": 503}
    res = with_llm(resources, server, llm_breaker_failures=2, llm_breaker_reset_s=3600.0)
    for _ in range(2):
        assert turn(res, ids, "DIN rail").answered_by == "planner"
    assert len(server.requests) == 2
    third = turn(res, ids, "DIN rail")  # the circuit is open: the endpoint is not called at all
    assert third.answered_by == "planner" and len(server.requests) == 2
    assert any("keeps failing" in n for n in third.guardrail_notes), third.guardrail_notes
    assert res.llm_breaker is not None
    res.llm_breaker.half_open()  # what the reset timeout does: the next turn makes one trial call
    server.default = say("A DIN rail is in the catalogue.")
    assert turn(res, ids, "DIN rail").answered_by == "llm" and len(server.requests) == 3


def test_a_second_customer_is_served_while_the_first_waits_for_the_model(
        resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    """One admission gate of width 1 (SQLite). Customer A's model answers only once customer B's turn is done;
    B (no model) is served in the meantime, because A's turn gave its place back while it waited and held no
    database lock. Without that, B would wait for A and A's model would wait for B until A's budget ran out."""
    b_done = threading.Event()
    order: list[str] = []

    def answer_after_b(_body: dict[str, Any]) -> dict[str, Any]:
        released = b_done.wait(20)
        order.append("A's model answers" if released else "A's model gave up waiting for B")
        return say("We have DIN rails in the catalogue: which length do you need?")

    server.push(answer_after_b)
    llm = with_llm(resources, server, llm_turn_budget_s=30.0, llm_first_token_timeout_s=30.0)
    gate = TurnGate(1)
    results: dict[str, AgentAnswer] = {}

    def customer(name: str, res: Resources, message: str) -> None:
        with gate.admit():
            results[name] = turn(res, ids, message, gate=gate)
        if name == "B":
            order.append("B served")
            b_done.set()

    first = threading.Thread(target=customer, args=("A", llm, "Do you have a DIN rail?"))
    first.start()
    while not server.requests:  # A's turn is waiting for its model now
        first.join(0.01)
    second = threading.Thread(target=customer, args=("B", resources, "accessories for S201-B16"))
    second.start()
    second.join(60)
    first.join(60)
    assert order == ["B served", "A's model answers"]
    assert results["A"].answered_by == "llm" and results["B"].answered_by == "planner"


def test_a_refused_message_leaves_no_row(resources: Resources, ids: SmallStore) -> None:
    """Nothing of a turn is written before its end: a message the input guardrail refuses writes nothing."""
    from core.errors import InputTooLargeError

    conv = str(uuid.uuid4())
    with pytest.raises(InputTooLargeError):
        run_turn(resources, company_id=ids.customer_id, contact_id=ids.contact_id, conversation_id=conv,
                 message="x" * (resources.settings.max_message_chars + 1))
    with Session(resources.engine) as s:
        assert s.get(Conversation, conv) is None
        assert not s.exec(select(Message).where(Message.conversation_id == conv)).all()


def test_two_customers_call_the_model_side_by_side(resources: Resources, ids: SmallStore,
                                                   server: FakeLLMServer) -> None:
    """The breaker and the gate let concurrent turns wait for the model at the same time: the fake model answers
    only once both requests are in (pybreaker, holding its lock across the call, deadlocked here)."""
    both_in = threading.Barrier(2, timeout=20)

    def answer_when_both_are_in(_body: dict[str, Any]) -> dict[str, Any]:
        both_in.wait()
        return say("We have DIN rails in the catalogue: which length do you need?")

    server.default = answer_when_both_are_in
    llm = with_llm(resources, server, llm_turn_budget_s=30.0, llm_first_token_timeout_s=30.0)
    gate = TurnGate(1)
    answers: list[AgentAnswer] = []

    def customer() -> None:
        with gate.admit():
            answers.append(turn(llm, ids, "Do you have a DIN rail?", gate=gate))

    threads = [threading.Thread(target=customer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [a.answered_by for a in answers] == ["llm", "llm"]


def test_an_answer_that_is_no_completion_hands_over_to_the_planner(resources: Resources, ids: SmallStore) -> None:
    """A 200 whose body is not JSON once ended the turn in 500 (json.JSONDecodeError was not mapped)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Garbage(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = b"<html>not a completion</html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    garbage = ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=garbage.serve_forever, daemon=True).start()
    try:
        settings = resources.settings.model_copy(update={
            "llm_base_url": f"http://127.0.0.1:{garbage.server_address[1]}/v1", "llm_api_key": "k",
            "llm_max_retries": 0})
        res = build_resources(settings, engine=resources.engine, catalog=resources.catalog,
                              recommender=resources.recommender, masker=resources.masker)
        out = turn(res, ids, "accessories for S201-B16")
        assert out.answered_by == "planner" and out.recommendations
        assert any("not a completion" in n for n in out.guardrail_notes), out.guardrail_notes
    finally:
        garbage.shutdown()
        garbage.server_close()


def test_the_breaker_opens_waits_and_lets_one_trial_through() -> None:
    from core.breaker import CircuitBreaker, CircuitOpenError

    now = [0.0]
    breaker = CircuitBreaker(fail_max=2, reset_timeout=10.0, clock=lambda: now[0])
    breaker.admit()
    breaker.failed()
    breaker.admit()  # one failure: still closed
    breaker.failed()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        breaker.admit()
    now[0] = 10.5
    assert breaker.state == "half-open"
    breaker.admit()  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.admit()  # a second caller waits for the trial's outcome
    breaker.failed()  # the trial failed: open again for the full timeout
    assert breaker.state == "open"
    now[0] = 21.0
    breaker.admit()
    breaker.succeeded()
    assert breaker.state == "closed"
    breaker.admit()
