"""End-to-end: the real loop, real tools and guardrails over a real store, against a scripted OpenAI-compatible
server on 127.0.0.1. Every test also checks that no personal data from the conversation left the process."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from agent import run_turn
from salesagent.wiring import Resources, build_resources
from store.conversations import get_recommendation
from store.models import Message, PriceApproval, Recommendation
from tests.support.fake_llm import FakeLLMServer, calls, say, tool_call
from tests.support.profiling import interests_forgotten_after, objection_state, objection_withdrawn_after
from tests.support.small_store import SmallStore

PII = ["Anna Kowalska", "Kowalska", "anna.kowalska@elektro-test.pl", "601 234 567", "601234567"]
INTRO = "Hi, I'm Anna Kowalska (anna.kowalska@elektro-test.pl, +48 601 234 567). "


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer() as srv:
        yield srv


def llm_resources(base: Resources, server: FakeLLMServer, **overrides: Any) -> Resources:
    settings = base.settings.model_copy(update={"llm_base_url": server.base_url, "llm_api_key": "test-key",
                                                "llm_model": "scripted", "llm_first_token_timeout_s": 2.0,
                                                "llm_max_retries": 0, **overrides})
    return build_resources(settings, engine=base.engine, catalog=base.catalog, recommender=base.recommender,
                           masker=base.masker)


def turn(res: Resources, ids: SmallStore, message: str, conv: str | None = None) -> Any:
    return run_turn(res, company_id=ids.customer_id, contact_id=ids.contact_id,
                    conversation_id=conv or str(uuid.uuid4()), message=message)


def assert_no_pii_sent(server: FakeLLMServer) -> None:
    sent = server.bodies_text()
    assert server.raw_bodies, "the LLM path was not exercised"
    for value in PII:
        assert value not in sent, f"personal data {value!r} reached the LLM endpoint"


def last_tool_messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in body["messages"] if m["role"] == "tool"]


def test_normal_tool_calling_turn(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        results = json.loads(last_tool_messages(body)[-1]["content"])
        sku = results["items"][0]["sku"]
        return say(f"I suggest {sku}: {results['items'][0]['premises'][0]['text']}.")

    server.push(calls(tool_call("search_catalog", {"query": "B16 circuit breaker 1P", "k": 3})), answer)
    res = llm_resources(resources, server)
    conv = str(uuid.uuid4())
    out = turn(res, ids, INTRO + "I need a B16 circuit breaker, 1 pole.", conv)
    assert out.answered_by == "llm"
    assert out.tool_calls == ["search_catalog"]
    assert [r.sku for r in out.recommendations] == [out.recommendations[0].sku]
    assert out.recommendations[0].premises and out.recommendations[0].recommendation_id
    assert out.disclosure in out.reply
    assert not out.guardrail_notes
    # the request carried the tools (generated schemas) and the masked message
    first = server.requests[0]
    assert {t["function"]["name"] for t in first["tools"]} >= {"search_catalog", "request_price_change"}
    assert "<PERSON_1>" in first["messages"][-1]["content"] or "<EMAIL_1>" in first["messages"][-1]["content"]
    assert_no_pii_sent(server)
    with Session(resources.engine) as s:
        stored = s.exec(select(Message.masked_text).where(Message.conversation_id == conv)).all()
        assert len(stored) == 2 and not any(v in text for text in stored for v in PII)
        why = get_recommendation(s, recommendation_id=out.recommendations[0].recommendation_id)
        assert why is not None and why.company_id == ids.customer_id
        # the stored premises are data (kind + data); rendered in the turn's language they are what was shown
        from agent.templates import premise_text
        from tools.models import PremiseOut

        assert [premise_text(PremiseOut.model_validate(p), out.language) for p in why.premises] == \
            out.recommendations[0].premises
        assert all(p["kind"] and "data" in p for p in why.premises)


def test_parallel_tool_calls(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    server.push(
        calls(tool_call("search_catalog", {"query": "distribution board IP65"}, "c1"),
              tool_call("bought_together", {"sku": "S201-B16", "k": 3}, "c2")),
        say("For S201-B16 customers add BUS-1P-12; for the board see RN-12-IP65."),
    )
    out = turn(llm_resources(resources, server), ids, INTRO + "Board and accessories for S201-B16, please.")
    assert out.answered_by == "llm"
    assert out.tool_calls == ["search_catalog", "bought_together"]
    tools_msgs = last_tool_messages(server.requests[1])
    assert [m["tool_call_id"] for m in tools_msgs] == ["c1", "c2"]
    assert all(not m["content"].startswith("error") for m in tools_msgs)
    assert {r.sku for r in out.recommendations} == {"BUS-1P-12", "RN-12-IP65"}
    assert_no_pii_sent(server)


def test_malformed_arguments_and_unknown_tool_are_answered_as_errors(
        resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    server.push(
        calls(tool_call("search_catalog", '{"query": "B16', "bad"), tool_call("get_product", {"sku": 16}, "typed"),
              tool_call("apply_discount", {"sku": "S201-B16", "discount": 50}, "ghost")),
        calls(tool_call("search_catalog", {"query": "B16 breaker"}, "good")),
        say("S201-B16 fits."),
    )
    out = turn(llm_resources(resources, server), ids, INTRO + "B16 breaker?")
    errors = {m["tool_call_id"]: m["content"] for m in last_tool_messages(server.requests[1])}
    assert errors["bad"].startswith("error: arguments of search_catalog are not valid JSON")
    assert errors["typed"].startswith("error: invalid arguments for get_product")
    assert errors["ghost"].startswith("error: unknown tool 'apply_discount'")
    assert out.answered_by == "llm" and [r.sku for r in out.recommendations] == ["S201-B16"]
    with Session(resources.engine) as s:  # the unknown price tool did not slip through as an approval
        assert not s.exec(select(PriceApproval).where(PriceApproval.conversation_id == out.conversation_id)).all()
    assert_no_pii_sent(server)


def test_hallucinated_sku_is_removed(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    server.push(
        calls(tool_call("search_catalog", {"query": "B16 breaker", "k": 2})),
        say("Take S201-B16.\nEven better is the XPL-9000-B16 super breaker.\nAlso consider YDY-3X2.5-100."),
    )
    out = turn(llm_resources(resources, server), ids, INTRO + "B16 breaker?")
    assert "XPL-9000-B16" not in out.reply and "YDY-3X2.5-100" not in out.reply
    assert "S201-B16" in out.reply
    assert [r.sku for r in out.recommendations] == ["S201-B16"]
    assert any(n.startswith("sku: unknown_sku") for n in out.guardrail_notes)
    assert any(n.startswith("sku: sku_not_from_tool_result") for n in out.guardrail_notes)
    assert_no_pii_sent(server)


def test_only_hallucinations_fall_back_to_a_template(resources: Resources, ids: SmallStore,
                                                     server: FakeLLMServer) -> None:
    server.push(calls(tool_call("search_catalog", {"query": "B16 breaker", "k": 2})),
                say("Buy the XPL-9000-B16 for 9.99 PLN."))
    out = turn(llm_resources(resources, server), ids, "B16 breaker?")
    assert out.answered_by == "planner"
    assert "XPL-9000" not in out.reply and "9.99" not in out.reply
    assert out.recommendations and all(r.sku in out.reply for r in out.recommendations)


def test_price_request_creates_an_approval_and_quotes_no_price(
        resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    server.push(
        calls(tool_call("request_price_change", {"skus": ["S201-B16"], "discount_percent": 15, "quantity": 200})),
        say("Great news: your new price for S201-B16 is 19.99 PLN per piece!"),
    )
    out = turn(llm_resources(resources, server), ids, INTRO + "Can I get 15% off S201-B16 for 200 pcs?")
    assert len(out.approvals) == 1 and out.approvals[0].status == "pending"
    assert "19.99" not in out.reply and "19,99" not in out.reply
    assert f"#{out.approvals[0].approval_id}" in out.reply
    assert any(n.startswith("price: price_not_allowed") for n in out.guardrail_notes)
    with Session(resources.engine) as s:
        row = s.get(PriceApproval, out.approvals[0].approval_id)
        assert row is not None and row.status.value == "pending" and row.product_skus == ["S201-B16"]
        assert row.conversation_id == out.conversation_id and row.proposed_change["discount_percent"] == 15
    tool_result = last_tool_messages(server.requests[1])[0]["content"]
    assert '"status":"pending"' in tool_result and "price" not in json.loads(tool_result)
    assert_no_pii_sent(server)


def test_model_may_state_an_approved_price_and_no_other(resources: Resources, ids: SmallStore,
                                                        server: FakeLLMServer) -> None:
    from guardrails.approvals import decide
    from store.models import StaffRole, StaffUser

    res = llm_resources(resources, server)
    server.push(calls(tool_call("request_price_change", {"skus": ["P304-40-30"], "discount_percent": 12})),
                say("I have asked our sales team."))
    asked = turn(res, ids, "Can I get 12% off P304-40-30?")
    with Session(resources.engine) as s:
        staff = StaffUser(username="sales.e2e.offer", full_name="Sales", role=StaffRole.sales)
        s.add(staff)
        s.commit()
        decide(s, approval_id=asked.approvals[0].approval_id, staff=staff, approve=True)

    def tell(body: dict[str, Any]) -> dict[str, Any]:
        ticket = json.loads(last_tool_messages(body)[-1]["content"])
        price = ticket["unit_prices"]["P304-40-30"]
        return say(f"Request #{ticket['approval_id']} was approved: P304-40-30 costs you {price} PLN net. "
                   "For 500 pieces it would be 10.00 PLN.")

    server.push(calls(tool_call("request_price_change", {"skus": ["P304-40-30"]})), tell)
    told = turn(res, ids, "What is my price for P304-40-30 now?")
    ticket = told.approvals[0]
    assert ticket.approval_id == asked.approvals[0].approval_id and ticket.status == "approved" and ticket.existing
    approved = f"{ticket.unit_prices['P304-40-30']:.2f} PLN"
    assert approved in told.reply  # the approved price survives the output check ...
    assert "10.00" not in told.reply  # ... an invented one does not
    assert any(n.startswith("price: price_not_allowed") for n in told.guardrail_notes)
    with Session(resources.engine) as s:
        assert not s.exec(select(PriceApproval).where(PriceApproval.conversation_id == told.conversation_id)).all()
    assert_no_pii_sent(server)


@pytest.mark.parametrize("failure", [{"delay": 3.0}, {"status": 500}, {"status": 503}])
def test_timeout_and_server_errors_hand_over_to_the_planner(
        resources: Resources, ids: SmallStore, server: FakeLLMServer, failure: dict[str, Any]) -> None:
    server.push(failure)
    res = llm_resources(resources, server, llm_first_token_timeout_s=1.0)
    out = turn(res, ids, INTRO + "What accessories go with S201-B16?")
    assert out.answered_by == "planner"
    assert out.tool_calls == ["bought_together"]
    assert out.recommendations and out.recommendations[0].sku == "BUS-1P-12"
    assert len(server.requests) == 1
    assert_no_pii_sent(server)


def test_failure_after_tools_keeps_the_approval_once(resources: Resources, ids: SmallStore,
                                                     server: FakeLLMServer) -> None:
    server.push(calls(tool_call("request_price_change", {"skus": ["S203-B16"]})), {"status": 500})
    out = turn(llm_resources(resources, server), ids, "Any discount on S203-B16?")
    assert out.answered_by == "planner" and len(out.approvals) == 1
    with Session(resources.engine) as s:
        rows = s.exec(select(PriceApproval).where(PriceApproval.conversation_id == out.conversation_id)).all()
        assert len(rows) == 1


def test_steps_are_bounded(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    loop = calls(tool_call("search_catalog", {"query": "breaker"}))
    server.default = loop
    res = llm_resources(resources, server, agent_max_steps=3)
    out = turn(res, ids, "breaker")
    assert len(server.requests) == 3
    assert [r["tool_choice"] for r in server.requests] == ["auto", "auto", "none"]  # the last step must answer
    assert out.answered_by == "planner"


def test_a_tool_call_written_as_text_is_not_an_answer(resources: Resources, ids: SmallStore,
                                                      server: FakeLLMServer) -> None:
    server.push(say('functions.get_product:\n{"sku": "S201-B16"}'))
    out = turn(llm_resources(resources, server), ids, "accessories for S201-B16")
    assert out.answered_by == "planner" and "functions." not in out.reply


def test_a_tool_call_written_as_text_after_tools_is_asked_again_in_plain_words(
        resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    """SmolLM2 calls tools, then writes ``functions.search_catalog:`` as its answer (it copies the template's
    lines): one retry carries the tool results as text and no tool definitions; its answer goes through the
    same checks and reaches the customer."""
    server.push(calls(tool_call("bought_together", {"sku": "S201-B16", "k": 2})),
                say('functions.bought_together:\n{"sku": "S201-B16"}'),
                say("Add BUS-1P-12 to the S201-B16."))
    out = turn(llm_resources(resources, server), ids, "accessories for S201-B16")
    assert out.answered_by == "llm" and "BUS-1P-12" in out.reply and "functions." not in out.reply
    retry = server.requests[-1]
    assert len(server.requests) == 3 and "tools" not in retry and "tool_choice" not in retry
    assert not [m for m in retry["messages"] if m["role"] == "tool" or m.get("tool_calls")]
    assert "BUS-1P-12" in retry["messages"][-1]["content"]  # the tool's result, as text
    assert_no_pii_sent(server)


def test_a_second_tool_call_as_text_goes_to_the_planner(resources: Resources, ids: SmallStore,
                                                        server: FakeLLMServer) -> None:
    server.push(calls(tool_call("bought_together", {"sku": "S201-B16", "k": 2})),
                say('functions.bought_together:\n{"sku": "S201-B16"}'), say("<tool_call>{}</tool_call>"))
    out = turn(llm_resources(resources, server), ids, "accessories for S201-B16")
    assert out.answered_by == "planner" and len(server.requests) == 3 and "tool_call" not in out.reply


def test_retries_with_backoff_then_succeeds(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    server.push({"status": 500}, say("Hello! How can I help?"))
    out = turn(llm_resources(resources, server, llm_max_retries=1), ids, "Hello")
    assert len(server.requests) == 2 and out.answered_by == "llm"


def test_stored_recommendations_carry_premises(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    server.push(calls(tool_call("bought_together", {"sku": "S201-B16", "k": 2})), say("Add BUS-1P-12."))
    out = turn(llm_resources(resources, server), ids, "accessories for S201-B16")
    with Session(resources.engine) as s:
        row = s.get(Recommendation, out.recommendations[0].recommendation_id)
        assert row is not None and row.premises and "S201-B16" in row.premises[0]["text"]
        assert row.model_version == f"llm:scripted | ranking {resources.recommender.version}"  # type: ignore[union-attr]
    from agent.loop import recorded_version

    long = recorded_version("llm:" + "m" * 80, resources.recommender)
    assert len(long) == 64 and long.endswith(f" | ranking {resources.recommender.version}")  # type: ignore[union-attr]
    assert recorded_version("planner", None) == "planner"


def test_catalogue_skus_without_digits_are_grounded_or_removed(resources: Resources, ids: SmallStore,
                                                               server: FakeLLMServer) -> None:
    """Codes like GAL-GRJ-BL have no digit, so the SKU-shape patterns miss them: named in a premise they are
    grounded, named by the model without a tool returning them they are removed like any other SKU."""
    from decimal import Decimal
    from types import SimpleNamespace

    from agent.guards import tool_text_tokens
    from store.models import Product
    from tools.models import PremiseOut, ProductCard

    with Session(resources.engine) as s:
        s.add(Product(sku="GAL-GRJ-BL", name="Hager Gallery data socket RJ45 cat.6, black", category="Sockets",
                      brand="Hager", unit_price=Decimal("31.90"), stock=5))
        s.commit()
    try:
        with Session(resources.engine) as s:
            card = ProductCard(sku="S201-B16", name="ABB S200 MCB B16 1P 6 kA", category="MCB",
                               price=Decimal("24.90"), premises=[PremiseOut(
                kind="als", text="matches your purchase pattern (driven by GAL-GRJ-BL (Hager Gallery data "
                                 "socket RJ45 cat.6, black))")])
            ctx = SimpleNamespace(returned={"S201-B16": card}, session=s, returned_skus={"S201-B16"},
                                  referenced=set())
            assert "GAL-GRJ-BL" in tool_text_tokens(ctx)  # type: ignore[arg-type]
        server.push(calls(tool_call("search_catalog", {"query": "B16 breaker", "k": 2})),
                    say("Take S201-B16.\nAlso add the GAL-GRJ-BL data socket."))
        out = turn(llm_resources(resources, server), ids, INTRO + "B16 breaker?")
        assert "S201-B16" in out.reply and "GAL-GRJ-BL" not in out.reply
        assert any(n.startswith("sku: sku_not_from_tool_result") for n in out.guardrail_notes)
        assert_no_pii_sent(server)
    finally:
        with Session(resources.engine) as s:
            s.delete(s.exec(select(Product).where(Product.sku == "GAL-GRJ-BL")).one())
            s.commit()


def test_llm_records_an_objection_to_profiling(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    """On the LLM path too, "no profiling" is a tool call that the turn commits, with its audit row."""

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        result = json.loads(last_tool_messages(body)[-1]["content"])
        assert result == {"opted_out": True, "already": False, "note": "recorded"}
        return say("Done: your company now objects to profiling.")

    server.push(calls(tool_call("object_to_profiling", {})), answer)
    with objection_withdrawn_after(resources.engine, ids.other_id):
        out = run_turn(llm_resources(resources, server), company_id=ids.other_id, contact_id=None,
                       conversation_id=str(uuid.uuid4()), message="No profiling, please.")
        assert out.answered_by == "llm" and out.tool_calls == ["object_to_profiling"]
        assert "object_to_profiling" in {t["function"]["name"] for t in server.requests[0]["tools"]}
        assert objection_state(resources.engine, ids.other_id) == (True, ("profiling_opt_out", "chat"))


def test_price_request_for_a_product_nobody_named_is_refused(resources: Resources, ids: SmallStore,
                                                             server: FakeLLMServer) -> None:
    """A model that picks a product itself ("anything on promotion?" -> a discount on S203-B16) files nothing:
    the tool guard answers with an error that tells it to ask, and the sales queue stays clean."""

    def ask(body: dict[str, Any]) -> dict[str, Any]:
        error = last_tool_messages(body)[-1]["content"]
        assert error.startswith("error:") and "S203-B16" in error and "ask the customer" in error
        return say("Which product would you like a better price for?")

    server.push(calls(tool_call("request_price_change", {"skus": ["S203-B16"], "discount_percent": 10})), ask)
    out = turn(llm_resources(resources, server), ids, INTRO + "Do you have anything on promotion?")
    assert out.answered_by == "llm" and not out.approvals
    assert "Which product" in out.reply
    with Session(resources.engine) as s:
        assert not s.exec(select(PriceApproval).where(PriceApproval.conversation_id == out.conversation_id)).all()
    assert_no_pii_sent(server)


def test_price_request_for_what_the_customer_described_or_was_shown(resources: Resources, ids: SmallStore,
                                                                    server: FakeLLMServer) -> None:
    """Named in words (this turn's search found what they described) or shown earlier in the conversation:
    both may be filed, without the customer typing the SKU."""
    res = llm_resources(resources, server)

    def request_top_hit(body: dict[str, Any]) -> dict[str, Any]:
        sku = json.loads(last_tool_messages(body)[-1]["content"])["items"][0]["sku"]
        return calls(tool_call("request_price_change", {"skus": [sku], "quantity": 200}))

    server.push(calls(tool_call("search_catalog", {"query": "B16 circuit breaker 1 pole", "k": 3})),
                request_top_hit, say("I have asked our sales team."))
    described = turn(res, ids, "Can I get a better price on a B16 circuit breaker, 1 pole, for 200 pcs?")
    assert len(described.approvals) == 1 and described.approvals[0].skus == ["S201-B16"]

    conv = str(uuid.uuid4())
    def list_them(body: dict[str, Any]) -> dict[str, Any]:
        items = json.loads(last_tool_messages(body)[-1]["content"])["items"]
        return say("For you: " + ", ".join(i["sku"] for i in items) + ".")

    server.push(calls(tool_call("recommend_products", {"k": 3})), list_them)
    shown = turn(res, ids, "What would you recommend?", conv)
    first = shown.recommendations[0].sku
    server.push(calls(tool_call("request_price_change", {"skus": [first]})), say("I have asked our sales team."))
    asked = turn(res, ids, "Any discount on the first one?", conv)
    assert len(asked.approvals) == 1 and asked.approvals[0].skus == [first]


def test_llm_asks_for_cheaper_products_with_the_same_specification(resources: Any, ids: SmallStore,
                                                                   server: FakeLLMServer) -> None:
    """The prompt sends "something cheaper than X" to similar_products(kind="cheaper"), never to a price request;
    the tool's note reaches the model when X has no cheaper twin."""

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        result = json.loads(last_tool_messages(body)[-1]["content"])
        assert result["items"] == [] and result["anchor"]["sku"] == "S203-B16"
        assert result["note"] == "no cheaper product with the same specification as S203-B16"
        return say("I found no cheaper product with the same specification as S203-B16.")

    server.push(calls(tool_call("similar_products", {"sku": "S203-B16", "kind": "cheaper"})), answer)
    out = turn(llm_resources(resources, server), ids, "Anything cheaper than S203-B16?")
    assert out.answered_by == "llm" and out.tool_calls == ["similar_products"] and not out.approvals
    assert "similar_products with kind" in server.requests[0]["messages"][0]["content"]
    kinds = next(t for t in server.requests[0]["tools"] if t["function"]["name"] == "similar_products")
    assert kinds["function"]["parameters"]["properties"]["kind"]["enum"] == ["similar", "substitute", "cheaper"]


def test_llm_records_an_onboarding_answer_with_the_turn(resources: Any, ids: SmallStore,
                                                        server: FakeLLMServer) -> None:
    """On the LLM path too, an answer to the onboarding question is a tool call whose change the turn commits."""
    from store.models import Company

    def answer(body: dict[str, Any]) -> dict[str, Any]:
        result = json.loads(last_tool_messages(body)[-1]["content"])
        assert result == {"topic": "categories", "recorded": "Cables; cables for a warehouse", "note": ""}
        return say("Thank you, noted.")

    server.push(calls(tool_call("record_onboarding_answer", {"topic": "categories", "answer": "cables for a warehouse",
                                                             "product_groups_named": ["Cables"]})), answer)
    with interests_forgotten_after(resources.engine, ids.cold_id):
        out = run_turn(llm_resources(resources, server), company_id=ids.cold_id, contact_id=ids.cold_contact_id,
                       conversation_id=str(uuid.uuid4()), message="We need cables for a warehouse.")
        assert out.answered_by == "llm" and out.tool_calls == ["record_onboarding_answer"]
        assert "record_onboarding_answer" in server.requests[0]["messages"][0]["content"]
        with Session(resources.engine) as s:
            company = s.get(Company, ids.cold_id)
            assert company is not None and company.interests == "Cables; cables for a warehouse"


# --- issue 17: what a model writes is not trusted ------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    'function.search_catalog:\n{&#34;query&#34;: &#34;MCB&#34;}',  # raw tool-call text with HTML entities
    "Here you go:\n```python\nprint(search('MCB'))\n```",  # code
    '{"sku": "S201-B16", "price": 1}',  # raw JSON
    "Cheaper at https://other-shop.example/s201-b16 - have a look.",  # a link outside the shop
])
def test_unshowable_model_text_is_replaced_by_the_planner(resources: Resources, ids: SmallStore,
                                                          server: FakeLLMServer, reply: str) -> None:
    server.push(say(reply))
    out = turn(llm_resources(resources, server), ids, "accessories for S201-B16")
    assert out.answered_by == "planner" and out.recommendations  # the planner's answer over the same tools
    assert any(n.startswith(("replaced by the rule planner:", "llm: the LLM wrote a tool call"))
               for n in out.guardrail_notes), out.guardrail_notes
    for token in ("function.", "&#34;", "```", '"sku"', "https://"):
        assert token not in out.reply


def test_another_customer_named_by_the_model_is_replaced(resources: Resources, ids: SmallStore,
                                                         server: FakeLLMServer) -> None:
    from store.companies import get_company

    with Session(resources.engine) as s:
        other = get_company(s, company_id=ids.other_id)
        assert other is not None
        name = other.name
    server.push(say(f"{name} ordered the same S201-B16 last week."))
    out = turn(llm_resources(resources, server), ids, "S201-B16")
    assert out.answered_by == "planner" and name not in out.reply


def test_a_discount_ask_the_model_answers_itself_is_filed_by_the_planner(resources: Resources, ids: SmallStore,
                                                                         server: FakeLLMServer) -> None:
    server.push(say("Of course, you get 10% off S203-B16 from today."))
    out = turn(llm_resources(resources, server), ids, "Can I get 10% discount on S203-B16?")
    assert out.answered_by == "planner" and [a.skus for a in out.approvals] == [["S203-B16"]]
    assert "replaced by the rule planner: price_request_not_filed" in out.guardrail_notes
    assert "10% off" not in out.reply


def test_invented_prices_in_any_form_are_removed(resources: Resources, ids: SmallStore, server: FakeLLMServer) -> None:
    server.push(calls(tool_call("get_product", {"sku": "S201-B16"})),
                say("S201-B16 is a good choice. S201-B16 costs 5.00 net for you. It is in stock."))
    out = turn(llm_resources(resources, server), ids, "Tell me about S201-B16")
    assert out.answered_by == "llm"
    assert "5.00" not in out.reply and "S201-B16 is a good choice." in out.reply
    assert any(n.startswith("price: price_not_allowed") for n in out.guardrail_notes)


def test_a_word_longer_than_any_query_is_answered_not_failed(resources: Resources, ids: SmallStore) -> None:
    """A 4,000-character message without spaces once ended in 502 ("planner did not answer within 4 steps")."""
    out = turn(resources, ids, "x" * resources.settings.max_message_chars)
    assert out.answered_by == "planner" and out.reply


def _expire_pending(engine: Any, company_id: int) -> None:
    with Session(engine) as s:
        for row in s.exec(select(PriceApproval).where(PriceApproval.company_id == company_id,
                                                      PriceApproval.status == "pending")).all():
            row.status = "expired"  # type: ignore[assignment]
            s.add(row)
        s.commit()


def test_open_price_requests_are_capped_per_company(resources: Resources, ids: SmallStore) -> None:
    """Twelve discount asks filed twelve approvals: the company's pending requests stop at the cap (429), and
    asking again about an open request is still answered."""
    from core.errors import RateLimitedError
    from guardrails.approvals import request_price_change

    _expire_pending(resources.engine, ids.customer_id)
    with Session(resources.engine) as s:
        for k in range(resources.settings.max_open_price_requests):
            request_price_change(s, company_id=ids.customer_id, conversation_id=None, skus=["S201-B16"],
                                 kind="discount", proposed_change={"discount_percent": 30 + k}, reason="")
    try:
        with pytest.raises(RateLimitedError, match="wait for a decision") as err:
            turn(resources, ids, "Can I get 7% discount on BUS-1P-12?")
        assert err.value.retry_after > 0 and err.value.http_status == 429
        again = turn(resources, ids, "Can I get 30% discount on S201-B16?")  # the open one: answered, not refused
        assert again.approvals and again.approvals[0].existing
    finally:
        _expire_pending(resources.engine, ids.customer_id)
