"""Dates that belong to a person: a date of birth, or a calendar date years in the past.

A sales chat is full of dates that identify no one and that the assistant needs: delivery and order dates, "valid
until 2026-12-04 10:30 UTC" in an approved offer, "next Monday". What identifies a person is a date of birth (or
death, marriage, ...) and, more generally, a full calendar date of their life years back ("since 2/25/1953",
"When: 1985-06-03 05:25:08"). So a full date (day, month and year, in ISO, numeric day-month or month-day order, or
with a month name in English, Polish or German) is masked when a birth keyword is near it, or when it lies more
than :data:`PAST_YEARS` years before today. A recent or future date without such a keyword, a weekday, a month
alone or a time stays: that is the documented choice (docs/guardrails.md, "Deliberately kept").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import regex as re
from presidio_analyzer import LocalRecognizer, RecognizerResult

PAST_YEARS = 2
"""A full date more than this many years back is a life event, not an order or delivery date."""

_MONTHS = {
    **{m: i + 1 for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                         "dec"])},
    **{m: i + 1 for i, m in enumerate(["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis",
                                         "gru"])},
    "mär": 3, "mai": 5, "okt": 10, "dez": 12, "pa\u017a": 10,
}
_MONTH_WORD = (r"(?i:jan\w*|feb\w*|mar\w*|m\u00e4r\w*|apr\w*|may|mai|maj\w*|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|okt\w*|"
               r"nov\w*|dec\w*|dez\w*|sty\w*|lut\w*|kwi\w*|cze\w*|lip\w*|sie\w*|wrz\w*|pa\u017a\w*|lis\w*|gru\w*)")
_TIME = r"(?:[ T,]+\d{1,2}:\d{2}(?::\d{2})?(?:\s?(?i:am|pm))?)?"
_PATTERNS = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<iso>(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2}))"
    r"|(?P<num>(?P<a2>\d{1,2})(?P<sep>[./-])(?P<b2>\d{1,2})(?P=sep)(?P<y2>\d{4}|\d{2}))"
    rf"|(?P<dmy>(?P<d3>\d{{1,2}})\.?\s+(?P<m3>{_MONTH_WORD})\.?,?\s+(?P<y3>\d{{4}}))"
    rf"|(?P<mdy>(?P<m4>{_MONTH_WORD})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}}))"
    r")" + _TIME + r"(?![\w/]|[.-]\d)")
BIRTH = re.compile(
    r"(?i)(?<!\w)(?:born|birth\w*|dob|d\.o\.b\.?|birthday|urodz\w*|ur\.|data urodzenia|geboren|geb\.|geburts\w*|"
    r"narozen\w*|narodil\w*|narodenia|народжен\w*|gim\u0119s|gimimo|died|death|zmarł\w*|deceased|"
    r"married|ślub\w*|wiek|age|aged)(?!\w)")
WINDOW = 40


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse(m: Any) -> dt.date | None:
    """Return the date a match of the patterns names (either day-month order for numeric dates), or None."""
    if m.group("iso"):
        return _date(int(m.group("y1")), int(m.group("m1")), int(m.group("d1")))
    if m.group("num"):
        y = int(m.group("y2"))
        y = y if y >= 100 else (1900 + y if y > dt.date.today().year % 100 else 2000 + y)
        a, b = int(m.group("a2")), int(m.group("b2"))
        return _date(y, b, a) or _date(y, a, b)
    if m.group("dmy"):
        month = _MONTHS.get(m.group("m3")[:3].lower())
        return _date(int(m.group("y3")), month, int(m.group("d3"))) if month else None
    month = _MONTHS.get(m.group("m4")[:3].lower())
    return _date(int(m.group("y4")), month, int(m.group("d4"))) if month else None


class PersonalDateRecognizer(LocalRecognizer):
    """DATE_TIME for dates of birth and calendar dates years back (see the module docstring)."""

    def __init__(self, today: dt.date | None = None) -> None:
        self.today = today
        super().__init__(supported_entities=["DATE_TIME"], supported_language="en", name="PersonalDateRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return DATE_TIME results: 0.95 next to a birth keyword, 0.7 for an old date, 0.3 otherwise (kept)."""
        if not any(c.isdigit() for c in text):
            return []
        today = self.today or dt.date.today()
        out: list[RecognizerResult] = []
        for m in _PATTERNS.finditer(text):
            when = parse(m)
            if when is None:
                continue
            window = text[max(0, m.start() - WINDOW):m.start()] + " " + text[m.end():m.end() + 12]
            if BIRTH.search(window):
                score = 0.95
            elif when.year < today.year - PAST_YEARS:
                score = 0.7
            else:
                score = 0.3
            out.append(RecognizerResult("DATE_TIME", m.start(), m.end(), score, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }))
        return out
