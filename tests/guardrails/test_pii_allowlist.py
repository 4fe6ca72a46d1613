"""Product tokens survive masking: the catalogue allow-list and the spec/order-number patterns."""

from __future__ import annotations

import pytest

from guardrails.pii import ProductShield

PRODUCT_TOKENS = ["S201-B16", "2CDS251001R0164", "5901234123457", "YDY 3x2.5", "RCBO 1P+N B16", "IP65", "400 V",
                  "30mA", "ZAM/2026/11/0042", "FV 2026/10/118", "100 m", "25 szt.", "H07RN-F 3G2.5", "WZ-2026-00123"]


@pytest.mark.parametrize("token", PRODUCT_TOKENS)
def test_product_token_kept_verbatim(masker, token: str) -> None:  # type: ignore[no-untyped-def]
    text = f"Dzień dobry, tu Anna Kowalska, tel. 601 234 567. Proszę o {token} na jutro."
    result = masker.mask(text)
    assert token in result.text
    assert {e.type for e in result.entities} == {"PERSON", "PHONE"}


def test_catalogue_code_wins_over_checksum(masker) -> None:  # type: ignore[no-untyped-def]
    """5261040828 is a valid NIP, but it is also one of the catalogue's codes: it stays."""
    assert masker.mask("Proszę 10 szt. 5261040828 na jutro").entities == []


def test_same_number_masked_when_not_in_catalogue() -> None:
    from guardrails.pii import build_masker

    plain = build_masker(known_product_codes=[])
    assert [e.type for e in plain.mask("Proszę 10 szt. 5261040828 na jutro").entities] == ["NIP"]


def test_checksum_identifier_beats_generic_code_pattern(masker) -> None:  # type: ignore[no-untyped-def]
    """PL5261040828 looks like an SKU to the generic pattern, but it is a valid NIP not in the catalogue."""
    text = "NIP PL5261040828"
    assert [e.type for e in masker.mask(text).entities] == ["NIP"]


def test_shield_spans() -> None:
    shield = ProductShield(["ABC-1"])
    text = "abc-1 i YDY 3x2.5 oraz ZAM/2026/11/0042"
    found = {(text[s.start:s.end], s.source) for s in shield.spans(text)}
    assert ("abc-1", "catalogue") in found
    assert ("YDY 3x2.5", "cable") in found
    assert ("ZAM/2026/11/0042", "order_number") in found
    assert shield.is_known("abc-1")


def test_generated_test_set_meets_targets(masker) -> None:  # type: ignore[no-untyped-def]
    """Regression on the committed eval set (main split): structured recall 1.0 bar, product tokens ≥ 0.99."""
    from evals.pii_eval import catalogue_codes, load_records, score
    from guardrails.pii import build_masker

    m = build_masker(known_product_codes=catalogue_codes())
    res = score(load_records("main"), lambda t: [(d.start, d.end, d.label) for d in m.detect(t)])
    for kind in ("EMAIL", "PHONE", "NIP", "PESEL", "REGON", "IBAN"):
        assert res["recall_masked"][kind] >= 0.99, (kind, res["misses"].get(kind))
    assert res["recall_masked"]["PERSON"] >= 0.97
    assert res["product_tokens_kept"] >= 0.99
