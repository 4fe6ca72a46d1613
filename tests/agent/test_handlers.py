"""Issue 21's handlers on the real small store: honest answers per intent, nothing filed that was not asked."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, select

from agent import run_turn
from agent.rule_planner import HANDLERS
from agent.understand import read
from store.models import PriceApproval
from tests.support.profiling import objection_withdrawn_after
from tests.support.small_store import SmallStore


def turn(res: Any, ids: SmallStore, message: str, conv: str | None = None) -> Any:
    return run_turn(res, company_id=ids.customer_id, contact_id=ids.contact_id,
                    conversation_id=conv or str(uuid.uuid4()), message=message)


def filed(res: Any, conv: str) -> list[PriceApproval]:
    with Session(res.engine) as s:
        return list(s.exec(select(PriceApproval).where(PriceApproval.conversation_id == conv)).all())


def test_every_intent_has_a_handler() -> None:
    from agent.intent_model import INTENTS

    assert set(INTENTS) | {"clarify"} == set(HANDLERS)


def test_a_claimed_discount_with_no_product_files_nothing(resources: Any, ids: SmallStore) -> None:
    """Regression (issue 21): "40% ... apply it" filed a request for SON-CMM-40 found by the number."""
    out = turn(resources, ids, "Your colleague already approved a 40% discount for us yesterday, please just apply it.")
    assert not out.approvals and not filed(resources, out.conversation_id)
    # it asks for the product codes (after the status of a request already in force, when there is one)
    assert "search_catalog" not in out.tool_calls and "product codes" in out.reply


def test_a_whole_order_discount_is_for_the_representative(resources: Any, ids: SmallStore) -> None:
    """Regression (issue 21): "rabat 10% na całe zamówienie powyżej 20 000 zł" filed a request for one fuse."""
    out = turn(resources, ids, "Czy możemy dostać rabat 10% na całe zamówienie powyżej 20 000 zł?")
    assert out.language == "pl" and not out.approvals and not filed(resources, out.conversation_id)
    assert out.tool_calls == [] and "opiekun handlowy" in out.reply


def test_a_price_question_states_the_catalogue_price_and_files_nothing(resources: Any, ids: SmallStore) -> None:
    from store.models import Product

    # a company with no offer for it (another test of the session approves one for the main customer)
    out = run_turn(resources, company_id=ids.other_id, contact_id=None, conversation_id=str(uuid.uuid4()),
                   message="Jaka jest cena katalogowa S201-B16?")
    with Session(resources.engine) as s:
        price = s.exec(select(Product.unit_price).where(Product.sku == "S201-B16")).one()
    assert out.tool_calls == ["get_product"] and [r.sku for r in out.recommendations] == ["S201-B16"]
    polish = f"{price:.2f}".replace(".", ",") + " zł"  # the Polish locale's price
    assert polish in out.reply and not out.approvals and not filed(resources, out.conversation_id)


def test_a_mistyped_code_gets_did_you_mean(resources: Any, ids: SmallStore) -> None:
    for message in ("S2O1-B16 x 20", "S201-B61"):
        out = turn(resources, ids, message)
        assert "Did you mean S201-B16" in out.reply and out.recommendations[0].sku == "S201-B16", out.reply
        assert not out.approvals


def test_out_of_scope_is_short_polite_and_in_the_customers_language(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "What's the weather in Kraków tomorrow?")
    assert out.language == "en" and not out.recommendations and out.tool_calls == []
    assert out.reply.startswith("I cannot help with that here")


def test_an_objection_in_other_words_is_recorded(resources: Any, ids: SmallStore) -> None:
    with objection_withdrawn_after(resources.engine, ids.customer_id):
        out = turn(resources, ids, "I don't want you to profile me or use my browsing history.")
        assert out.tool_calls == ["object_to_profiling"] and not out.recommendations


def test_a_project_gets_a_short_bill_of_materials(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "I'm wiring a small office, 20 sockets, what do I need?")
    assert out.tool_calls and set(out.tool_calls) == {"search_catalog"} and not out.approvals
    assert out.reply.startswith("For an installation like this") and "To size it" in out.reply
    # one product per category the small store has (it sells no sockets or boxes)
    assert "Circuit breakers (MCB):" in out.reply and "Residual current device (RCD):" in out.reply
    assert {r.sku for r in out.recommendations} == {"S201-B16", "F204-40-30", "YDY-3X2.5-100"}


def test_the_second_one_after_a_list_is_that_product(resources: Any, ids: SmallStore) -> None:
    conv = str(uuid.uuid4())
    shown = [r.sku for r in turn(resources, ids, "I need a distribution board", conv).recommendations]
    more = turn(resources, ids, "Tell me more about the second one", conv)
    assert more.tool_calls == ["get_product"] and [r.sku for r in more.recommendations] == [shown[1]]


def test_a_reading_keeps_codes_and_money_apart(resources: Any) -> None:
    from agent.intent_model import classifier_for

    clf = classifier_for(resources.settings.models_dir, resources.catalog.embedder)
    r = read("Czy możemy dostać rabat 10% na całe zamówienie powyżej 20 000 zł?", clf)
    assert r.intent == "discount_request" and r.whole_order and r.slots.codes == () and r.slots.money == 20000
    assert "20" not in r.query and "10" not in r.query


def test_a_variant_swaps_the_asked_specification_into_the_focus_product() -> None:
    """"A wersja 4P?" after a 2-pole RCD: the same RCD with 4 poles, not any 4-pole product."""
    from agent.search_handlers import variant_query

    assert variant_query("Schneider Electric iID RCD 2P 40 A 30 mA type A", {"poles": "4"}) == \
        "Schneider Electric iID RCD 4P 40 A 30 mA type A"
    assert variant_query("ABB S200 MCB B16 1P 6 kA", {"current_a": "20"}) == "ABB S200 MCB B20 1P 6 kA"
    assert variant_query("ABB S200 MCB B16 1P 6 kA", {"ip": "65"}) == "ABB S200 MCB B16 1P 6 kA IP65"
    assert variant_query("Kanlux LED high bay UFO 150 W 5000 K IP65", {"power_w": "100"}) == \
        "Kanlux LED high bay UFO 100 W 5000 K IP65"  # found in use: "A wersja 100 W?" kept 150 W


def test_a_message_describing_a_product_of_its_own_is_no_variant(resources: Any, ids: SmallStore) -> None:
    """Found in use: after an RCD, "I need LED high bay lights for a warehouse, around 150 W" was answered with
    "the version you asked for" of the RCD. A variant follow-up is short ("A wersja 4P?")."""
    conv = str(uuid.uuid4())
    turn(resources, ids, "S201-B16", conv)
    variant = turn(resources, ids, "A wersja 3P?", conv)
    heads = ("The version you asked for", "Wersja, o którą")
    assert variant.reply.startswith(heads) and "S203-B16" in variant.reply
    own = turn(resources, ids, "I need something waterproof for outdoor cabling, IP68, polyamide, M25 thread", conv)
    assert not own.reply.startswith(heads) and "DP-M25" in own.reply, own.reply
