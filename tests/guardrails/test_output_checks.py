"""Output checks: each SKU, price, personal-data and disclosure check, with repair, block and audit."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from guardrails.approvals import decide, request_price_change
from guardrails.output_checks import (
    DISCLOSURE_EN,
    DISCLOSURE_PL,
    AgentReplyDraft,
    CheckContext,
    check_reply,
    find_prices,
    parse_amount,
    record_report,
)
from guardrails.pii import PiiVault
from store.models import StaffUser


def _ctx(session: Session, draft: AgentReplyDraft, tools=("S201-B16", "GW44206", "OLD-123"), **kw) -> CheckContext:  # type: ignore[no-untyped-def]
    return CheckContext.from_session(session, company_id=1, draft=draft, tool_result_skus=tools, **kw)


def test_clean_reply_passes(catalogue: Session) -> None:
    draft = AgentReplyDraft(text=f"I recommend S201-B16 at 18,90 zł. {DISCLOSURE_EN}", recommended_skus=["S201-B16"])
    report = check_reply(draft, _ctx(catalogue, draft))
    assert report.action == "pass" and report.text == draft.text and not report.tripped


def test_unknown_inactive_and_not_from_tool_skus_removed(catalogue: Session) -> None:
    text = (f"Take S201-B16. Also XYZ-9999 is great. OLD-123 is cheap. YDY-3X25-100 fits. {DISCLOSURE_EN}")
    draft = AgentReplyDraft(text=text, recommended_skus=["S201-B16", "NOPE-1", "OLD-123", "YDY-3X25-100"])
    report = check_reply(draft, _ctx(catalogue, draft))
    assert report.action == "repair"
    assert report.recommended_skus == ["S201-B16"]
    assert report.text.startswith("Take S201-B16.") and "XYZ" not in report.text and "OLD-123" not in report.text
    assert "YDY-3X25-100" not in report.text
    reasons = {f.reason for f in report.findings}
    assert reasons == {"unknown_sku", "inactive_sku", "sku_not_from_tool_result"}


def test_specs_and_order_numbers_are_not_taken_for_skus(catalogue: Session) -> None:
    draft = AgentReplyDraft(text=f"For order ZAM/2026/11/0042 pick IP65, RCBO 1P+N B16, 30mA. {DISCLOSURE_EN}")
    assert check_reply(draft, _ctx(catalogue, draft)).action == "pass"


def test_prices_catalogue_or_approved_offer_only(catalogue: Session) -> None:
    req = request_price_change(catalogue, company_id=1, conversation_id=None, skus=["GW44206"], kind="quote",
                               proposed_change={"unit_price": "110.00"}, reason="project")
    decide(catalogue, approval_id=req.id, staff=catalogue.get(StaffUser, 1), approve=True)
    text = ("GW44206 costs PLN 123.45. For you GW44206 is 110,00 zł. S201-B16 is only 9,99 zł! "
            f"S201-B16 is €18.90. {DISCLOSURE_EN}")
    draft = AgentReplyDraft(text=text, recommended_skus=["GW44206"])
    report = check_reply(draft, _ctx(catalogue, draft))
    assert report.action == "repair"
    assert "PLN 123.45" in report.text and "110,00 zł" in report.text
    assert "9,99" not in report.text and "€18.90" not in report.text
    assert [f.info["amount"] for f in report.findings if f.check == "price"] == ["9.99", "18.90"]


def test_price_parsing() -> None:
    assert parse_amount("1 234,56") == Decimal("1234.56")
    assert parse_amount("1.234,56") == Decimal("1234.56")
    assert parse_amount("1,234.56") == Decimal("1234.56")
    assert [(a, c) for _, _, a, c in find_prices("123,45 zł or PLN 123.45 or €12")] == [
        (Decimal("123.45"), "PLN"), (Decimal("123.45"), "PLN"), (Decimal("12.00"), "EUR")]


def test_only_customers_own_personal_data(catalogue: Session, masker) -> None:  # type: ignore[no-untyped-def]
    vault = PiiVault("c1")
    masker.mask("Tu Anna Kowalska, anna@firma.pl", vault)
    draft = AgentReplyDraft(text="Dziękuję <PERSON_1>, oferta pójdzie na <EMAIL_1>. Kontakt: Jan Nowak, "
                                 f"jan.nowak@konkurencja.pl, <PHONE_7>. {DISCLOSURE_PL}")
    report = check_reply(draft, _ctx(catalogue, draft, vault=vault, masker=masker))
    assert report.action == "repair"
    assert "Anna Kowalska" in report.text and "anna@firma.pl" in report.text
    assert "Jan Nowak" not in report.text and "konkurencja" not in report.text and "<PHONE_7>" not in report.text
    pii = [f for f in report.findings if f.check == "pii"]
    assert {f.info["type"] for f in pii} == {"PERSON", "EMAIL", "PHONE"}
    assert "Jan" not in str(report.audit_details())  # the audit record carries types and offsets, not values


def test_disclosure_appended_in_the_reply_language(catalogue: Session) -> None:
    for text, line in (("Polecam S201-B16, cena 18,90 zł.", DISCLOSURE_PL), ("Take S201-B16.", DISCLOSURE_EN)):
        draft = AgentReplyDraft(text=text, recommended_skus=["S201-B16"])
        report = check_reply(draft, _ctx(catalogue, draft))
        assert report.action == "repair" and report.text.endswith(line)
        assert [f.reason for f in report.findings] == ["disclosure_missing"]


def test_block_when_nothing_useful_left_and_audit_entry(catalogue: Session) -> None:
    draft = AgentReplyDraft(text="XYZ-9999 costs 5 zł.", recommended_skus=["XYZ-9999"])
    report = check_reply(draft, _ctx(catalogue, draft))
    assert report.action == "block" and report.text == "" and report.recommended_skus == []
    row = record_report(catalogue, report, conversation_id="conv-9")
    assert row.action == "output_check.block" and row.entity_id == "conv-9"
    assert {f["reason"] for f in row.details["findings"]} >= {"unknown_sku"}
    strict = check_reply(AgentReplyDraft(text="Take S201-B16 for 1 zł. Thanks."), _ctx(catalogue, draft),
                         policy="block")
    assert strict.action == "block"


def test_shop_contacts_may_be_mentioned(catalogue: Session, masker) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    draft = AgentReplyDraft(text=f"Write to sprzedaz@hurtownia.pl for a quote. {DISCLOSURE_EN}")
    ctx = _ctx(catalogue, draft, masker=masker)
    assert check_reply(draft, ctx).action == "repair"
    ctx = replace(ctx, shop_contact_values=frozenset({"sprzedaz@hurtownia.pl"}))
    assert check_reply(draft, ctx).action == "pass"


def test_mixed_case_catalogue_sku_not_from_tools_is_caught(catalogue: Session) -> None:
    """Regression: a catalogue SKU with lower-case letters ("YKXS-5x10-M") mentioned without a tool result."""
    draft = AgentReplyDraft(text=f"Take S201-B16. YKXS-5x10-M also fits. {DISCLOSURE_EN}", recommended_skus=["S201-B16"])
    report = check_reply(draft, _ctx(catalogue, draft))
    assert "YKXS" not in report.text
    assert [f.info["sku"] for f in report.findings] == ["YKXS-5x10-M"]


def test_sentences_with_decimal_codes_and_prices_are_removed_whole(catalogue: Session) -> None:
    """Regression: a flagged SKU or price inside a sentence with decimal points ("YDY-3X2.5-100.", "19.99 PLN",
    "2,5 mm²") takes its whole sentence out, and nothing else."""
    text = ("Take S201-B16.\nEven better is the XPL-9000-B16 super breaker.\nAlso consider YDY-3X2.5-100.\n"
            "For 2,5 mm² wire use XPL-2.5-B16 at 19.99 PLN. S201-B16 costs 18,90 zł. Special price 19,99 zł!")
    draft = AgentReplyDraft(text=f"{text}\n\n{DISCLOSURE_EN}", recommended_skus=["S201-B16"])
    report = check_reply(draft, _ctx(catalogue, draft))
    assert report.action == "repair"
    assert report.text == f"Take S201-B16.\n\nS201-B16 costs 18,90 zł.\n\n{DISCLOSURE_EN}"
    assert {f.info["sku"] for f in report.findings if f.check == "sku"} == {"XPL-9000-B16", "YDY-3X2.5-100",
                                                                           "XPL-2.5-B16"}
    assert [f.info["amount"] for f in report.findings if f.check == "price"] == ["19.99"]


def test_block_when_only_the_disclosure_is_left(catalogue: Session) -> None:
    """Regression: a draft that already carries the disclosure and whose only sentence is dropped is blocked,
    not sent as a bare disclosure."""
    for text, line in (("Buy the XPL-9000-B16 for 9.99 PLN.", DISCLOSURE_EN),
                       ("Kup XPL-9000-B16 za 9,99 zł.", DISCLOSURE_PL),
                       ("Great news: your new price for S201-B16 is 19.99 PLN per piece!", DISCLOSURE_EN)):
        draft = AgentReplyDraft(text=f"{text}\n\n{line}", recommended_skus=[])
        report = check_reply(draft, _ctx(catalogue, draft))
        assert report.action == "block" and report.text == "", text


# --- issue 17: model-written text is not trusted with prices in any form -----------------------------------------

def _model(session: Session, text: str, **kw: object) -> str:
    """Return what survives of a model-written reply (the disclosure left out)."""
    draft = AgentReplyDraft(text=text, recommended_skus=["S201-B16"])
    report = check_reply(draft, _ctx(session, draft, model_written=True, **kw))  # type: ignore[arg-type]
    return report.text.replace(DISCLOSURE_EN, "").replace(DISCLOSURE_PL, "").strip()


def test_amounts_without_a_currency_sign_are_checked(catalogue: Session) -> None:
    """The issue's examples: every form of an invented price is removed."""
    for lie in ("S201-B16 costs 5.00 net for you.", "S201-B16 at 5 złotych.", "S201-B16 for 5,- zł.",
                "S201-B16: 18.90 PLN minus 50% = 9.45.", "S201-B16 is yours for only 12 today.",
                "S201-B16 kosztuje 5 zł netto."):
        assert _model(catalogue, f"We have S201-B16. {lie} It is in stock.") == \
            "We have S201-B16. It is in stock.", lie


def test_discount_and_approval_claims_need_an_approved_offer(catalogue: Session) -> None:
    lie = "Your 40% discount on S201-B16 is approved and applied."
    assert _model(catalogue, f"Sure. {lie}") == "Sure."
    assert _model(catalogue, "Rabat 10% na S201-B16 został zatwierdzony.") == ""
    sara = catalogue.get(StaffUser, 1)
    assert sara is not None
    row = request_price_change(catalogue, company_id=1, conversation_id=None, skus=["S201-B16"], kind="discount",
                               proposed_change={"discount_percent": 10}, reason="")
    assert row.id is not None
    decide(catalogue, approval_id=row.id, staff=sara, approve=True)
    granted = "Your 10% discount on S201-B16 was approved: 17.01 PLN net."
    assert _model(catalogue, granted) == granted  # an approved offer may be told, in its own numbers
    assert _model(catalogue, "Your 40% discount on S201-B16 was approved.") == ""  # ... but no other


def test_a_price_is_checked_against_the_product_it_is_about(catalogue: Session) -> None:
    """A sentence naming no product borrowed any returned product's price before (123.45 is the enclosure's)."""
    assert _model(catalogue, "S201-B16 and GW44206 are in stock. The price is 123.45 PLN.") == \
        "S201-B16 and GW44206 are in stock."
    assert _model(catalogue, "S201-B16 is in stock. The price is 18.90 PLN.") == \
        "S201-B16 is in stock. The price is 18.90 PLN."  # the one product the reply names
    assert _model(catalogue, "The MCB S201 B16 costs 123.45 PLN.") == ""  # named by its catalogue name


def test_specs_and_agent_texts_are_no_price_claims(catalogue: Session) -> None:
    text = "S201-B16 has a 6 kA rating and fits 2.50 mm wires. It is close to GW44206 (similarity 63%)."
    assert _model(catalogue, text) == "S201-B16 has a 6 kA rating and fits 2.50 mm wires."  # a bare % is a claim
    draft = AgentReplyDraft(text=text, recommended_skus=["S201-B16"])
    ctx = CheckContext.from_session(catalogue, company_id=1, draft=draft, tool_result_skus=("S201-B16", "GW44206"),
                                    model_written=True)
    ctx = type(ctx)(**{**ctx.__dict__, "agent_texts": ("similarity 63%",)})
    assert check_reply(draft, ctx).text.startswith(text)  # a premise the agent wrote may be repeated


def test_unsafe_content_is_named() -> None:
    from guardrails.output_checks import unsafe_content

    assert unsafe_content('function.search_catalog:\n{&#34;query&#34;: "MCB"}') == [
        "tool_call_syntax", "raw_json", "html_entity"] or "tool_call_syntax" in unsafe_content(
        'function.search_catalog:\n{&#34;query&#34;: "MCB"}')
    assert "code" in unsafe_content("```python\nprint('hi')\n```")
    assert "code" in unsafe_content("const x = () => { return 1 };")
    assert unsafe_content("See https://other-shop.example/mcb") == ["link"]
    assert unsafe_content("See https://sklep.example.pl/mcb", shop_hosts=["sklep.example.pl"]) == []
    assert unsafe_content("Instal-Bud bought the same last week.", other_companies=["Instal-Bud"]) == [
        "other_company"]
    assert unsafe_content("We have S201-B16 at 18.90 PLN; it fits a 2.5 mm² wire.") == []
