"""Issue 17 item 5: identifiers written with any separators and spacing, and obfuscated e-mails, are masked
(property-based, Hypothesis), while the product tokens of the same message survive verbatim."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from guardrails.pii import checksums as cs

PRODUCTS = "Proszę też 10 szt. S201-B16, YDY 3x2.5 100 m i ZAM/2026/11/0042."
SEPARATORS = [" ", "-", ".", "/", "  ", " - ", " . ", "\u2013", " / "]
set_hypothesis_home_dir(str(Path(tempfile.gettempdir()) / "salesagent-hypothesis"))  # no .hypothesis/ in the repo
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _valid(n: int, make, check, seed: int) -> list[str]:  # type: ignore[no-untyped-def]
    r = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        v = make(r)
        if check(v):
            out.append(v)
    return out


def _d(r: random.Random, k: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(k))


def _pl_iban(r: random.Random) -> str:
    bban = _d(r, 24)
    check = 98 - int(bban + "252100") % 97
    return f"PL{check:02d}{bban}"


PESELS = _valid(30, lambda r: f"{r.randint(40, 99)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{_d(r, 5)}",
                cs.is_valid_pesel, 1)
NIPS = _valid(30, lambda r: str(r.randint(1, 9)) + _d(r, 9), cs.is_valid_nip, 2)
REGONS = _valid(30, lambda r: str(r.randint(1, 9)) + _d(r, 8), cs.is_valid_regon, 3)
PHONES = [random.Random(i).choice(["50", "51", "53", "60", "66", "69", "72", "79", "88"]) + _d(random.Random(i), 7)
          for i in range(30)]
IBANS = _valid(30, _pl_iban, cs.is_valid_iban, 4)


@st.composite
def written(draw: st.DrawFn, digits: str, min_group: int = 2) -> str:
    """``digits`` cut into groups of 2-5 joined by any mix of separators ("4405 1401 359", "440514-01359")."""
    groups, i = [], 0
    while i < len(digits):
        k = draw(st.integers(min_group, 5))
        groups.append(digits[i:i + k])
        i += k
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(groups) - 1, max_size=len(groups) - 1))
    return groups[0] + "".join(s + g for s, g in zip(seps, groups[1:], strict=True))


def _assert_masked(masker, text: str, value: str) -> None:  # type: ignore[no-untyped-def]
    spans = masker.detect(text)
    start = text.index(value)
    uncovered = [i for i in range(start, start + len(value))
                 if text[i].isalnum() and not any(d.start <= i < d.end for d in spans)]
    assert not uncovered, (text, [(d.label, d.value) for d in spans])
    masked = masker.mask(text).text
    for token in ("S201-B16", "YDY 3x2.5", "100 m", "ZAM/2026/11/0042"):
        assert token in masked, (text, masked)


@SETTINGS
@given(data=st.data(), keyword=st.sampled_from(["PESEL", "pesel:", "Mój PESEL to", "PESEL nr"]))
def test_pesel_with_any_separators(masker, data: st.DataObject, keyword: str) -> None:  # type: ignore[no-untyped-def]
    value = data.draw(written(data.draw(st.sampled_from(PESELS))))
    _assert_masked(masker, f"{keyword} {value}. {PRODUCTS}", value)


@SETTINGS
@given(data=st.data(), keyword=st.sampled_from(["NIP", "NIP:", "nasz NIP to", "VAT"]),
       prefix=st.sampled_from(["", "PL", "PL "]))
def test_nip_with_any_separators(masker, data: st.DataObject, keyword: str, prefix: str) -> None:  # type: ignore[no-untyped-def]
    value = prefix + data.draw(written(data.draw(st.sampled_from(NIPS))))
    _assert_masked(masker, f"{keyword} {value}. {PRODUCTS}", value)


@SETTINGS
@given(data=st.data(), keyword=st.sampled_from(["REGON", "regon:", "nasz REGON"]))
def test_regon_with_any_separators(masker, data: st.DataObject, keyword: str) -> None:  # type: ignore[no-untyped-def]
    value = data.draw(written(data.draw(st.sampled_from(REGONS))))
    _assert_masked(masker, f"{keyword} {value}. {PRODUCTS}", value)


@SETTINGS
@given(data=st.data(), keyword=st.sampled_from(["tel.", "telefon", "kom.", "call me on", "zadzwoń pod"]),
       prefix=st.sampled_from(["", "+48 ", "+48", "0048 "]))
def test_phone_with_any_separators(masker, data: st.DataObject, keyword: str, prefix: str) -> None:  # type: ignore[no-untyped-def]
    value = prefix + data.draw(written(data.draw(st.sampled_from(PHONES))))
    _assert_masked(masker, f"{keyword} {value}. {PRODUCTS}", value)


@SETTINGS
@given(data=st.data(), keyword=st.sampled_from(["konto", "IBAN", "nr rachunku", "przelew z"]),
       country=st.booleans(), lower=st.booleans())
def test_iban_with_any_separators(masker, data: st.DataObject, keyword: str, country: bool, lower: bool) -> None:  # type: ignore[no-untyped-def]
    iban = data.draw(st.sampled_from(IBANS))
    body = data.draw(written(iban[2:]))
    value = (iban[:2].lower() if lower else iban[:2]) + body if country else body
    _assert_masked(masker, f"{keyword} {value}. {PRODUCTS}", value)


@SETTINGS
@given(data=st.data(), without_keyword=st.sampled_from(PESELS + IBANS))
def test_strong_identifiers_need_no_keyword(masker, data: st.DataObject, without_keyword: str) -> None:  # type: ignore[no-untyped-def]
    """PESEL and IBAN checks are strict enough to mask them in any spelling without a keyword."""
    value = data.draw(written(without_keyword))
    _assert_masked(masker, f"Dane: {value}. {PRODUCTS}", value)


_LOCAL = st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,8})?", fullmatch=True)
_DOMAIN = st.from_regex(r"[a-z]{3,10}(-[a-z]{2,6})?", fullmatch=True)


@SETTINGS
@given(local=_LOCAL, domain=_DOMAIN, tld=st.sampled_from(["pl", "com", "de", "eu", "co.uk"]),
       at=st.sampled_from(["(at)", "[at]", " at ", " (at) ", "{at}", " [at] ", "(małpa)", " @ ", "@"]),
       dot=st.sampled_from([".", "[dot]", " dot ", "(dot)", " [dot] ", " (kropka) "]))
def test_obfuscated_emails(masker, local: str, domain: str, tld: str, at: str, dot: str) -> None:  # type: ignore[no-untyped-def]
    value = f"{local.replace('.', dot)}{at}{domain}{dot}{tld.replace('.', dot)}"
    _assert_masked(masker, f"Piszcie na {value} proszę. {PRODUCTS}", value)


@pytest.mark.parametrize(("text", "value"), [("PESEL 440514-01458", "440514-01458"),
                                             ("PESEL 4405 1401 458", "4405 1401 458"),
                                             ("kontakt anna.nowak(at)instal-pro.pl", "anna.nowak(at)instal-pro.pl")])
def test_issue_17_examples(masker, text: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """The examples of issue 17 (a PESEL with separators and an obfuscated e-mail reached the model unmasked)."""
    _assert_masked(masker, f"{text}. {PRODUCTS}", value)
