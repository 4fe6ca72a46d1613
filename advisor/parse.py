"""Free text -> :class:`AdvisorFacts` (English and Polish), by rules: counts next to their nouns, and phrases for
descriptions, stability, segmentation and behaviour data. It only ever sees text that was already PII-masked."""

from __future__ import annotations

import re

from advisor.models import AdvisorFacts

_NUMBER = r"(\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?:\s*(k|tys|thousand|m|mln|million|mio)\b\.?)?(?!\w)"
_GAP = r"(?:\s+[\w\-/]+){0,2}?\s*"  # up to two words between the number and its noun ("300 B2B customers")
_NOUNS: dict[str, str] = {
    "skus": r"(?:skus?|products?|items?|articles?|indeks\w*|produkt\w*|towar\w*|artyku\w*|pozycji\s+w\s+katalogu)",
    "customers": r"(?:customers?|clients?|accounts?|buyers?|klient\w*|firm\b|odbiorc\w*|kontrahent\w*)",
    "order_rows": r"(?:orders?|order\s+lines?|order\s+rows?|invoice\s+lines?|transactions?|zamówie\w*|zamówi\w*"
                  r"|transakcj\w*|pozycji\s+zamówie\w*)",
    "years": r"(?:years?|yrs?|lat[a]?\b|rok\w*)",
}
_SCALE = {"k": 1_000, "tys": 1_000, "tys.": 1_000, "thousand": 1_000, "m": 1_000_000, "mln": 1_000_000,
          "million": 1_000_000, "mio": 1_000_000}

_DESCRIPTIONS = [
    ("none", (r"\b(?:no|without|missing|lack of|zero)\s+(?:\w+\s+)?descriptions?|descriptions?\s*(?::|are)?\s*"
             r"(?:none|missing|absent)|\bbez\s+opis\w*|\bbrak\s+opis\w*|names?\s+only|tylko\s+nazwy")),
    ("partial", (r"\b(?:some|partial|few|part of the|incomplete|half)\s+(?:\w+\s+)?descriptions?|descriptions?\s+"
                r"(?:for|on)\s+(?:some|part|half|the top)|\bczęś\w*\s+opis\w*|\bniektóre\s+\w*\s*opis\w*")),
    ("full", (r"\b(?:with|full|rich|detailed|good|complete|all have)\s+(?:\w+\s+)?descriptions?|descriptions?\s+"
             r"(?:for all|everywhere)|all\s+(?:\w+\s+)?have\s+descriptions?|\bz\s+opisami|\bpełn\w*\s+opis\w*"
             r"|\bopisy\s+(?:dla\s+)?wszystk\w*|\bdescribed\b")),
]
_STABILITY = [
    ("volatile", (r"\bvolatile\b|changes?\s+(?:often|a lot|quickly|fast|every)|\bhigh\s+churn|new\s+(?:products|skus)"
                 r"\s+every|\bczęsto\s+się\s+zmienia|\bzmienn\w*|\brotat\w*")),
    ("seasonal", r"\bseasonal\w*|\bsezonow\w*"),
    ("stable", r"\bstable\b|\brarely\s+changes?|\bstabiln\w*|\brzadko\s+się\s+zmienia"),
]
_SEGMENTATION = [
    ("none", r"\bno\s+segment\w*|\bnot\s+segmented|\bwithout\s+segment\w*|\bbez\s+segmentacj\w*|\bbrak\s+segment\w*"),
    ("behavioural", r"\brfm\b|\bbehaviou?ral\s+segment\w*|segment\w*\s+by\s+(?:purchase|buying)\s+behaviou?r"),
    ("firmographic", (r"\bfirmographic|segment\w*\s+by\s+(?:industry|size|sector|nace)|\bby\s+industry\s+and\s+size"
                     r"|\bbranż\w*|\bnace\b")),
    ("manual", r"\bmanual\w*\s+segment\w*|segment\w*\s+(?:by hand|manually)|\bby\s+(?:sales\s+)?reps\b|\bręczn\w*"),
]
_NO_BEHAVIOUR = (r"\bno\s+(?:behaviou?r(?:al)?|click|tracking|web\s+analytics|clickstream|event)\w*"
                 r"|\bwithout\s+(?:any\s+)?(?:tracking|behaviou?r\w*)|\bdo\s+not\s+(?:track|log|collect)"
                 r"|\bdon'?t\s+(?:track|log|collect)|\bnie\s+zbieramy|\bbrak\s+danych\s+o\s+zachowan\w*")
_BEHAVIOUR = (r"\bbehaviou?r(?:al)?\s+data|\bclickstream|\btracking\b|\bwe\s+(?:log|track|collect)|\bpage\s+views"
              r"|\bsearch\s+logs?|\bweb\s+analytics|\bzbieramy|\bdane\s+o\s+zachowan\w*")
_BASES = [
    ("none", r"\b(?:no|without)\s+(?:\w+\s+)?(?:consent|legal\s+basis)|\bbez\s+zgod\w*|\bbez\s+podstawy"),
    ("consent", r"\bconsent\w*|\bzgod\w*|\bzgoda\b"),
    ("legitimate_interest", r"\blegitimate\s+interest|\buzasadnion\w*\s+interes\w*"),
    ("contract", r"\bcontract\b|\bumow\w*"),
]


def _to_number(digits: str, scale: str | None) -> float:
    """Return the value of a number written as "2,000", "2 000", "2.000", "1.5" or "1,5" with an optional scale."""
    if re.fullmatch(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+", digits):
        value = float(re.sub(r"\D", "", digits))
    else:
        value = float(digits.replace(",", "."))
    return value * _SCALE.get((scale or "").lower(), 1)


def _noun_after(rest: str) -> str | None:
    """Return the field whose noun comes first within two words after a number ("300 B2B customers")."""
    best: tuple[int, str] | None = None
    for field, noun in _NOUNS.items():
        match = re.match(_GAP + noun, rest, re.IGNORECASE)
        if match and (best is None or match.end() < best[0]):
            best = (match.end(), field)
    return best[1] if best else None


def _first(patterns: list[tuple[str, str]], text: str) -> str | None:
    for value, pattern in patterns:
        if re.search(pattern, text, re.IGNORECASE):
            return value
    return None


def parse_text(text: str) -> AdvisorFacts:
    """Return the facts the (masked) text states; what it does not state stays None."""
    found: dict[str, object] = {}
    for number in re.finditer(_NUMBER, text, re.IGNORECASE):
        field = _noun_after(text[number.end():])
        if field is not None and field not in found:
            value = _to_number(number.group(1), number.group(2))
            found[field] = value if field == "years" else int(value)
    found["descriptions"] = _first(_DESCRIPTIONS, text)
    found["stability"] = _first(_STABILITY, text)
    found["segmentation"] = _first(_SEGMENTATION, text)
    if re.search(_NO_BEHAVIOUR, text, re.IGNORECASE):
        found["behaviour_collected"] = False
    elif re.search(_BEHAVIOUR, text, re.IGNORECASE):
        found["behaviour_collected"] = True
    found["legal_basis"] = _first(_BASES, text)
    return AdvisorFacts.model_validate({k: v for k, v in found.items() if v is not None})
