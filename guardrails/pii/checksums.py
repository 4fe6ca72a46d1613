"""Checksums of the identifiers a chat may carry, from ``python-stdnum`` (pure functions, no Presidio).

Each ``is_valid_*`` takes the matched text, keeps what the identifier is made of (digits, plus letters where the
format has them), ignores the separators a person may type (spaces, dashes, dots, slashes) and says whether the
check digit (and any embedded date) is right. The recognizers call them from ``validate_result`` and the tests
call them directly. python-stdnum does the arithmetic; this module only normalises the input and adds the few
rules stdnum does not have (an all-zero NIP, the 26-digit Polish NRB, the Polish ID card, the UK NINO shape).
Documents without a published check digit (passports, driving licences, German ID cards) have none here: their
recognizer needs a keyword instead.
"""

from __future__ import annotations

import re

from stdnum import ean, iban, luhn
from stdnum.cz import rc as cz_rc
from stdnum.de import idnr as de_idnr
from stdnum.eu import vat as eu_vat
from stdnum.gb import nhs as gb_nhs
from stdnum.gb import vat as gb_vat
from stdnum.lt import asmens as lt_asmens
from stdnum.pl import nip, pesel, regon
from stdnum.ua import rntrc as ua_rntrc
from stdnum.us import itin as us_itin
from stdnum.us import ssn as us_ssn

_NON_DIGIT = re.compile(r"\D")
_SEPARATORS = re.compile(r"[\s.\-/\u2013]")


def digits_of(text: str) -> str:
    """Return only the digits of ``text`` (separators and prefixes dropped)."""
    return _NON_DIGIT.sub("", text)


def compact(text: str) -> str:
    """Return ``text`` upper-cased without separators (spaces, dashes, dots, slashes)."""
    return _SEPARATORS.sub("", text).upper()


def is_valid_nip(text: str) -> bool:
    """True for a 10-digit NIP (Polish tax id, optional ``PL`` prefix) with a right check digit."""
    d = digits_of(text)
    return len(d) == 10 and d != "0" * 10 and bool(nip.is_valid(d))


def is_valid_regon(text: str) -> bool:
    """True for a 9- or 14-digit REGON with a right check digit (the 14-digit one also checks its first 9)."""
    d = digits_of(text)
    return len(d) in (9, 14) and d != "0" * len(d) and bool(regon.is_valid(d))


def is_valid_pesel(text: str) -> bool:
    """True for an 11-digit PESEL with a right check digit and a real birth date."""
    d = digits_of(text)
    return len(d) == 11 and bool(pesel.is_valid(d))


def is_valid_iban(text: str, default_country: str = "PL") -> bool:
    """True for an IBAN of any country (length per country, mod 97) or a 26-digit Polish NRB (no ``PL``)."""
    c = compact(text)
    if c.isdigit():
        if len(c) != 26:
            return False
        c = default_country + c
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", c)) and bool(iban.is_valid(c))


def is_valid_ean(text: str) -> bool:
    """True for an EAN-8, EAN-13 (or GTIN-12/14) written as digits only, with a right check digit."""
    t = text.strip()
    return t.isdigit() and len(t) in (8, 12, 13, 14) and bool(ean.is_valid(t))


def is_valid_luhn(text: str) -> bool:
    """True when the digits (at least 12: a payment card) pass the Luhn check."""
    d = digits_of(text)
    return len(d) >= 12 and bool(luhn.is_valid(d))


def is_valid_vat(text: str) -> bool:
    """True for a VAT number of an EU member state (``EL`` for Greece, ``XI`` Northern Ireland) or the UK (``GB``)."""
    c = compact(text)
    if c.startswith("GB"):
        return bool(gb_vat.is_valid(c))
    return len(c) > 4 and c[:2].isalpha() and bool(eu_vat.is_valid(c))


def is_valid_de_idnr(text: str) -> bool:
    """True for a German Steuer-IdNr (11 digits, ISO 7064 check digit, digit-repetition rule)."""
    d = digits_of(text)
    return len(d) == 11 and bool(de_idnr.is_valid(d))


def is_valid_birth_number(text: str) -> bool:
    """True for a Czech or Slovak rodné číslo (9 or 10 digits, embedded birth date, divisible by 11)."""
    d = digits_of(text)
    return len(d) in (9, 10) and bool(cz_rc.is_valid(d))


def is_valid_ua_rntrc(text: str) -> bool:
    """True for a Ukrainian РНОКПП / RNTRC (individual taxpayer number: 10 digits with a check digit)."""
    d = digits_of(text)
    return len(d) == 10 and d != "0" * 10 and bool(ua_rntrc.is_valid(d))


def is_valid_lt_asmens(text: str) -> bool:
    """True for a Lithuanian asmens kodas (11 digits: century/sex digit, birth date, serial, check digit)."""
    d = digits_of(text)
    return len(d) == 11 and bool(lt_asmens.is_valid(d))


def is_valid_nhs(text: str) -> bool:
    """True for a UK NHS number (10 digits, mod 11 check digit)."""
    d = digits_of(text)
    return len(d) == 10 and bool(gb_nhs.is_valid(d))


_NINO = re.compile(r"(?!BG|GB|NK|KN|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")


def is_valid_nino(text: str) -> bool:
    """True for a UK National Insurance number shape (two allowed letters, six digits, A-D); it has no check digit."""
    return bool(_NINO.fullmatch(compact(text)))


def is_valid_ssn(text: str) -> bool:
    """True for a US Social Security number outside the never-issued ranges (000, 666, 9xx areas; 00 group; 0000)."""
    d = digits_of(text)
    return len(d) == 9 and bool(us_ssn.is_valid(d))


def is_valid_itin(text: str) -> bool:
    """True for a US ITIN (9xx-[5-9]x-xxxx in the issued group ranges)."""
    d = digits_of(text)
    return len(d) == 9 and bool(us_itin.is_valid(d))


def is_valid_pl_id_card(text: str) -> bool:
    """True for a Polish ID card number (dowód osobisty: 3 letters + 6 digits, check digit in 4th place)."""
    c = compact(text)
    if not re.fullmatch(r"[A-Z]{3}\d{6}", c):
        return False
    values = [ord(ch) - 55 for ch in c[:3]] + [int(ch) for ch in c[3:]]
    weights = (7, 3, 1, 0, 7, 3, 1, 7, 3)
    return sum(v * w for v, w in zip(values, weights, strict=True)) % 10 == values[3]
