"""Checksums of the identifiers a Polish B2B chat carries (pure functions, no Presidio).

Each ``is_valid_*`` takes the matched text, keeps its digits (and the ``PL`` prefix where it matters) and says
whether the check digit is right. They are used by the recognizers (``validate_result``) and by the tests.
"""

from __future__ import annotations

import re

_NON_DIGIT = re.compile(r"\D")


def digits_of(text: str) -> str:
    """Return only the digits of ``text`` (separators and prefixes dropped)."""
    return _NON_DIGIT.sub("", text)


def is_valid_nip(text: str) -> bool:
    """True for a 10-digit NIP (tax id) whose check digit is right (weights 6,5,7,2,3,4,5,6,7, mod 11)."""
    d = digits_of(text)
    if len(d) != 10 or d == "0" * 10:
        return False
    total = sum(int(c) * w for c, w in zip(d[:9], (6, 5, 7, 2, 3, 4, 5, 6, 7), strict=True)) % 11
    return total != 10 and total == int(d[9])


def is_valid_regon(text: str) -> bool:
    """True for a 9- or 14-digit REGON whose check digit is right (mod 11, 10 counts as 0)."""
    d = digits_of(text)
    if len(d) == 9:
        weights: tuple[int, ...] = (8, 9, 2, 3, 4, 5, 6, 7)
    elif len(d) == 14:
        weights = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
        if not is_valid_regon(d[:9]):
            return False
    else:
        return False
    if d == "0" * len(d):
        return False
    check = sum(int(c) * w for c, w in zip(d[:-1], weights, strict=True)) % 11 % 10
    return check == int(d[-1])


def is_valid_pesel(text: str) -> bool:
    """True for an 11-digit PESEL with a right check digit and a possible birth date."""
    d = digits_of(text)
    if len(d) != 11:
        return False
    month = int(d[2:4]) % 20
    day = int(d[4:6])
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return False
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(c) * w for c, w in zip(d[:10], weights, strict=True)) % 10) % 10
    return check == int(d[10])


def is_valid_iban(text: str, default_country: str = "PL") -> bool:
    """True for an IBAN (any country) or a 26-digit Polish NRB whose mod-97 check is right."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if compact.isdigit():
        if len(compact) != 26:
            return False
        compact = default_country + compact
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


def is_valid_ean(text: str) -> bool:
    """True for an EAN-8, EAN-13 (or GTIN-14) with a right check digit."""
    d = digits_of(text)
    if len(d) not in (8, 12, 13, 14) or len(d) != len(text.strip()):
        return False
    body, check = d[:-1], int(d[-1])
    total = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def is_valid_luhn(text: str) -> bool:
    """True when the digits pass the Luhn check (payment cards)."""
    d = digits_of(text)
    if len(d) < 12:
        return False
    total = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0
