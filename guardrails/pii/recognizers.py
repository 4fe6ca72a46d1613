"""Presidio recognizers for a Polish/English B2B chat: NIP, REGON, PESEL, Polish phones, IBAN/NRB, addresses.

All of them are :class:`presidio_analyzer.PatternRecognizer` subclasses with ``validate_result`` doing the
checksum, so a number with a wrong check digit is never reported. Regexes are written for case-sensitive
matching (the masker passes ``regex_flags`` without IGNORECASE); ``(?i:...)`` marks the parts that are not.
The same numbers written any other way, and the foreign identifiers, are :mod:`guardrails.pii.identifiers`';
phones beyond the Polish shapes are :mod:`guardrails.pii.phones`'.
"""

from __future__ import annotations

from typing import ClassVar

import regex as re
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer
from presidio_analyzer.predefined_recognizers import PlPeselRecognizer

from guardrails.pii.checksums import digits_of, is_valid_iban, is_valid_nip, is_valid_regon

FLAGS = re.DOTALL | re.MULTILINE
"""Case-sensitive on purpose: capitalisation tells a street or a name from an ordinary word."""

_B = r"(?<![\w/.,+-])"   # left boundary: not inside a word, a code or a decimal number
_E = r"(?![\w/-]|[.,]\d)"  # right boundary

UPPER = "A-ZĄĆĘŁŃÓŚŹŻ"
LOWER = "a-ząćęłńóśźżäöüéè"


class PlNipRecognizer(PatternRecognizer):
    """NIP (Polish tax id): plain, dashed 3-3-2-2 or 3-2-2-3, spaced, with an optional ``PL`` prefix."""

    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("nip_plain", _B + r"(?:PL\s?)?\d{10}" + _E, 0.4),
        Pattern("nip_332", _B + r"(?:PL\s?)?\d{3}[- ]\d{3}[- ]\d{2}[- ]\d{2}" + _E, 0.5),
        Pattern("nip_3223", _B + r"(?:PL\s?)?\d{3}[- ]\d{2}[- ]\d{2}[- ]\d{3}" + _E, 0.5),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("nip", "vat", "tax", "vat-id", "vatid", "numer identyfikacji podatkowej", "podatnika")

    def __init__(self) -> None:
        super().__init__(supported_entity="PL_NIP", patterns=list(self.PATTERNS), context=list(self.CONTEXT),
                         supported_language="en", global_regex_flags=FLAGS, name="PlNipRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_nip(pattern_text)


class PlRegonRecognizer(PatternRecognizer):
    """REGON (business register number): 9 or 14 digits with a check digit."""

    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("regon_9", _B + r"\d{9}" + _E, 0.3),
        Pattern("regon_14", _B + r"\d{14}" + _E, 0.4),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("regon", "rejestr", "register", "business")

    def __init__(self) -> None:
        super().__init__(supported_entity="PL_REGON", patterns=list(self.PATTERNS), context=list(self.CONTEXT),
                         supported_language="en", global_regex_flags=FLAGS, name="PlRegonRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_regon(pattern_text)


class PeselRecognizer(PlPeselRecognizer):
    """Presidio's PESEL recognizer (checksum) registered for the analyzer's language, with a stricter boundary."""

    def __init__(self) -> None:
        super().__init__(
            patterns=[Pattern("pesel", _B + r"\d{11}" + _E, 0.4)],
            context=["pesel", "numer pesel", "identity", "id"],
            supported_language="en",
            supported_entity="PL_PESEL",
            name="PlPeselRecognizer",
        )


MOBILE_PREFIXES = frozenset({"45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"})
AREA_CODES = frozenset(
    ["12", "13", "14", "15", "16", "17", "18", "22", "23", "24", "25", "29", "32", "33", "34", "41", "42", "43", "44", "46", "48", "52", "54", "55", "56", "58", "59", "61", "62", "63", "65", "67", "68", "71", "74", "75", "76", "77", "81", "82", "83", "84", "85", "86", "87", "89", "91", "94", "95"]
)


class PlPhoneRecognizer(PatternRecognizer):
    """Polish mobile and landline numbers: +48/0048 or national, in 3-3-3 or 2-3-2-2 groups, spaces or dashes."""

    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("phone_intl", _B + r"(?:\+|00)\s?48[\s-]?\(?\d{2,3}\)?(?:[\s-]?\d{2,3}){2,3}" + _E, 0.7),
        Pattern("phone_333", _B + r"\d{3}[\s-]\d{3}[\s-]\d{3}" + _E, 0.55),
        Pattern("phone_2322", _B + r"\(?\d{2}\)?[\s-]\d{3}[\s-]\d{2}[\s-]\d{2}" + _E, 0.55),
        Pattern("phone_plain", _B + r"\d{9}" + _E, 0.62),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("tel", "telefon", "telefonu", "phone", "komórka", "komórkowy", "kom", "mobile", "cell",
               "zadzwoń", "zadzwonić", "dzwonić", "call", "numer", "number", "fax", "sms", "whatsapp")

    def __init__(self) -> None:
        super().__init__(supported_entity="PHONE_NUMBER", patterns=list(self.PATTERNS), context=list(self.CONTEXT),
                         supported_language="en", global_regex_flags=FLAGS, name="PlPhoneRecognizer")

    def validate_result(self, pattern_text: str) -> bool | None:
        d = digits_of(pattern_text)
        compact = pattern_text.replace(" ", "").replace("-", "")
        international = compact.startswith(("+48", "0048"))
        if international:
            d = d[2:] if compact.startswith("+") else d[4:]
        if len(d) != 9 or d[0] == "0":
            return False
        if d[:2] in MOBILE_PREFIXES or d[:2] in AREA_CODES:
            return True if international or not compact.isdigit() else None
        return False


class PlIbanRecognizer(PatternRecognizer):
    """IBANs (PL and other countries, compact or in groups of four) and 26-digit Polish NRB account numbers."""

    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("iban_compact", r"(?i:\b[A-Z]{2}\d{2}[A-Z0-9]{10,30}\b)", 0.5),
        Pattern("iban_grouped", r"(?i:\b[A-Z]{2}\d{2}(?:[ -][A-Z0-9]{4}){2,7}(?:[ -][A-Z0-9]{1,4})?\b)", 0.5),
        Pattern("nrb_grouped", _B + r"\d{2}(?:[ -]\d{4}){6}" + _E, 0.5),
        Pattern("nrb_plain", _B + r"\d{26}" + _E, 0.5),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("iban", "konto", "konta", "rachunek", "rachunku", "account", "bank", "przelew", "transfer", "nrb")

    def __init__(self) -> None:
        super().__init__(supported_entity="IBAN_CODE", patterns=list(self.PATTERNS), context=list(self.CONTEXT),
                         supported_language="en", global_regex_flags=FLAGS, name="PlIbanRecognizer")

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_iban(pattern_text)


_CAP_WORD = rf"[{UPPER}0-9][{LOWER}{UPPER}0-9.'-]*"
_STREET_KW = r"(?<![\w.])(?i:ul\.|ulica|ulicy|al\.|aleja|alei|aleje|pl\.|plac|placu|os\.|osiedle|osiedlu|rondo|skwer|bulwar)"
_HOUSE = r"\d{1,4}[A-Za-z]?(?:\s?/\s?\d{1,4}[A-Za-z]?)?(?:\s?(?i:m\.|lok\.|lokal)\s?\d{1,4})?"
_POSTCODE_CITY = rf"\d{{2}}-\d{{3}}\s+[{UPPER}][{LOWER}]+(?:[ -][{UPPER}][{LOWER}]+){{0,2}}"
_EN_STREET = r"(?i:street|st\.|road|rd\.|avenue|ave\.|lane|ln\.|drive|dr\.|boulevard|blvd\.?|way|court|ct\.)"


class PlAddressRecognizer(PatternRecognizer):
    """Street addresses with Polish postcodes: "ul. Lipowa 12/4, 00-950 Warszawa", "aleja Róż 3", "31-042 Kraków"."""

    PATTERNS: ClassVar[tuple[Pattern, ...]] = (
        Pattern("street_postcode",
                _STREET_KW + rf"\s*(?:{_CAP_WORD}\s+){{1,4}}?{_HOUSE}(?:\s*[,\n]\s*|\s+){_POSTCODE_CITY}", 0.85),
        Pattern("street", _STREET_KW + rf"\s*(?:{_CAP_WORD}\s+){{1,4}}?{_HOUSE}" + r"(?![\w/])", 0.7),
        Pattern("postcode_city", _B + _POSTCODE_CITY, 0.6),
        Pattern("en_street", rf"\b\d{{1,5}}\s+(?:[{UPPER}][{LOWER}]+\s+){{1,3}}{_EN_STREET}(?!\w)", 0.6),
    )
    CONTEXT: ClassVar[tuple[str, ...]] = ("adres", "address", "dostawa", "dostawy", "delivery", "wysyłka", "ship", "ulica", "street")

    def __init__(self) -> None:
        super().__init__(supported_entity="ADDRESS", patterns=list(self.PATTERNS), context=list(self.CONTEXT),
                         supported_language="en", global_regex_flags=FLAGS, name="PlAddressRecognizer")


def polish_recognizers() -> list[EntityRecognizer]:
    """Return fresh instances of every recognizer this module defines."""
    return [PlNipRecognizer(), PlRegonRecognizer(), PeselRecognizer(), PlPhoneRecognizer(), PlIbanRecognizer(),
            PlAddressRecognizer()]
