"""Polish or English: the customer's language decides the templates and the disclosure."""

from __future__ import annotations

import re
from typing import Literal

_PL_CHARS = re.compile(r"[ąćęłńóśźż]", re.IGNORECASE)
_PL_WORDS = {
    "jest", "czy", "mam", "macie", "szukam", "potrzebuję", "potrzebuje", "proszę", "prosze", "dzień", "dzien",
    "dobry", "do", "na", "dla", "jaki", "jakie", "jaką", "poleć", "polec", "polecisz", "rabat", "cena", "cenę",
    "taniej", "dlaczego", "czemu", "co", "mi", "nam", "się", "sie", "oraz", "też", "tez", "wyłącznik",
    "wylacznik", "kabel", "przewód", "przewod", "obudowa", "rozdzielnica", "zniżka", "znizka", "ile", "możecie",
    "mozecie", "chcę", "chce", "kupić", "kupic", "jakiś", "akcesoria", "pasuje", "szt", "sztuk", "dzięki",
    # short follow-ups ("A wersja 100 W?" was answered in English after an English turn)
    "wersja", "wersji", "wersję", "wersje", "samo", "jeszcze", "może", "moze", "jak", "tak", "nie", "tego",
    "takie", "taki", "coś", "cos", "albo", "lub", "drugi", "druga", "trzeci", "pierwszy",
}
_PL_SHAPE = re.compile(r"(?:rz|cz|sz|ów|ych|ami|owy|owa|owe|iu|ia)$|^(?:prz|wsz|szcz|zw|dw)|[^s]cz|rz")
_EN_WORDS = {"the", "is", "i", "need", "looking", "for", "what", "which", "you", "have", "please", "price",
             "discount", "why", "recommend", "accessories", "with", "and", "my", "we", "our", "can", "hello",
             "in", "of", "an", "are", "does", "how", "when", "where", "will", "it", "tomorrow", "today",
             "me", "your", "there", "about", "this", "that", "to", "be", "don't", "want"}
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]*[ąćęłńóśźż][a-ząćęłńóśźż]*")
"""A capitalised word with a Polish letter inside a sentence ("the weather in Kraków"): a place or a name,
weak evidence of the writer's language."""


def detect_language(text: str, default: Literal["pl", "en"] = "en") -> Literal["pl", "en"]:
    """Return ``"pl"`` or ``"en"`` from diacritics and common words; ``default`` when undecided."""
    names = _NAME.findall(text)
    plain = _NAME.sub(" ", text)
    words = re.findall(r"[a-ząćęłńóśźż]+", plain.lower())
    pl = sum(w in _PL_WORDS for w in words) + 2 * len(_PL_CHARS.findall(plain)) + (1 if names else 0)
    pl += sum(1 for w in words if _PL_SHAPE.search(w))
    en = sum(w in _EN_WORDS for w in words)
    if pl == en:
        return default
    return "pl" if pl > en else "en"
