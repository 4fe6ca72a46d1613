"""Phone numbers of the neighbouring markets and anywhere else, with Google's ``phonenumbers`` metadata.

Polish numbers in their usual shapes are found by :class:`guardrails.pii.recognizers.PlPhoneRecognizer`. This
recognizer finds the rest: any number written with ``+`` or ``00`` (validated for its country), national numbers
of DE, CZ, SK, UA, LT, the UK and the US (validated for that region; the trunk prefix "0"/"8" or the US 3-3-4
grouping is required without a keyword, because bare digits are valid numbers somewhere far too often), and, when
a phone keyword is near ("tel.", "call", "office", "fax", "zadzwoń", "Handy", "телефон", ...), any 6-15 digit
group such as "781 5991" or "(03) 5327 5996". Dates, and digit runs that only a product pattern explains, stay
(the masker's product shield drops a candidate a spec token covers).

Cost: one regular expression per message; ``phonenumbers.parse`` (~40 µs) only for digit runs of 6+ digits.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
import regex as re
from presidio_analyzer import LocalRecognizer, RecognizerResult

REGIONS: tuple[tuple[str, str], ...] = (("PL", ""), ("CZ", ""), ("SK", "0"), ("DE", "0"), ("UA", "0"), ("LT", "08"),
                                        ("GB", "0"), ("US", ""))
"""Region and the trunk prefix(es) its national numbers start with ("" = none: length and grouping decide)."""

KEYWORDS = re.compile(
    r"(?i)(?<!\w)(?:tel|tel\.|telefon\w*|phone\w*|mobile|mob|mobil|mobil\w*|cell\w*|call\w*|ring|dial|reach|"
    r"answering|fax|office|home|work|whatsapp|sms|contact|kom|komórk\w*|zadzwo\w*|dzwo\w*|numer telefonu|"
    r"handy|rufnummer|anruf\w*|volat|zavolat|telefonn\w*|телефон\w*|тел|моб\w*|telefonas|mob\.)(?!\w)")
WINDOW_BEFORE = 40
WINDOW_AFTER = 12

_CANDIDATE = re.compile(
    r"(?<![\w+@/]|\d[.,\-]|\d[ \t]|[^\W\d_]-)"
    r"(?P<num>(?:(?:\+|00)[ \t]?)?(?:\([ \t]?\+?\d{1,5}(?:-\d{1,5})?[ \t]?\)[ \t]?)?\d"
    r"(?:\d|[ \t]{1,2}(?=[\d(])|[ \t]?[.\-/\u2013][ \t]?(?=\d)|[ \t]?\(\d{1,5}\)[ \t]?)*\d)"
    r"(?P<ext>[ \t]?(?i:x|ext\.?|wew\.?)[ \t]?\d{1,6})?"
    r"(?![\w@]|[.,]\d)")
_GROUP = re.compile(r"\d+")
_US_SHAPE = re.compile(r"^(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .\-])\d{3}[ .\-]\d{4}$")
_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}\b|^\d{1,2}[-./]\d{1,2}[-./](?:19|20)?\d{2}$|^\d{1,2}:\d{2}")


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _valid(number: str, region: str | None) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(number, region)))
    except phonenumbers.NumberParseException:
        return False


_LENGTHS = {"PL": (9, 9), "CZ": (9, 9), "SK": (9, 10), "DE": (6, 13), "UA": (9, 10), "LT": (8, 9), "GB": (9, 11),
            "US": (10, 11)}


def _plausible(region: str, d: str) -> bool:
    """Cheap length/first-digit check before ``phonenumbers.parse`` (most digit runs are no phone anywhere)."""
    lo, hi = _LENGTHS[region]
    if not lo <= len(d) <= hi:
        return False
    if region in ("DE", "UA", "GB") and d[0] != "0":
        return False
    if region == "US" and len(d) == 11:
        return d[0] == "1"
    return True


def classify(value: str, keyed: bool) -> float:
    """Return the score of one candidate number (0 when it is not a phone number)."""
    d = _digits(value)
    if not 6 <= len(d) <= 15 or _DATE.search(value.strip()):
        return 0.0
    formatted = not value.strip().lstrip("+").isdigit()
    stripped = value.strip()
    if stripped.startswith(("+", "00")):
        intl = "+" + (stripped[1:] if stripped.startswith("+") else stripped[2:])
        if _valid(intl, None):
            return 0.9 if keyed else 0.85
        return 0.65 if keyed else 0.0
    for region, trunk in REGIONS:
        if not _plausible(region, d) or not _valid(stripped, region):
            continue
        if keyed:
            return 0.9
        if region in ("PL", "CZ"):
            return 0.55 if formatted and len(d) == 9 else 0.4
        if region == "US":
            return 0.6 if _US_SHAPE.match(stripped) else 0.4
        if trunk and d.startswith(tuple(trunk)):
            return 0.6 if formatted else 0.45
    return 0.65 if keyed else 0.0


class IntlPhoneRecognizer(LocalRecognizer):
    """Phone numbers beyond the Polish shapes (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PHONE_NUMBER"], supported_language="en", name="IntlPhoneRecognizer")

    def load(self) -> None:
        """Nothing to load (phonenumbers' metadata loads lazily per region)."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return PHONE_NUMBER results with the scores of :func:`classify` (threshold applied by the analyzer)."""
        out: list[RecognizerResult] = []
        for m in _CANDIDATE.finditer(text):
            start, end = m.span("num")
            if len(_digits(m.group("num"))) < 6:
                continue
            window = text[max(0, start - WINDOW_BEFORE):start] + " " + text[m.end():m.end() + WINDOW_AFTER]
            keyed = bool(KEYWORDS.search(window))
            best = self._best(text, start, end, keyed)
            if best is None:
                continue
            s, e, score = best
            if m.group("ext") and e == end:
                e = m.end("ext")
            out.append(RecognizerResult("PHONE_NUMBER", s, e, score, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }))
        return out

    @staticmethod
    def _best(text: str, start: int, end: int, keyed: bool) -> tuple[int, int, float] | None:
        """Score the whole run, then the run without trailing groups, then without leading ones; keep the best."""
        groups = [(g.start() + start, g.end() + start) for g in _GROUP.finditer(text[start:end])]
        windows = [(start, end)]
        windows += [(start, groups[j - 1][1]) for j in range(len(groups) - 1, 1, -1)]
        windows += [(groups[i][0], end) for i in range(1, len(groups) - 1)]
        best: tuple[int, int, float] | None = None
        for k, (s, e) in enumerate(windows):
            if k == 1 and best is not None and best[2] >= 0.5:
                break   # the whole run already counts: never cut off its "001-" or "(027)" part
            if s > start and text[s - 1] == "(":
                s -= 1
            score = classify(text[s:e], keyed)
            if score > (best[2] if best else 0.0):
                best = (s, e, score)
            if score >= 0.85:
                break
        return best
