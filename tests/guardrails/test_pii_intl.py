"""Issue 22: every identifier type beyond the Polish ones, through the production masker (valid and invalid checks)."""

from __future__ import annotations

import random

import pytest

from evals.pii_generate_intl import VAT_BODIES
from guardrails.pii import checksums as cs


def _found(masker, text: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(d.label, d.value) for d in masker.detect(text)]


def _valid_vat(cc: str, seed: int = 1) -> str:
    r = random.Random(seed)
    for _ in range(20000):
        body = VAT_BODIES[cc](r)
        if cs.is_valid_vat(cc + body):
            return cc + body
    raise AssertionError(cc)


def _broken(value: str, check: object) -> str:
    """The same number with its last digit changed so that the check fails."""
    for d in "0123456789":
        cand = value[:-1] + d if value[-1].isdigit() else value[:-2] + d + value[-1]
        if cand != value and not check(cand):  # type: ignore[operator]
            return cand
    raise AssertionError(value)


@pytest.mark.parametrize("cc", sorted(VAT_BODIES))
def test_vat_number_of_every_member_state_and_the_uk(masker, cc: str) -> None:  # type: ignore[no-untyped-def]
    vat = _valid_vat(cc)
    assert ("VAT", vat) in _found(masker, f"Invoice to {vat} please.")
    bad = _broken(vat, cs.is_valid_vat)
    assert not any(label == "VAT" for label, _ in _found(masker, f"Invoice to {bad} please."))


def test_vat_with_spaces_and_keyword(masker) -> None:  # type: ignore[no-untyped-def]
    assert _found(masker, "USt-IdNr. DE 136 695 976, bitte.") == [("VAT", "DE 136 695 976")]
    assert _found(masker, "DIČ CZ 699 004 900") == [("VAT", "CZ 699 004 900")]


@pytest.mark.parametrize(("text", "value"), [
    ("Steuer-ID 36 574 261 809 für die Rechnung", "36 574 261 809"),
    ("rodné číslo 710319/2745, díky", "710319/2745"),
    ("birth number 7103192745", "7103192745"),
    ("РНОКПП 1759013776", "1759013776"),
    ("asmens kodas 33309240064", "33309240064"),
])
def test_national_ids(masker, text: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert ("NATIONAL_ID", value) in _found(masker, text)


@pytest.mark.parametrize("text", ["Steuer-ID 36 574 261 890", "rodné číslo 710319/2746", "РНОКПП 1759013770",
                                  "asmens kodas 33309240164"])
def test_national_ids_with_wrong_check_digit_stay(masker, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not any(label == "NATIONAL_ID" for label, _ in _found(masker, text))


def test_a_bare_number_that_only_passes_a_weak_foreign_check_needs_its_keyword(masker) -> None:  # type: ignore[no-untyped-def]
    """A 10-digit number that passes the Ukrainian RNTRC check (and no Polish one) is masked only after "РНОКПП"."""
    r = random.Random(3)
    number = next(n for n in (str(r.randint(10**9, 10**10 - 1)) for _ in range(100000))
                  if cs.is_valid_ua_rntrc(n) and not cs.is_valid_nip(n) and not cs.is_valid_nhs(n))
    assert _found(masker, f"Ref {number} w systemie") == []
    assert _found(masker, f"РНОКПП {number}") == [("NATIONAL_ID", number)]


@pytest.mark.parametrize(("text", "label", "value"), [
    ("My NHS number is 943 476 5919.", "NHS", "943 476 5919"),
    ("National Insurance number AB 12 34 56 C", "NINO", "AB 12 34 56 C"),
    ("Here's my SSN: 308-63-0237", "SSN", "308-63-0237"),
    ("his social security number is 308630237", "SSN", "308630237"),
    ("ITIN 912-71-1234", "ITIN", "912-71-1234"),
    ("Numer dowodu osobistego ABA300000.", "ID_CARD", "ABA300000"),
])
def test_uk_us_and_polish_documents(masker, text: str, label: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert (label, value) in _found(masker, text)


@pytest.mark.parametrize(("text", "label"), [("My NHS number is 943 476 5918.", "NHS"),
                                           ("Here's my SSN: 666-63-0237", "SSN"), ("Kod ABA300001 z listy", "ID_CARD")])
def test_wrong_checks_and_never_issued_ranges_are_not_those_ids(masker, text: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """(943 476 5918 is still a valid US phone number and 666-63-0237 a Polish mobile one: masked as PHONE.)"""
    assert label not in {lab for lab, _ in _found(masker, text)}


def test_a_document_keyword_masks_the_number_even_without_a_valid_check(masker) -> None:  # type: ignore[no-untyped-def]
    """A mistyped ID card number after "dowód osobisty" is still somebody's: the keyword is evidence enough."""
    assert _found(masker, "Numer dowodu osobistego ABA300001.") == [("ID_CARD", "ABA300001")]


@pytest.mark.parametrize(("text", "label", "value"), [
    ("My driver's license number is 425700624", "DRIVER_LICENSE", "425700624"),
    ("prawo jazdy nr 00123/45/6789", "DRIVER_LICENSE", "00123/45/6789"),
    ("Paszport nr EA 1234567, proszę", "PASSPORT", "EA 1234567"),
    ("Reisepass: C01X00T47", "PASSPORT", "C01X00T47"),
    ("číslo OP 123456789", "ID_CARD", "123456789"),
    ("bank account number 12345678901 please", "BANK_ACCOUNT", "12345678901"),
])
def test_document_numbers_after_their_keyword(masker, text: str, label: str, value: str) -> None:  # type: ignore[no-untyped-def]
    found = _found(masker, text)
    assert any(lab == label and value in v for lab, v in found), found


def test_document_shapes_without_a_keyword_stay(masker) -> None:  # type: ignore[no-untyped-def]
    found = _found(masker, "Proszę o C01X00T47 z magazynu, dowód zakupu nr 12345/2026, model LH329609T")
    assert not {"PASSPORT", "ID_CARD", "DRIVER_LICENSE"} & {label for label, _ in found}, found


@pytest.mark.parametrize("phone", ["+49 30 1234567", "030 1234567", "0171 1234567", "+420 601 123 456",
                                   "+421 912 123 456", "0912 123 456", "+380 50 123 4567", "050 123 4567",
                                   "+370 612 34567", "8 612 34567", "(0-612) 34567", "+44 20 7946 0958",
                                   "020 7946 0958", "07911 123456", "(201) 555-0123", "201-555-0123",
                                   "+1 201-555-0123"])
def test_phones_of_the_neighbouring_markets(masker, phone: str) -> None:  # type: ignore[no-untyped-def]
    assert ("PHONE", phone) in _found(masker, f"Call me on {phone} tomorrow."), _found(masker, f"Call {phone}")


@pytest.mark.parametrize("phone", ["781 5991", "25-62-29-72", "92 34 70"])
def test_short_or_foreign_numbers_count_after_a_phone_keyword_only(masker, phone: str) -> None:  # type: ignore[no-untyped-def]
    assert ("PHONE", phone) in _found(masker, f"They're not answering at phone {phone}")
    assert _found(masker, f"Quantities: {phone} pcs") == []


def test_ip_url_mac(masker) -> None:  # type: ignore[no-untyped-def]
    found = _found(masker, "keep getting address 12.92.149.211 blocked, my site https://www.example.ch/me, "
                           "MAC 00:1A:2B:3C:4D:5E, v6 2001:db8::ff00:42:8329, "
                           "session 123e4567-e89b-12d3-a456-426614174000")
    labels = {label for label, _ in found}
    assert {"IP_ADDRESS", "URL", "MAC_ADDRESS", "UUID"} <= labels, found


@pytest.mark.parametrize(("text", "masked"), [
    ("She was born on 8/8/1944.", True),
    ("Data urodzenia: 12.03.1985", True),
    ("When: 1985-06-03 05:25:08 Where: Viamão", True),
    ("The offer is valid until 2026-12-04 10:30 UTC.", False),
    ("Dostawa 15.12.2026, proszę potwierdzić.", False),
    ("We'll meet Thursday at the warehouse.", False),
])
def test_dates_of_birth_and_old_dates_are_masked_delivery_dates_stay(masker, text: str, masked: bool) -> None:  # type: ignore[no-untyped-def]
    assert any(label == "DATE" for label, _ in _found(masker, text)) is masked


@pytest.mark.parametrize(("text", "place"), [
    ("I live in Springfield since last year.", "Springfield"),
    ("We moved here from Berlin Spandau", "Berlin Spandau"),
    ("I'm in Cuntis, at the conference", "Cuntis"),
    ("Mieszkam w Gdańsku od roku.", "Gdańsku"),
])
def test_places_tied_to_a_person_are_masked(masker, text: str, place: str) -> None:  # type: ignore[no-untyped-def]
    assert ("LOCATION", place) in _found(masker, text)


def test_business_places_stay(masker) -> None:  # type: ignore[no-untyped-def]
    assert _found(masker, "Do you stock Schneider Electric Acti9 for the Warsaw project?") == []
    assert _found(masker, "Na budowie w Gdańsku potrzebujemy 100 m YDY 3x2.5.") == []


@pytest.mark.parametrize("text", ["Jaki rabat dostaniemy przy 60 sztukach S201-C20?",
                                  "Cena przy 200 szt. i przy 3 rolkach YDY?", "Is there a better price at 40 pcs?"])
def test_a_volume_after_an_address_cue_stays(masker, text: str) -> None:  # type: ignore[no-untyped-def]
    """Found in use: "przy 60 sztukach" ("at 60 pieces") was masked as an address, so the request lost its quantity."""
    assert _found(masker, text) == []


def test_a_street_after_przy_is_still_an_address(masker) -> None:  # type: ignore[no-untyped-def]
    found = _found(masker, "Dostawa na budowę przy 3 Maja 12, 00-950 Warszawa")
    assert [label for label, _ in found] == ["ADDRESS"], found


@pytest.mark.parametrize("address", ["2657 Koontz Lane Apt. 602, Delta del Tigre", "Hauptstraße 12, 10115 Berlin",
                                     "95 Lille Vibyvej 8, Måløv", "10 Downing Street, London SW1A 2AA",
                                     "Via Carlo Cattaneo 130, Burgos", "P.O. Box 175"])
def test_international_addresses(masker, address: str) -> None:  # type: ignore[no-untyped-def]
    found = _found(masker, f"Please ship it to {address}. Thanks")
    assert ("ADDRESS", address) in found, found


@pytest.mark.parametrize("email", ["anna.nowak(at)instal-pro.pl", "anna.nowak [at] instal-pro [dot] pl",
                                   "jan at firma dot pl", "name at domain dot pl", "jan(małpa)wp.pl",
                                   "jan.kowalski @ elektro-mont.pl", "a.b{at}c{dot}de"])
def test_obfuscated_emails(masker, email: str) -> None:  # type: ignore[no-untyped-def]
    assert ("EMAIL", email) in _found(masker, f"Piszcie na {email} proszę")


def test_at_between_ordinary_words_is_no_email(masker) -> None:  # type: ignore[no-untyped-def]
    assert _found(masker, "Meet me at home dot com, we are at the office.") == []


def test_vault_gives_one_placeholder_to_an_email_written_two_ways(masker) -> None:  # type: ignore[no-untyped-def]
    from guardrails.pii import PiiVault

    vault = PiiVault("t")
    a = masker.mask("Mail: anna.nowak@instal-pro.pl", vault)
    b = masker.mask("albo anna.nowak(at)instal-pro(dot)pl", vault)
    assert a.text.endswith("<EMAIL_1>") and b.text.endswith("<EMAIL_1>")
