"""Checksums behind the recognizers: valid numbers pass, one changed digit fails."""

from __future__ import annotations

import pytest

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
