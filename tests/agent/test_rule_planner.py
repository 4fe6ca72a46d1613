"""The rule planner over the real small store: intents in Polish and English, justifications from premises."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import Session, select

from agent import run_turn
from agent.intents import category_hint, detect
from agent.language import detect_language
from core.errors import InputError, InputTooLargeError, NotFoundError
from store.models import Message, Order, PriceApproval, Product
from tests.support.profiling import interests_forgotten_after, objection_state, objection_withdrawn_after
from tests.support.small_store import SmallStore


def turn(res: Any, ids: SmallStore, message: str, conv: str | None = None, cold: bool = False) -> Any:
    return run_turn(res, company_id=ids.cold_id if cold else ids.customer_id,
                    contact_id=ids.cold_contact_id if cold else ids.contact_id,
                    conversation_id=conv or str(uuid.uuid4()), message=message)


@pytest.mark.parametrize(("text", "intent"), [
    ("Szukam wyłącznika nadprądowego B16", "find"), ("I need an IP65 board", "find"),
    ("What accessories go with S201-B16?", "accessories"), ("Co jeszcze pasuje do S201-B16?", "accessories"),
    ("Can I get 10% off?", "price"), ("Czy dostanę rabat na 100 szt.?", "price"), ("Poproszę o wycenę", "price"),
    ("Why did you recommend this?", "explain"), ("Dlaczego to polecasz?", "explain"),
    ("What would you recommend?", "recommend"), ("Co nam polecisz?", "recommend"),
    ("Co mógłbym jeszcze zamówić?", "recommend"), ("Co warto zamówić?", "recommend"),
    ("What could we order next?", "recommend"), ("Coś jeszcze do S201-B16?", "accessories"),
    ("Pokaż moje ostatnie zamówienia", "orders"), ("What did we order this year?", "orders"),
    ("Show our order history", "orders"),
    ("What are your opening hours?", "out_of_scope"), ("Gdzie jest moje zamówienie 123?", "out_of_scope"),
    ("Potrzebuję faktury za ostatnie zamówienie", "out_of_scope"), ("I need a tracking light", "find"),
    ("Can I get a discount on the delivery?", "price"),
    ("Potrzebuję czegoś taniej niż S201-B16", "alternatives"), ("Is there a cheaper alternative to S201-B16?",
                                                               "alternatives"),
    ("Czy macie zamiennik S201-B16?", "alternatives"), ("Czy S201-B16 może być tańszy?", "price"),
    ("Czy dostanę tańszą cenę na S201-B16?", "price"), ("Co kupują inne firmy podobne do mojej?", "popular"),
    ("What do companies like mine usually buy?", "popular"), ("Co jest najpopularniejsze?", "popular"),
    ("Chcę zwrócić towar", "out_of_scope"), ("I'd like to return an item", "out_of_scope"),
    ("Dziękuję, to wszystko", "thanks"), ("Thanks!", "thanks"), ("Thanks, and do you have YDY 3x1.5?", "find"),
    ("Who are you?", "identity"), ("Czy rozmawiam z człowiekiem?", "identity"), ("Are you a bot?", "identity"),
    ("Jakie są warunki płatności?", "out_of_scope"), ("Czy mogę zapłacić przelewem?", "out_of_scope"),
    ("Chciałbym zamówić 10 sztuk S201-B16", "place_order"), ("Add S201-B16 to my cart", "place_order"),
    ("Zamawiam to", "place_order"), ("Co moglibyśmy jeszcze zamówić?", "recommend"),
    ("Dostawa w piątek?", "out_of_scope"), ("Czy dostawa jest darmowa?", "out_of_scope"),
    ("Co zwykle zamawiam?", "orders"), ("Zamawiam to, 10 sztuk", "place_order"),
])
def test_intents_in_both_languages(text: str, intent: str) -> None:
    assert detect(text).intent == intent


def test_asking_what_to_order_carries_no_search_words() -> None:
    """Regression (demo chat): "Co mógłbym jeszcze zamówić?" searched the catalogue for "mógłbym jeszcze zamówić"
    and listed LED power supplies at similarity 0.24; it is a request for recommendations with no query."""
    for text in ("Co mógłbym jeszcze zamówić?", "Co warto zamówić?", "What could we order next?"):
        assert detect(text).query == ""
    assert detect("Co moglibyśmy zamówić do rozdzielnicy?").query == "rozdzielnicy"


@pytest.mark.parametrize(("text", "query"), [
    ("Ile kosztuje S201-B16?", "S201-B16"), ("How much is S201-B16?", "S201-B16"),
    ("What does a B16 breaker cost?", "B16 breaker"), ("Czy macie na stanie 20 szt. S201-B16?", "20 szt S201-B16"),
])
def test_a_catalogue_price_question_searches_for_the_product_only(text: str, query: str) -> None:
    """"Ile kosztuje S201-B16?" is a search (the catalogue price is shown), not a negotiation, and its query is
    the product, not "Ile kosztuje S201-B16"."""
    d = detect(text)
    assert d.intent == "find" and d.query == query


@pytest.mark.parametrize(("text", "position"), [
    ("Why the second one?", 2), ("Dlaczego polecasz drugi produkt?", 2), ("dlaczego nr 3?", 3), ("why #1", 1),
    ("Dlaczego trzeciego?", 3), ("Why did you recommend this?", None), ("Why S201-B16?", None),
    ("And 5% off the ninth one?", 9), ("Ile kosztuje ósmy?", 8), ("Ile kosztuje dziesiąty?", 10),
    # whole ordinal words only: "ośmiokątna" (octagonal) and "piątek" (Friday) name no place of a list
    ("Szukam oprawy ośmiokątnej", None), ("Czy zdążycie do piątku?", None), ("a one-gang frame", None),
])
def test_a_position_in_the_list_is_read(text: str, position: int | None) -> None:
    assert detect(text).position == position


def test_details_are_parsed() -> None:
    d = detect("Can I get 12,5% discount on S201-B16 for 200 pcs?")
    assert d.discount_percent == 12.5 and d.quantity == 200 and "S201-B16" in d.codes
    assert category_hint("rozdzielnica natynkowa") == "Enclosures & distribution boards"
    assert category_hint("dławnica M20 do kabla") == "Conduits & glands"
    assert detect_language("Panel LED 60x60 do biura.") == "pl"
    assert detect_language("Surge arrester type 2 for the main board.") == "en"
    assert detect_language("A wersja 100 W?") == "pl"  # found in use: answered in English after an English turn
    assert detect_language("And the 100 W version?", default="pl") == "en"


def test_find_in_polish_answers_in_polish_with_premises(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "Szukam wyłącznika nadprądowego B16 1P")
    assert out.answered_by == "planner" and out.language == "pl"
    assert out.recommendations and out.recommendations[0].category.startswith("Circuit protection")
    assert out.disclosure.startswith("Odpowiedzi i rekomendacje") and out.disclosure in out.reply
    assert all(r.sku in out.reply and r.premises for r in out.recommendations)


def test_accessories_then_discount_then_why(resources: Any, ids: SmallStore) -> None:
    conv = str(uuid.uuid4())
    acc = turn(resources, ids, "What accessories go with S201-B16?", conv)
    assert acc.tool_calls == ["bought_together"] and acc.recommendations[0].sku == "BUS-1P-12"
    assert "S201-B16" in acc.recommendations[0].justification  # written from the premise
    price = turn(resources, ids, "Can I get a 10% discount on that for 100 pcs?", conv)
    assert price.tool_calls == ["request_price_change"] and price.approvals[0].skus == ["BUS-1P-12"]
    assert f"#{price.approvals[0].approval_id}" in price.reply and not price.recommendations
    why = turn(resources, ids, "Why did you recommend these?", conv)
    assert why.tool_calls == ["explain_recommendations"]
    assert "BUS-1P-12" in why.reply and acc.recommendations[0].premises[0] in why.reply
    with Session(resources.engine) as s:
        row = s.get(PriceApproval, price.approvals[0].approval_id)
        assert row is not None and row.proposed_change == {"discount_percent": 10.0, "quantity": 100}
        assert len(s.exec(select(Message).where(Message.conversation_id == conv)).all()) == 6


def test_accessories_of_a_named_type_come_first(resources: Any, ids: SmallStore) -> None:
    """Found in use: "A jakie dławnice pasują do obudowy ME-40030020-S?" listed a DIN rail and a conduit first."""
    every = turn(resources, ids, "What goes with the RN-12-IP65?")
    assert every.tool_calls == ["bought_together"] and "S201-B16" in [r.sku for r in every.recommendations]
    busbars = turn(resources, ids, "Which busbar fits the RN-12-IP65?")
    assert busbars.tool_calls == ["bought_together"] and busbars.recommendations
    assert {r.sku for r in busbars.recommendations} <= {"TH35-1M", "BUS-1P-12", "BUS-3P-12"}
    pl = turn(resources, ids, "Jaka szyna grzebieniowa pasuje do rozdzielnicy RN-12-IP65?")
    assert {r.sku for r in pl.recommendations} <= {"TH35-1M", "BUS-1P-12", "BUS-3P-12"} and pl.recommendations


def test_why_the_second_one_explains_only_that_product(resources: Any, ids: SmallStore) -> None:
    conv = str(uuid.uuid4())
    listed = turn(resources, ids, "What accessories go with S201-B16?", conv)
    assert len(listed.recommendations) >= 2
    second = listed.recommendations[1]
    why = turn(resources, ids, "Why the second one?", conv)
    assert why.tool_calls == ["explain_recommendations"]
    assert second.sku in why.reply and listed.recommendations[0].sku not in why.reply
    assert second.premises[0] in why.reply
    beyond = turn(resources, ids, "Dlaczego nr 9?", conv)
    assert beyond.reply.startswith("Na mojej ostatniej liście nie ma produktu nr 9")
    fresh = turn(resources, ids, "Why the first one?")  # a new conversation: nothing listed yet
    assert fresh.reply.startswith("I have not recommended anything in this conversation yet.")


def test_accessories_and_a_discount_in_one_message(resources: Any, ids: SmallStore) -> None:
    assert detect("What goes with S201-B16? And can I get a 10% discount on it?").also == ("accessories",)
    for message, lang, ticket in (("What goes with S201-B16? And can I get a 10% discount on it?", "en",
                                   "request #{id}, status: pending"),
                                  ("Co pasuje do S201-B16? I czy dostanę rabat 5%?", "pl",
                                   "zgłoszenie nr {id}, status: oczekuje")):
        out = turn(resources, ids, message)
        assert out.tool_calls == ["request_price_change", "bought_together"] and out.language == lang
        assert out.approvals[0].skus == ["S201-B16"]
        assert ticket.format(id=out.approvals[0].approval_id) in out.reply
        assert out.recommendations[0].sku == "BUS-1P-12" and "S201-B16" in out.recommendations[0].justification
        assert out.recommendations[0].sku in out.reply
    unknown = turn(resources, ids, "What goes with it, and a discount please?")
    assert not unknown.approvals and unknown.reply.count("product code") == 1  # asked once, not twice


def test_accessories_for_a_described_product(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "Jakie akcesoria pasują do rozdzielnicy natynkowej 12 modułów?")
    assert out.tool_calls == ["search_catalog", "bought_together"]
    assert {r.sku for r in out.recommendations} & {"TH35-1M", "BUS-1P-12", "S201-B16"}


def test_cold_start_asks_an_onboarding_question(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "Dzień dobry, co polecacie?", cold=True)
    assert out.questions and out.questions[0].question in out.reply
    assert set(out.tool_calls) == {"ask_onboarding_question", "segment_bestsellers"}
    assert out.recommendations and all(r.premises for r in out.recommendations)


def test_price_for_a_described_product_shows_it(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "Can I get 5% off a surface distribution board with 12 modules?")
    assert out.tool_calls == ["search_catalog", "request_price_change"]
    assert [r.sku for r in out.recommendations] == out.approvals[0].skus
    assert out.recommendations[0].sku in out.reply and f"#{out.approvals[0].approval_id}" in out.reply


def test_repeated_price_request_is_answered_and_an_approved_price_is_told(resources: Any, ids: SmallStore) -> None:
    from guardrails.approvals import decide
    from store.models import StaffRole, StaffUser

    conv = str(uuid.uuid4())
    first = turn(resources, ids, "Can I get a 7% discount on S201-B16?", conv)
    again = turn(resources, ids, "Any news on my 7% discount for S201-B16?", conv)
    assert again.approvals[0].approval_id == first.approvals[0].approval_id and again.approvals[0].existing
    assert "already with our sales team" in again.reply and "24.90" not in again.reply
    with Session(resources.engine) as s:
        mine = select(PriceApproval).where(PriceApproval.conversation_id == conv)
        assert len(s.exec(mine).all()) == 1  # no duplicate for the sales team
        staff = StaffUser(username="sales.test.price", full_name="Sales", role=StaffRole.sales)
        s.add(staff)
        s.commit()
        decide(s, approval_id=first.approvals[0].approval_id, staff=staff, approve=True)
    told = turn(resources, ids, "What is my price for S201-B16 now?", conv)
    ticket = told.approvals[0]
    assert ticket.status == "approved" and ticket.unit_prices == {"S201-B16": Decimal("23.16")}  # 24.90 - 7 %
    assert "23.16 PLN" in told.reply and f"#{ticket.approval_id}" in told.reply
    assert not told.guardrail_notes  # the approved price passes the output check untouched
    with Session(resources.engine) as s:
        assert len(s.exec(mine).all()) == 1


def test_a_discount_ask_naming_no_product_tells_where_the_newest_request_stands(resources: Any,
                                                                                ids: SmallStore) -> None:
    """Found in use: "Is there a decision on my discount?" in a new conversation answered "Which products is it
    about?" above the notice of the decision."""
    from guardrails.approvals import decide
    from store.models import StaffRole, StaffUser

    filed_now = turn(resources, ids, "Can I get a 6% discount on S201-B16?").approvals[0]
    pending = turn(resources, ids, "Is there a decision on my discount?")
    assert not pending.approvals and pending.tool_calls == []
    assert pending.reply.startswith(f"Your request #{filed_now.approval_id} for S201-B16 is still with our sales")
    assert "product codes" in pending.reply and not pending.guardrail_notes
    with Session(resources.engine) as s:
        staff = StaffUser(username="sales.test.status", full_name="Sales", role=StaffRole.sales)
        s.add(staff)
        s.commit()
        decide(s, approval_id=filed_now.approval_id, staff=staff, approve=True, note="for this month")
    news = turn(resources, ids, "Czy jest już decyzja w sprawie rabatu?")
    assert news.reply.startswith("Oto najnowsze informacje o Państwa wcześniejszych prośbach")  # the news first
    assert f"nr {filed_now.approval_id}" in news.reply or f"#{filed_now.approval_id}" in news.reply
    again = turn(resources, ids, "Any news on my discount?")  # told once: now restated, not announced again
    assert again.reply.startswith(f"Update on your request #{filed_now.approval_id}: our sales team approved")
    assert "23.41\u00a0PLN" in again.reply and not again.guardrail_notes  # 24.90 - 6 %


def test_asking_after_a_decision_with_a_product_in_focus_files_nothing_new(resources: Any, ids: SmallStore) -> None:
    """Found in use: "Czy jest już decyzja w sprawie rabatu?" after a list filed a new request for its first product."""
    from guardrails.approvals import decide
    from store.models import StaffRole, StaffUser

    conv = str(uuid.uuid4())
    filed = turn(resources, ids, "Can I get a 4% discount on S203-B16?", conv).approvals[0]
    listed = turn(resources, ids, "Show me busbars", conv)
    assert listed.recommendations and listed.recommendations[0].sku != "S203-B16"
    asked = turn(resources, ids, "Czy jest już decyzja w sprawie rabatu?", conv)
    assert not asked.approvals and asked.tool_calls == []
    assert f"nr {filed.approval_id}" in asked.reply and "S203-B16" in asked.reply
    again = turn(resources, ids, "Can I get a better price on the first one?", conv)  # a new ask still files
    assert again.approvals and again.approvals[0].skus == [listed.recommendations[0].sku]
    with Session(resources.engine) as s:
        staff = StaffUser(username="sales.test.focus", full_name="Sales", role=StaffRole.sales)
        s.add(staff)
        s.commit()
        for approval_id in (filed.approval_id, again.approvals[0].approval_id):  # the open-request cap
            decide(s, approval_id=approval_id, staff=staff, approve=False, note="test over")


def test_a_request_for_more_than_the_stock_says_so(resources: Any, ids: SmallStore) -> None:
    """Found in use: "We'd take 40 of them, can you do 12% off?" with 16 in stock was filed without a word."""
    from guardrails.approvals import decide
    from store.models import StaffRole, StaffUser

    with Session(resources.engine) as s:
        staff = StaffUser(username="sales.test.stock", full_name="Sales", role=StaffRole.sales)
        s.add(staff)
        s.commit()

        def asked(message: str) -> Any:  # each request decided at once: the company's open requests are capped
            out = turn(resources, ids, message)
            assert out.approvals and out.approvals[0].skus == ["S201-C20"] and not out.guardrail_notes
            decide(s, approval_id=out.approvals[0].approval_id, staff=staff, approve=False, note="test over")
            return out

        many = asked("Can we get 5% off 200 pieces of S201-C20?")
        assert "Please note: 50 of S201-C20 are in stock now, fewer than the 200 you asked about" in many.reply
        few = asked("Poproszę 4% rabatu na 20 szt. S201-C20")
        assert few.language == "pl" and "na stanie" not in few.reply


def test_an_inflected_quantity_reaches_the_filed_request(resources: Any, ids: SmallStore) -> None:
    """Found in use: "przy 60 sztukach" ("at 60 pieces", locative) was filed without a quantity: the masker took
    "przy 60 sztukach" for an address, and the unit word was not read in that case."""
    from guardrails.approvals import decide
    from store.models import StaffRole, StaffUser

    out = turn(resources, ids, "Jaki rabat dostaniemy przy 60 sztukach S201-C20?")
    assert out.approvals and out.approvals[0].skus == ["S201-C20"]
    assert "mniej niż 60 szt." in out.reply  # 50 in stock: the note reads the quantity too
    with Session(resources.engine) as s:
        row = s.get(PriceApproval, out.approvals[0].approval_id)
        assert row is not None and row.proposed_change.get("quantity") == 60
        staff = StaffUser(username="sales.test.inflected", full_name="Sales", role=StaffRole.sales)
        s.add(staff)
        s.commit()
        decide(s, approval_id=row.id, staff=staff, approve=False, note="test over")  # the open-request cap


def test_price_without_product_asks_which(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "Can I get a discount?")
    assert not out.approvals and "product code" in out.reply


def test_order_history_is_summarised_in_words(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Pokaż moje ostatnie zamówienia" searched the catalogue for "moje ostatnie"."""
    out = turn(resources, ids, "Pokaż moje ostatnie zamówienia")
    assert out.tool_calls == ["get_order_history"] and not out.recommendations
    assert not out.guardrail_notes  # the products the summary names are grounded, not stripped
    with Session(resources.engine) as s:
        orders = s.exec(select(Order).where(Order.company_id == ids.customer_id)).all()
    assert out.reply.startswith(f"Państwa zamówienia z ostatnich 24 miesięcy: {len(orders)} (")
    assert "Kupowane regularnie:" in out.reply and "zamówieniach" in out.reply
    assert "Nie widzę Państwa zamówień" in turn(resources, ids, "Pokaż moje zamówienia", cold=True).reply
    assert "PLN" not in out.reply.replace(out.disclosure, "")  # no prices: the summary has none


def test_availability_questions_show_the_stock(resources: Any, ids: SmallStore) -> None:
    assert detect("Czy S201-B16 jest dostępny?").asks_stock and detect("Do you have it in stock?").asks_stock
    assert not detect("Szukam wyłącznika B16 1P").asks_stock
    assert detect("Do you have YDY 3x2.5 in stock?").query == "YDY 3x2.5"
    def set_stock(n: int) -> int:
        with Session(resources.engine) as s:
            product = s.exec(select(Product).where(Product.sku == "S201-B16")).one()
            before, product.stock = product.stock, n
            s.add(product)
            s.commit()
            return before

    before = set_stock(37)
    try:
        out = turn(resources, ids, "Czy S201-B16 jest dostępny?")
        line = next(x for x in out.reply.splitlines() if "(S201-B16)" in x)
        assert "na stanie: 37;" in line  # the store's stock, not the index's copy
        set_stock(0)
        assert "(S201-B16), 24,90 zł netto: brak na stanie;" in turn(resources, ids, "Czy S201-B16 jest dostępny?").reply
        assert "na stanie" not in turn(resources, ids, "Szukam S201-B16").reply
    finally:
        set_stock(before)


def test_a_search_found_by_faint_similarity_only_is_offered_as_a_guess(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "szukam czegoś do nowej hali produkcyjnej" listed cable trays at similarity 0.23
    under "Oto co znalazłem"; such hits now come with a question back. (That message itself is now read as a
    project need and gets a short bill of materials by category, as issue 21 asks for a vague project.)"""
    hall = turn(resources, ids, "Dzień dobry, szukam czegoś do nowej hali produkcyjnej")
    assert hall.reply.startswith("Do takiej instalacji zwykle potrzeba") and len(hall.recommendations) >= 2
    vague = turn(resources, ids, "Szukam czegoś do zabezpieczenia pompy w hali")
    assert vague.recommendations and vague.reply.startswith("Nie mam pewności, czy to pasuje")
    # the premises in the customer's language, from their data: no similarity figure
    assert all(p == "bliski temu, czego Państwo szukają" for r in vague.recommendations for p in r.premises)
    spec = turn(resources, ids, "Szukam wyłącznika nadprądowego B16 1P")
    assert spec.reply.startswith("Oto co znalazłem")


def test_no_profiling_in_chat_records_the_objection(resources: Any, ids: SmallStore) -> None:
    """The disclosure line says writing "no profiling" opts out: the planner does it and recommends without
    history afterwards."""

    def say(message: str) -> Any:
        return run_turn(resources, company_id=ids.other_id, contact_id=None, conversation_id=str(uuid.uuid4()),
                        message=message)

    for text in ("Bez profilowania, proszę.", "I want to stop profiling", "Chcę zrezygnować z profilowania"):
        assert detect(text).intent == "opt_out"
    with objection_withdrawn_after(resources.engine, ids.other_id):
        out = say("Bez profilowania, proszę.")
        assert out.tool_calls == ["object_to_profiling"] and not out.recommendations
        assert out.reply.startswith("Gotowe: zapisałem sprzeciw Państwa firmy wobec profilowania.")
        assert objection_state(resources.engine, ids.other_id) == (True, ("profiling_opt_out", "chat"))
        assert say("I want to stop profiling").reply.startswith("Your company already objects to profiling")
        recs = say("What would you recommend for us?").recommendations
        assert recs and all(r.premises[0].startswith("not personalised") for r in recs)


def test_what_no_tool_knows_is_said_plainly(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "What are your opening hours?" listed emergency luminaires ("matches: opening")."""
    out = turn(resources, ids, "What are your opening hours?")
    assert out.tool_calls == [] and not out.recommendations
    assert out.reply.startswith("I cannot help with that here") and "sales representative" in out.reply
    pl = turn(resources, ids, "Gdzie jest moje zamówienie?")
    assert pl.reply.startswith("W tej sprawie nie pomogę") and not pl.recommendations


def test_a_vague_price_ask_files_no_request_for_a_guessed_product(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Macie coś na promocji?" searched for "Macie", took the top hit (a cable at semantic
    similarity 0.23) and queued a discount request for it. A described product must match the description."""
    out = turn(resources, ids, "Macie coś na promocji?")
    assert "request_price_change" not in out.tool_calls and not out.approvals
    with Session(resources.engine) as s:
        assert not s.exec(select(PriceApproval).where(PriceApproval.conversation_id == out.conversation_id)).all()


def test_personal_data_is_masked_in_storage_and_unmasked_for_the_customer(resources: Any, ids: SmallStore) -> None:
    conv = str(uuid.uuid4())
    out = turn(resources, ids, "Hi, I'm Anna Kowalska, anna.kowalska@elektro-test.pl. I need a DIN rail.", conv)
    assert out.recommendations
    with Session(resources.engine) as s:
        stored = " ".join(s.exec(select(Message.masked_text).where(Message.conversation_id == conv)).all())
    assert "Kowalska" not in stored and "anna.kowalska@" not in stored and "<EMAIL" in stored


def test_bad_input_is_refused(resources: Any, ids: SmallStore) -> None:
    with pytest.raises(InputError):
        turn(resources, ids, "   ")
    with pytest.raises(InputTooLargeError, match="the limit is"):  # the one length check (413 in the portal)
        turn(resources, ids, "x" * (resources.settings.max_message_chars + 1))
    with pytest.raises(NotFoundError):
        run_turn(resources, company_id=10**9, contact_id=None, conversation_id=str(uuid.uuid4()), message="hi")
    # who may use which conversation is the portal's check (tests/portal/routes/test_portal_chat.py)


def test_profile_passes_the_denylist(resources: Any, ids: SmallStore) -> None:
    from agent.memory import profile_features
    from store.models import Company

    with Session(resources.engine) as s:
        features = profile_features(s.get(Company, ids.customer_id), 20)
    assert features["segment"] == {"industry": "electrical_installer", "size_band": "small"}
    assert "nip" not in str(features).lower() and "name" not in features


def test_something_cheaper_than_a_product_lists_its_cheaper_twins_and_files_nothing(resources: Any,
                                                                                   ids: SmallStore) -> None:
    """Regression (demo chat): "Potrzebuję czegoś taniej niż S201-B16" filed a discount request for S201-B16.
    The customer asked for another product: the same specification at a lower price."""
    with Session(resources.engine) as s:
        s.add(Product(sku="MBN116B", name="Hager MCB B16 1P 6 kA", category="Circuit protection > Miniature "
                      "circuit breakers (MCB)", brand="Hager", unit_price=Decimal("19.90"), stock=20,
                      attributes={"rated_current_a": 16, "poles": 1, "curve": "B"}))
        s.commit()
    try:
        out = turn(resources, ids, "Potrzebuję czegoś taniej niż S201-B16")
        assert out.tool_calls == ["similar_products"] and not out.approvals
        assert [r.sku for r in out.recommendations] == ["MBN116B"]
        assert out.reply.startswith("Tańsze produkty o tej samej specyfikacji co S201-B16 (24,90 zł netto):")
        assert "ta sama specyfikacja co S201-B16: prąd znamionowy 16 A, bieguny 1, charakterystyka B" in out.reply
        none = turn(resources, ids, "Is there anything cheaper than S203-B16?")
        assert none.tool_calls == ["similar_products"] and not none.approvals and not none.recommendations
        assert none.reply.startswith("I found no cheaper product with the same specification as S203-B16 (89.90")
        with Session(resources.engine) as s:
            filed = s.exec(select(PriceApproval).where(
                PriceApproval.conversation_id.in_([out.conversation_id, none.conversation_id]))).all()  # type: ignore[attr-defined]
            assert not filed
    finally:  # the stored recommendations point at it: retire it rather than delete it
        with Session(resources.engine) as s:
            twin = s.exec(select(Product).where(Product.sku == "MBN116B")).one()
            twin.active = False
            s.add(twin)
            s.commit()


def test_a_substitute_question_without_a_twin_gets_the_closest_products(resources: Any, ids: SmallStore) -> None:
    out = turn(resources, ids, "Any substitute for YDY-3X2.5-100?")
    assert out.tool_calls == ["similar_products", "similar_products"] and out.recommendations
    assert out.reply.startswith("No other product has exactly the specification of YDY-3X2.5-100; the closest")


def test_what_companies_like_mine_buy_is_the_segment_bestseller_list(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Co kupują inne firmy podobne do mojej?" searched the catalogue for "kupują inne
    firmy podobne mojej" and offered socket outlets at similarity 0.22."""
    out = turn(resources, ids, "What do companies like mine usually buy?")
    assert out.tool_calls == ["segment_bestsellers"] and out.recommendations
    # the small store's segments are below the 5-customer floor, so the list is the overall one and says so
    assert out.reply.startswith("These are our bestsellers across all customers:")
    assert all(r.premises[0].startswith("popular with our customers") for r in out.recommendations)


def test_thanks_and_returns_get_a_plain_answer(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Dziękuję, to wszystko" searched for "wszystko"; "Chcę zwrócić towar" listed
    distribution boards."""
    thanks = turn(resources, ids, "Dziękuję, to wszystko")
    assert thanks.tool_calls == [] and not thanks.recommendations and thanks.reply.startswith("Dziękuję!")
    returns = turn(resources, ids, "I'd like to return an item")
    assert returns.tool_calls == [] and not returns.recommendations and "returns" in returns.reply


def test_who_are_you_is_answered_with_the_ai_disclosure(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Czy rozmawiam z człowiekiem?" ("am I talking to a person?") searched the
    catalogue and offered solar cables; the answer is that this is an AI assistant."""
    out = turn(resources, ids, "Czy rozmawiam z człowiekiem?")
    assert out.tool_calls == [] and not out.recommendations
    assert out.reply.startswith("Jestem asystentem AI, nie człowiekiem.")
    assert turn(resources, ids, "Are you a bot?").reply.startswith("I am an AI assistant, not a person.")


def test_an_order_in_the_chat_is_not_placed_and_shows_the_product_meant(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Chciałbym zamówić 10 sztuk S201-B16" and "Add S201-B16 to my cart" searched for
    the words and listed RCBOs that match "curve B". The chat cannot order: it says so and shows S201-B16."""
    out = turn(resources, ids, "Chciałbym zamówić 10 sztuk S201-B16")
    assert out.tool_calls == ["get_product"] and [r.sku for r in out.recommendations] == ["S201-B16"]
    assert out.reply.startswith("Nie mogę złożyć zamówienia w czacie") and "na stanie: 50" in out.reply
    assert not out.approvals
    conv = str(uuid.uuid4())
    shown = turn(resources, ids, "I need a DIN rail", conv)
    it = turn(resources, ids, "Add it to my cart", conv)
    assert [r.sku for r in it.recommendations] == [shown.recommendations[0].sku]
    assert it.reply.startswith("I cannot place orders in the chat")
    vague = turn(resources, ids, "I want to order")
    assert not vague.recommendations and "Which product is it about?" in vague.reply


def test_payment_questions_are_out_of_scope(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Jakie są warunki płatności?" listed emergency luminaires for "są"."""
    out = turn(resources, ids, "Jakie są warunki płatności?")
    assert out.tool_calls == [] and not out.recommendations and "płatności" in out.reply


def test_polish_words_for_ev_charging_point_to_the_category() -> None:
    """"Czy jest coś do ładowania samochodu elektrycznego?" searched every category and offered busbars."""
    assert category_hint("ładowania samochodu elektrycznego") == "EV charging"
    assert category_hint("charger for an electric car") == "EV charging"


def test_the_second_one_means_that_place_of_the_latest_list(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Ile kosztuje drugi?" searched for "drugi" and offered installation testers, and
    "5% rabatu na drugi" filed the request for the *first* product of the list."""
    conv = str(uuid.uuid4())
    shown = [r.sku for r in turn(resources, ids, "I need a distribution board", conv).recommendations]
    assert len(shown) >= 2
    second = turn(resources, ids, "How much is the second one?", conv)
    assert second.tool_calls == ["get_product"] and [r.sku for r in second.recommendations] == [shown[1]]
    assert second.reply.startswith("The catalogue price (net) of the product you mean:")
    assert "in stock: 50" in second.reply and not second.approvals  # a price question files nothing
    conv = str(uuid.uuid4())
    shown = [r.sku for r in turn(resources, ids, "I need a distribution board", conv).recommendations]
    asked = turn(resources, ids, "Can I get 5% off the second one?", conv)
    assert [a.skus for a in asked.approvals] == [[shown[1]]]
    too_far = turn(resources, ids, "And 5% off the ninth one?", conv)
    assert not too_far.approvals and too_far.reply.startswith("My latest list has no product number 9.")


def test_the_second_one_still_means_the_list_after_a_single_product_answer(resources: Any,
                                                                          ids: SmallStore) -> None:
    """Found in use: "ile kosztuje ta druga?" answered one product, then "8% rabatu przy 30 sztukach tej drugiej"
    got "my latest list has no product number 2": a single-product answer is no new list."""
    conv = str(uuid.uuid4())
    shown = [r.sku for r in turn(resources, ids, "I need a distribution board", conv).recommendations]
    assert len(shown) >= 2
    price = turn(resources, ids, "How much is the second one?", conv)
    assert [r.sku for r in price.recommendations] == [shown[1]]
    asked = turn(resources, ids, "Can we get 8% off 30 pieces of the second one?", conv)
    assert [a.skus for a in asked.approvals] == [[shown[1]]]
    why = turn(resources, ids, "Why the first one?", conv)
    assert why.tool_calls == ["explain_recommendations"]
    assert shown[0] in why.reply and shown[1] not in why.reply


def test_accessories_for_that_use_the_product_meant_not_a_search_for_the_word(resources: Any,
                                                                             ids: SmallStore) -> None:
    """Regression (demo chat): "Jakie akcesoria do tego?" searched for "tego" and took a weak hit (a WAGO
    connector) as the product."""
    conv = str(uuid.uuid4())
    shown = turn(resources, ids, "Szukam rozdzielnicy natynkowej", conv).recommendations
    out = turn(resources, ids, "Jakie akcesoria do tego?", conv)
    assert out.tool_calls == ["bought_together"] and out.reply.startswith(f"Klienci kupujący {shown[0].sku}")
    fresh = turn(resources, ids, "Jakie akcesoria do tego?")
    assert fresh.tool_calls == [] and fresh.reply.startswith("Którego produktu to dotyczy?")


def test_a_new_customers_answer_to_the_onboarding_question_is_recorded_and_used(resources: Any,
                                                                               ids: SmallStore) -> None:
    """The planner asked "Which product groups do you buy most often?" and dropped the answer: the reply was a
    catalogue search for it. The answer is now recorded on the company (``interests``) and the picks use it."""
    from store.models import Company

    conv = str(uuid.uuid4())
    with interests_forgotten_after(resources.engine, ids.cold_id):
        first = turn(resources, ids, "Hello", conv, cold=True)
        assert first.questions and first.questions[0].topic == "categories"
        out = turn(resources, ids, "Mostly cables and cable glands", conv, cold=True)
        assert out.tool_calls == ["record_onboarding_answer", "recommend_for_customer"]
        assert out.reply.startswith("Thank you, noted: your interests: Conduits & glands; Cables; Mostly cables and "
                                    "cable glands.\nWith that in mind, I suggest:")
        assert out.recommendations
        with Session(resources.engine) as s:
            company = s.get(Company, ids.cold_id)
            assert company is not None and company.interests and "Mostly cables" in company.interests
        later = turn(resources, ids, "Hello", str(uuid.uuid4()), cold=True)  # nothing left to ask
        assert not later.questions and "record_onboarding_answer" not in later.tool_calls



def test_several_product_types_in_one_message_get_a_search_each(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "I need RCDs and MCBs for a new flat" ran one search and listed RCBOs only."""
    out = turn(resources, ids, "I need MCB breakers and cable glands")
    assert out.tool_calls == ["search_catalog", "search_catalog"]
    categories = {r.category.split(" > ")[0] for r in out.recommendations}
    assert categories == {"Circuit protection", "Conduits & glands"}


def test_is_it_in_stock_shows_the_product_meant(resources: Any, ids: SmallStore) -> None:
    """Regression (demo chat): "Is it in stock?" after a list recommended the whole list again."""
    conv = str(uuid.uuid4())
    shown = turn(resources, ids, "I need a distribution board", conv).recommendations
    out = turn(resources, ids, "Is it in stock?", conv)
    assert out.tool_calls == ["get_product"] and [r.sku for r in out.recommendations] == [shown[0].sku]
    assert "in stock: 50" in out.reply
    assert turn(resources, ids, "Is it in stock?").reply.startswith("Which product is it about?")
