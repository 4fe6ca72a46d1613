"""Checksum-validated identifiers written with any separators: Polish, EU (VAT, national ids), UK and US numbers.

One recognizer, many :class:`IdSpec`: each spec is a separator-tolerant pattern ("4405 1401 359", "440514-01359",
"526.104.08.28", "PL61-1090-1014-..."), a python-stdnum check (:mod:`guardrails.pii.checksums`), keywords and two
scores. A number that passes its check scores ``plain``; with one of its keywords within :data:`WINDOW_BEFORE`
characters before it (or :data:`WINDOW_AFTER` after), with no other number in between, it scores ``keyed``. ``plain`` reflects how often a random
number of that shape passes the check and how distinctive the shape is: a country-prefixed VAT number or an IBAN
is masked on its own, a bare 10-digit number that happens to pass the Ukrainian RNTRC check is not (it needs
"RNTRC"/"ІПН"). Keyed scores are 1.0, which lets the finding beat a code-shaped product pattern in the masker;
the plain scores below 0.99 do not (so "FV 2026/10/118" stays an invoice number).

The canonical Polish formats are also found by :mod:`guardrails.pii.recognizers` (Presidio pattern recognizers
with their context words); this module adds every other way of writing them and the foreign identifiers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex as re
from presidio_analyzer import LocalRecognizer, RecognizerResult

from guardrails.pii import checksums as cs

SEP = r"(?:[ \t]{1,3}|[ \t]?[.\-/\u2013][ \t]?)"
"""Between two digits: up to three spaces, or one dot, dash, slash or en dash with optional spaces around it."""
LEFT = rf"(?<![\w+@]|\d{SEP}|[.,]\d*|[^\W\d_][/.-])"
RIGHT = rf"(?![\w@]|{SEP}\d|[.,]\d)"
WINDOW_BEFORE = 48
WINDOW_AFTER = 16
_DATE_INSIDE = re.compile(r"^(?:19|20)\d{2}[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])(?!\d)"
                          r"|^(?:0?[1-9]|[12]\d|3[01])[-./](?:0?[1-9]|1[0-2])[-./](?:19|20)\d{2}")


def digits(n: int) -> str:
    """Return a pattern for ``n`` digits with any separators between them."""
    return rf"\d(?:{SEP}?\d){{{n - 1}}}"


@dataclass(frozen=True)
class IdSpec:
    """One identifier: entity type, pattern, check, keywords and the scores without / with a keyword."""

    entity: str
    name: str
    pattern: str
    check: Callable[[str], bool]
    keywords: str
    plain: float
    keyed: float = 1.0
    trim: bool = False
    """Variable-length alphanumeric bodies (IBAN, VAT): also try the match without its trailing groups."""

    min_digits: int = 6
    """A message with fewer digits cannot hold this identifier (skips the pattern)."""

    def compiled(self) -> tuple[Any, Any]:
        """Return the compiled pattern and keyword regex."""
        return re.compile(LEFT + "(?:" + self.pattern + ")" + RIGHT), re.compile(rf"(?i)(?<!\w)(?:{self.keywords})")


_K_PESEL = r"pesel|numer ewidencyjny|nr ewid"
_K_NIP = r"nip|vat|tax id|tax number|numer identyfikacji podatkowej|podatnik"
_K_REGON = r"regon"
_K_IBAN = r"iban|konto|konta|rachunek|rachunku|rachunkiem|account|bank|przelew|transfer|nrb|kontonummer|účet|účtu|рахунок|sąskait"
_K_VAT = (r"vat|ust|mwst|dič|dic|ič dph|ic dph|pvm|tva|iva|btw|moms|mva|alv|áfa|afa|ddv|pdv|dph|ΑΦΜ|fpa|"
          r"tax id|nip ue|nip-ue|eu vat|vat id|vat-id|vat no|ust-id|ust-idnr|uid")
_K_DE = r"steuer-?id\w*|steuerid\w*|idnr|steueridentifikationsnummer|identifikationsnummer|tax id|tin|steuernummer"
_K_RC = r"rodné číslo|rodne cislo|rodného čísla|rodneho cisla|rč|r\.\s?č\.|birth number|personal number|numer urodzenia"
_K_UA = (r"рнокпп|іпн|ідентифікаційн\w*|ідентифікаційний код|інн|ipn|rnokpp|rntrc|inn|taxpayer|tax number|"
         r"numer podatnika|kod podatnika|identyfikacyjny")
_K_LT = r"asmens kod\w*|a\.\s?k\.|personal code|kod osobisty"
_K_NHS = r"nhs|national health"
_K_NINO = r"national insurance|ni number|ni no|nino|insurance number"
_K_SSN = r"ssn|social security|soc\.? sec|social sec"
_K_ITIN = r"itin|taxpayer identification"
_K_IDCARD = r"dowód|dowodu|dowod|dowodem|id card|identity card|personal id|legitymacj\w*|seria i numer|ausweis\w*"
_K_CARD = r"card|karta|karty|kartą|kartę|credit|debit|visa|mastercard|amex|maestro|kreditkarte|platební"

_VAT_PREFIX = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PT|RO|SE|SI|SK|XI|GB"


_CARD_IIN = re.compile(r"4|5[1-5]|2[2-7]|3[47]|6")
_SEP_RE = re.compile(SEP)


def _card(text: str) -> bool:
    d = cs.digits_of(text)
    return 13 <= len(d) <= 19 and bool(_CARD_IIN.match(d)) and cs.is_valid_luhn(d)


def _lt(text: str) -> bool:
    return cs.digits_of(text)[:1] in "123456" and cs.is_valid_lt_asmens(text)


SPECS: tuple[IdSpec, ...] = (
    IdSpec("PL_PESEL", "pesel_any", digits(11), cs.is_valid_pesel, _K_PESEL, 0.6, min_digits=11),
    IdSpec("PL_NIP", "nip_any", r"(?:(?i:PL)[ \t]?)?" + digits(10), cs.is_valid_nip, _K_NIP, 0.55, min_digits=10),
    IdSpec("PL_REGON", "regon_any_9", digits(9), cs.is_valid_regon, _K_REGON, 0.35, min_digits=9),
    IdSpec("PL_REGON", "regon_any_14", digits(14), cs.is_valid_regon, _K_REGON, 0.55, min_digits=14),
    IdSpec("IBAN_CODE", "nrb_any", digits(26), cs.is_valid_iban, _K_IBAN, 1.0, min_digits=26),
    IdSpec("IBAN_CODE", "iban_any", rf"(?i:[A-Z]{{2}}){SEP}?\d{SEP}?\d(?:{SEP}?[A-Z0-9]){{8,30}}", cs.is_valid_iban,
           _K_IBAN, 1.0, trim=True, min_digits=10),
    IdSpec("VAT_ID", "vat_eu_uk", rf"(?:{_VAT_PREFIX}){SEP}?[0-9A-Z](?:{SEP}?[0-9A-Z]){{6,13}}", cs.is_valid_vat,
           _K_VAT, 1.0, trim=True, min_digits=7),
    IdSpec("NATIONAL_ID", "de_idnr", r"[1-9]" + rf"(?:{SEP}?\d){{10}}", cs.is_valid_de_idnr, _K_DE, 0.4, min_digits=11),
    IdSpec("NATIONAL_ID", "cz_sk_rc_slash", r"\d{6}[ \t]?/[ \t]?\d{3,4}", cs.is_valid_birth_number, _K_RC, 0.85, min_digits=9),
    IdSpec("NATIONAL_ID", "cz_sk_rc", r"\d{6}[ \t]?\d{3,4}", cs.is_valid_birth_number, _K_RC, 0.35, min_digits=9),
    IdSpec("NATIONAL_ID", "ua_rntrc", digits(10), cs.is_valid_ua_rntrc, _K_UA, 0.35, min_digits=10),
    IdSpec("NATIONAL_ID", "lt_asmens", digits(11), _lt, _K_LT, 0.45, min_digits=11),
    IdSpec("UK_NHS", "uk_nhs", digits(10), cs.is_valid_nhs, _K_NHS, 0.45, min_digits=10),
    IdSpec("UK_NINO", "uk_nino", r"(?i:[A-Z]{2})[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?(?i:[A-D])", cs.is_valid_nino,
           _K_NINO, 0.75, min_digits=6),
    IdSpec("US_SSN", "us_ssn_grouped", r"\d{3}[- .]\d{2}[- .]\d{4}", cs.is_valid_ssn, _K_SSN, 0.6, min_digits=9),
    IdSpec("US_SSN", "us_ssn_plain", r"\d{9}", cs.is_valid_ssn, _K_SSN, 0.3, min_digits=9),
    IdSpec("US_ITIN", "us_itin", r"9\d{2}[- .]?\d{2}[- .]?\d{4}", cs.is_valid_itin, _K_ITIN, 0.6, min_digits=9),
    IdSpec("ID_CARD", "pl_id_card", r"(?i:[A-Z]{3})[ \t]?\d{6}", cs.is_valid_pl_id_card, _K_IDCARD, 0.6, min_digits=6),
    IdSpec("CREDIT_CARD", "card_any", digits(13) + rf"(?:{SEP}?\d){{0,6}}", _card, _K_CARD, 0.6, min_digits=13),
)


def _keyed(kw: Any, text: str, start: int, end: int) -> bool:
    """True when a keyword stands right before the number (no other digits between) or right after it."""
    before = text[max(0, start - WINDOW_BEFORE):start]
    hits = list(kw.finditer(before))
    if hits and not any(c.isdigit() for c in before[hits[-1].end():]):
        return True
    after = text[end:end + WINDOW_AFTER]
    m = kw.search(after)
    if m is None or any(c.isdigit() for c in after[:m.start()]):
        return False
    return not any(c.isdigit() for c in text[end + m.end():end + m.end() + 6])   # "... na NIP 946-...": the next one's


class ChecksumIdRecognizer(LocalRecognizer):
    """Finds every :data:`SPECS` identifier, with any separators, that passes its python-stdnum check."""

    def __init__(self, specs: tuple[IdSpec, ...] = SPECS) -> None:
        self.specs = specs
        self._compiled = [(spec, *spec.compiled()) for spec in specs]
        super().__init__(supported_entities=sorted({s.entity for s in specs}), supported_language="en",
                         name="ChecksumIdRecognizer")

    def load(self) -> None:
        """Nothing to load (patterns are compiled in ``__init__``)."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return a result per identifier that passes its check (score: keyed when a keyword is near)."""
        n_digits = sum(map(str.isdigit, text))
        if n_digits < 6:
            return []
        wanted = set(entities) if entities else None
        out: list[RecognizerResult] = []
        for spec, rx, kw in self._compiled:
            if (wanted is not None and spec.entity not in wanted) or n_digits < spec.min_digits:
                continue
            for m in rx.finditer(text):
                span = self._valid_span(spec, text, m.start(), m.end())
                if span is None:
                    continue
                start, end = span
                score = spec.keyed if _keyed(kw, text, start, end) else spec.plain
                out.append(RecognizerResult(spec.entity, start, end, score, recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    "spec": spec.name,
                }))
        return out

    @staticmethod
    def _valid_span(spec: IdSpec, text: str, start: int, end: int) -> tuple[int, int] | None:
        """Return the (possibly trimmed) span that passes the check, or None."""
        value = text[start:end]
        if _DATE_INSIDE.match(value) and spec.plain < 0.9:
            return None   # "2026-11-27 12" is a date and a number, not an identifier
        if spec.check(value):
            return start, end
        if spec.trim:
            cuts = [m.start() for m in _SEP_RE.finditer(value)]
            for cut in reversed(cuts):
                if spec.check(value[:cut]):
                    return start, start + cut
        return None
