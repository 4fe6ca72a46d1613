"""Issue 22: names in lower case, in capitals, without diacritics, Polish names in English and foreign ones in Polish."""

from __future__ import annotations

import pytest

from guardrails.pii.lexicon import fold, transliterate_uk


def _people(masker, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.value for d in masker.detect(text) if d.label == "PERSON"]


@pytest.mark.parametrize(("text", "name"), [
    ("tu jan kowalski, proszę o fakturę", "jan kowalski"),
    ("proszę o kontakt z anną nowak w sprawie dostawy", "anną nowak"),
    ("hi, this is john smith from acme", "john smith"),
    ("regards, matthew pušaver", "matthew pušaver"),
    ("my name is olena", "olena"),
])
def test_lower_case_names(masker, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert name in _people(masker, text)


@pytest.mark.parametrize(("text", "name"), [
    ("Zamawia JAN KOWALSKI, dostawa jutro", "JAN KOWALSKI"),
    ("Regards, JOHN SMITH", "JOHN SMITH"),
    ("ODBIERZE GRZEGORZ BRZĘCZYSZCZYKIEWICZ", "GRZEGORZ BRZĘCZYSZCZYKIEWICZ"),
])
def test_names_in_capitals(masker, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert name in _people(masker, text)


@pytest.mark.parametrize("name", ["Łukasz Wójcik", "Grzegorz Brzęczyszczykiewicz", "Małgorzata Żółkowska"])
def test_names_without_diacritics(masker, name: str) -> None:  # type: ignore[no-untyped-def]
    plain = fold(name)
    assert plain in _people(masker, f"Dzień dobry, tu {plain}. Proszę o ofertę.")
    assert plain.lower() in _people(masker, f"pozdrawiam, {plain.lower()}")


@pytest.mark.parametrize(("text", "name"), [
    ("Please send the invoice to Katarzyna Wiśniewska, thanks.", "Katarzyna Wiśniewska"),
    ("The order was placed by Przemysław Szczepański yesterday.", "Przemysław Szczepański"),
    ("Dzień dobry, tu Hans Müller z Berlina.", "Hans Müller"),
    ("Proszę o kontakt z panem Jiří Novák w sprawie zamówienia.", "Jiří Novák"),
    ("Zamawia Oleksandr Shevchenko, dostawa do Lwowa.", "Oleksandr Shevchenko"),
    ("Osoba kontaktowa: Vytautas Kazlauskas", "Vytautas Kazlauskas"),
])
def test_polish_names_in_english_and_foreign_names_in_polish(masker, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert name in _people(masker, text)


@pytest.mark.parametrize("text", [
    "Will you deliver the breaker tomorrow? Mark the order as urgent.",
    "proszę dla nowej budowy 100 m kabla YDY 3x2.5",
    "KABEL YDY PVC 3X2,5 ZIELONY",
    "Were there any charges on my account?",
    "My name appears incorrectly on the invoice.",
    "May I get a quote for June delivery?",
])
def test_ordinary_words_in_any_case_are_not_names(masker, text: str) -> None:  # type: ignore[no-untyped-def]
    assert _people(masker, text) == []


def test_lone_first_name_and_a_list_of_names(masker) -> None:  # type: ignore[no-untyped-def]
    assert "Georgina" in _people(masker, "The parcel is for Georgina, she will sign.")
    people = _people(masker, "The founders: Kovalev, Lee and Phillips.")
    assert {"Kovalev", "Lee", "Phillips"} <= set(people)


def test_heldout_lexicon_still_finds_cued_lower_case_names() -> None:
    """A name the lexicon does not know, in lower case, after a strong cue."""
    from guardrails.pii import build_masker
    from guardrails.pii.lexicon import default_lexicon

    lex = default_lexicon().without(first=["Ignacy"], last=["Sowa"])
    m = build_masker(known_product_codes=[], lexicon=lex, ner="never")
    assert "ignacy sowa" in [d.value for d in m.detect("pozdrawiam, ignacy sowa") if d.label == "PERSON"]


def test_ukrainian_transliteration() -> None:
    assert transliterate_uk("Олександр Шевченко") == "Oleksandr Shevchenko"
    assert transliterate_uk("Юлія") == "Yuliia"
