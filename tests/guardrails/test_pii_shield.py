"""Issue 22: product codes of the whole demo catalogue survive, and the shield hides no card or IBAN that looks like a code."""

from __future__ import annotations

import random
from datetime import datetime
from functools import lru_cache

import pytest

from guardrails.pii import checksums as cs


@lru_cache(maxsize=1)
def _demo_catalogue() -> tuple[list[str], list[str]]:
    from store.demo.catalog import build_catalog

    products = build_catalog(random.Random(20261127), datetime(2026, 11, 1)).products
    return [p["sku"] for p in products], [p["ean"] for p in products]


@pytest.fixture(scope="module")
def demo_masker():  # type: ignore[no-untyped-def]
    from guardrails.pii import build_masker

    skus, eans = _demo_catalogue()
    return build_masker(known_product_codes=skus + eans)


def test_every_demo_sku_and_ean_stays_verbatim(demo_masker) -> None:  # type: ignore[no-untyped-def]
    """All ~3,200 SKUs and EANs of the demo catalogue, ten per message, next to a name and a phone number."""
    skus, eans = _demo_catalogue()
    codes = skus + eans
    lost = []
    for i in range(0, len(codes), 10):
        chunk = codes[i:i + 10]
        text = "Tu Anna Kowalska, tel. 601 234 567. Proszę o " + ", ".join(f"10 szt. {c}" for c in chunk) + "."
        spans = demo_masker.detect(text)
        lost += [c for c in chunk if any(d.start < text.index(c) + len(c) and text.index(c) < d.end for d in spans)]
        assert {d.label for d in spans} == {"PERSON", "PHONE"}, (text, spans)
    assert lost == []


@pytest.mark.parametrize("token", ["YDY 3x2.5", "NYM-J 3x4", "H07RN-F 3G2.5", "RCBO 1P+N B16", "IP65", "400 V",
                                   "30mA", "2,5 mm2", "ZAM/2026/11/0042", "FV 2026/10/118", "FV/2025/10/2577",
                                   "WZ-2026-00123", "PO-2026-1234", "#48213", "100 m", "25 szt.", "16,49 zł"])
def test_spec_and_document_numbers_stay_next_to_identifier_keywords(masker, token: str) -> None:  # type: ignore[no-untyped-def]
    """Even right before a NIP or phone keyword, a document number that happens to pass a check is no identifier."""
    text = f"Proszę o {token} na NIP 526-104-08-28, tel. 601 234 567."
    result = masker.mask(text)
    assert token in result.text
    assert sorted(e.type for e in result.entities) == ["NIP", "PHONE"]


@pytest.mark.parametrize("card", ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
                                  "5500 0000 0000 0004", "3400 000000 00009", "4716424521511864"])
def test_card_numbers_are_never_hidden_by_the_shield(masker, card: str) -> None:  # type: ignore[no-untyped-def]
    for text in (f"Card {card} please", f"Zamówienie S201-B16, karta {card}, 10 szt.", f"{card}"):
        assert any(d.label == "CREDIT_CARD" and d.value == card for d in masker.detect(text)), text


@pytest.mark.parametrize("iban", ["GB29NWBK60161331926819", "GB29 NWBK 6016 1331 9268 19", "DE89370400440532013000",
                                  "PL61109010140000071219812874", "pl61 1090 1014 0000 0712 1981 2874",
                                  "PL61-1090-1014-0000-0712-1981-2874"])
def test_ibans_that_look_like_codes_are_masked(masker, iban: str) -> None:  # type: ignore[no-untyped-def]
    assert [(d.label, d.value) for d in masker.detect(f"Konto: {iban} proszę")] == [("IBAN", iban)]
    assert ("IBAN", iban) in [(d.label, d.value) for d in masker.detect(f"Model {iban}")]


def test_an_ean_that_passes_luhn_is_a_product_not_a_card(masker) -> None:  # type: ignore[no-untyped-def]
    """13-digit EANs starting with 4 (German brands) pass the Luhn check one time in ten: they stay products."""
    r = random.Random(5)
    ean = next(e for e in (("40" + "".join(r.choice("0123456789") for _ in range(10))) for _ in range(10000))
               for e in [e + str((10 - sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(e)) % 10) % 10)]
               if cs.is_valid_ean(e) and cs.is_valid_luhn(e))
    assert masker.detect(f"Proszę o 5 szt. EAN {ean}") == []


def test_a_vat_number_not_in_the_catalogue_beats_the_code_pattern(masker) -> None:  # type: ignore[no-untyped-def]
    assert [(d.label, d.value) for d in masker.detect("Rechnung an DE136695976")] == [("VAT", "DE136695976")]


def test_a_catalogue_code_always_wins() -> None:
    """A catalogue code that happens to be a valid VAT number stays a product (the allow-list is exact)."""
    from guardrails.pii import build_masker

    m = build_masker(known_product_codes=["DE136695976"], ner="never")
    assert m.detect("Proszę 10 szt. DE136695976") == []


@pytest.mark.parametrize("text", ["Czy macie panel Lena 40W?", "Gniazdo Aria GZU-WH białe, 10 szt.",
                                  "Sonata 16A biała", "Brady etykiety 25 szt."])
def test_series_and_brand_names_that_are_first_names_stay(masker, text: str) -> None:  # type: ignore[no-untyped-def]
    """The demo catalogue's "Lena", "Aria", "Brady" are brands or series, not customers (search needs them)."""
    assert [d.label for d in masker.detect(text)] == []
