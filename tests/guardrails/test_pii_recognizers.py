"""Each recognizer through the production masker: valid identifiers masked, wrong checksums left alone."""

from __future__ import annotations

import pytest


def _types(masker, text: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(d.label, d.value) for d in masker.detect(text)]


@pytest.mark.parametrize("nip", ["1234563218", "526-104-08-28", "526-10-40-828", "PL5261040828", "PL 526-104-08-28"])
def test_nip_formats(masker, nip: str) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, f"Proszę o fakturę na NIP {nip}, dziękuję.") == [("NIP", nip)]


def test_nip_wrong_checksum_not_masked(masker) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, "NIP 526-104-08-29 proszę") == []


@pytest.mark.parametrize(("regon", "ok"), [("123456785", True), ("12345678512347", True), ("123456786", False),
                                           ("12345678512348", False)])
def test_regon(masker, regon: str, ok: bool) -> None:  # type: ignore[no-untyped-def]
    found = _types(masker, f"Nasz REGON to {regon}.")
    assert (("REGON", regon) in found) is ok


@pytest.mark.parametrize(("pesel", "ok"), [("44051401458", True), ("44051401459", False)])
def test_pesel(masker, pesel: str, ok: bool) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, f"PESEL: {pesel}") == ([("PESEL", pesel)] if ok else [])


@pytest.mark.parametrize("phone", ["+48 601 234 567", "+48601234567", "601 234 567", "601-234-567", "601234567",
                                   "0048 601 234 567", "(22) 123 45 67", "22 123 45 67", "+48 22 123-45-67"])
def test_polish_phones(masker, phone: str) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, f"Proszę dzwonić: tel. {phone} po 15.") == [("PHONE", phone)]


def test_phone_with_invalid_prefix_not_masked(masker) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, "kod 012 345 678") == []


@pytest.mark.parametrize("iban", ["PL61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874",
                                  "61 1090 1014 0000 0712 1981 2874", "DE89 3704 0044 0532 0130 00",
                                  "GB29NWBK60161331926819"])
def test_iban(masker, iban: str) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, f"Zwrot na konto {iban} proszę.") == [("IBAN", iban)]


def test_iban_wrong_checksum_not_masked(masker) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, "Zwrot na konto PL61 1090 1014 0000 0712 1981 2875 proszę.") == []


def test_email(masker) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, "Kontakt: jan.kowalski@elektro-mont.pl") == [("EMAIL", "jan.kowalski@elektro-mont.pl")]


@pytest.mark.parametrize("address", ["ul. Lipowa 12/4, 00-950 Warszawa", "aleja Róż 3 31-042 Kraków",
                                     "plac Paderewskiego 83/96, 03-407 Ruda Śląska", "ul. Długa 5"])
def test_address(masker, address: str) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, f"Dostawa na {address}. Dziękuję") == [("ADDRESS", address)]


@pytest.mark.parametrize(("text", "name"), [
    ("Dzień dobry, tu Anna Kowalska z firmy Elektro-Mont.", "Anna Kowalska"),
    ("Proszę o kontakt z Panią Anną Nowak w sprawie dostawy.", "Anną Nowak"),
    ("Kowalski Jan, zaopatrzenie", "Kowalski Jan"),
    ("Pozdrawiam, Grzegorz Brzęczyszczykiewicz", "Grzegorz Brzęczyszczykiewicz"),
    ("Hi, this is John Smith from Acme.", "John Smith"),
    ("Please call Mr Peterson tomorrow.", "Peterson"),
])
def test_person_names(masker, text: str, name: str) -> None:  # type: ignore[no-untyped-def]
    assert ("PERSON", name) in _types(masker, text)


def test_brand_and_city_are_not_people(masker) -> None:  # type: ignore[no-untyped-def]
    assert _types(masker, "Do you stock Schneider Electric Acti9 for the Warsaw project?") == []


def test_spacy_ner_closes_english_gap(masker) -> None:  # type: ignore[no-untyped-def]
    """A name neither lexicon nor context explains: the English text sends it to spaCy NER ("auto")."""
    before = masker.stats["ner_runs"]
    found = _types(masker, "The delivery was signed by Okafor at the gate.")
    assert masker.stats["ner_runs"] == before + 1
    assert found == [("PERSON", "Okafor")]


def test_polish_text_skips_ner(masker) -> None:  # type: ignore[no-untyped-def]
    before = masker.stats["ner_runs"]
    masker.detect("Proszę o ofertę na YDY 3x2.5, dziękuję bardzo.")
    assert masker.stats["ner_runs"] == before


@pytest.mark.parametrize("price", ["16.49 PLN", "16,49 zł", "16,49zł", "PLN 16.49", "1 234,56 zł", "1.234,56 PLN",
                                   "PLN 1,234.56", "$16.49", "16.49 USD", "€ 16,49", "16.49 EUR", "£16.49"])
def test_prices_are_never_phone_numbers(masker, price: str) -> None:  # type: ignore[no-untyped-def]
    """Regression: with a phone number in the message, a price next to it was reported as a PHONE_NUMBER."""
    for text, phones in ((f"Cena {price} netto, tel. 601 234 567.", ["601 234 567"]),
                         (f"It is {price}, call +1 212 555 0199 or 601234567.", ["+1 212 555 0199", "601234567"]),
                         (f"Price {price}", [])):
        assert [d.value for d in masker.detect(text)] == phones, text
    assert masker.mask(f"Cena {price}, zadzwoń 601 234 567").text == f"Cena {price}, zadzwoń <PHONE_1>"
