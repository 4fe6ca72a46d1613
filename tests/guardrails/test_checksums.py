"""Checksums behind the recognizers (python-stdnum): valid numbers pass, one changed digit fails."""

from __future__ import annotations

import pytest

from guardrails.pii import checksums as cs
from guardrails.pii.checksums import (
    is_valid_ean,
    is_valid_iban,
    is_valid_luhn,
    is_valid_nip,
    is_valid_pesel,
    is_valid_regon,
)


def _flip_last(s: str) -> str:
    return s[:-1] + str((int(s[-1]) + 1) % 10)


@pytest.mark.parametrize("nip", ["5261040828", "526-104-08-28", "526-10-40-828", "PL5261040828", "PL 526 104 08 28"])
def test_nip_valid_formats(nip: str) -> None:
    assert is_valid_nip(nip)


def test_nip_invalid() -> None:
    assert not is_valid_nip("5261040829")
    assert not is_valid_nip("0000000000")
    assert not is_valid_nip("526104082")


@pytest.mark.parametrize("regon", ["123456785", "12345678512347"])
def test_regon_valid(regon: str) -> None:
    assert is_valid_regon(regon)
    assert not is_valid_regon(_flip_last(regon))


def test_regon_14_needs_a_valid_9_digit_prefix() -> None:
    assert not is_valid_regon("12345678612347")


def test_pesel() -> None:
    assert is_valid_pesel("44051401458")
    assert not is_valid_pesel("44051401459")
    assert not is_valid_pesel("44153401458")  # month 15 does not exist


def test_iban_pl_other_and_nrb() -> None:
    assert is_valid_iban("PL61 1090 1014 0000 0712 1981 2874")
    assert is_valid_iban("61109010140000071219812874")  # NRB: a PL IBAN without the country code
    assert is_valid_iban("DE89370400440532013000")
    assert is_valid_iban("GB29NWBK60161331926819")
    assert not is_valid_iban("PL61 1090 1014 0000 0712 1981 2875")
    assert not is_valid_iban("DE89370400440532013001")


def test_ean_and_luhn() -> None:
    assert is_valid_ean("5901234123457")
    assert not is_valid_ean("5901234123458")
    assert is_valid_luhn("4111111111111111")
    assert not is_valid_luhn("4111111111111112")


# --- issue 22: python-stdnum behind every check; the foreign identifiers ----------------------------------------


@pytest.mark.parametrize(("check", "valid"), [
    (cs.is_valid_vat, "DE136695976"), (cs.is_valid_vat, "ATU57194903"), (cs.is_valid_vat, "GB980780684"),
    (cs.is_valid_vat, "FR61954506077"), (cs.is_valid_vat, "CZ699004900"), (cs.is_valid_vat, "LT119511515"),
    (cs.is_valid_de_idnr, "36574261809"), (cs.is_valid_birth_number, "7103192745"),
    (cs.is_valid_ua_rntrc, "1759013776"), (cs.is_valid_lt_asmens, "33309240064"), (cs.is_valid_nhs, "9434765919"),
    (cs.is_valid_pl_id_card, "ABA300000"),
])
def test_foreign_checks_valid_and_one_digit_off(check, valid: str) -> None:  # type: ignore[no-untyped-def]
    assert check(valid)
    assert not check(_flip_last(valid))


@pytest.mark.parametrize("value", ["DE 136 695 976", "DE-136.695.976", "de136695976"])
def test_vat_ignores_separators_and_case(value: str) -> None:
    assert cs.is_valid_vat(value)


def test_birth_number_needs_a_real_date_and_ssn_excludes_never_issued_areas() -> None:
    assert cs.is_valid_birth_number("710319/2745")
    assert not cs.is_valid_birth_number("1103492745")   # 49th of March
    assert not cs.is_valid_ssn("666-12-3456") and not cs.is_valid_ssn("000-12-3456")


def test_nino_shape() -> None:
    assert cs.is_valid_nino("AB 12 34 56 C")
    assert not cs.is_valid_nino("QQ 12 34 56 C")   # Q is never a first letter
    assert not cs.is_valid_nino("AB 12 34 56 E")


def test_separators_of_any_kind_are_ignored() -> None:
    assert cs.is_valid_pesel("440514-01458") and cs.is_valid_pesel("4405 1401 458") and cs.is_valid_pesel("44.05.14.014.58")
    assert cs.is_valid_nip("526.104.08.28") and cs.is_valid_nip("526/104/08/28")
    assert cs.is_valid_iban("PL61.1090.1014.0000.0712.1981.2874")
