"""E-mail addresses written to dodge filters ("anna.nowak(at)instal-pro.pl", "jan at firma dot pl") and URLs.

Presidio's ``EmailRecognizer`` finds ``name@domain.tld``; this module adds the obfuscated forms: ``(at)``, ``[at]``,
``{at}``, `` at ``, ``(małpa)``, ``@`` with spaces around it, and ``.``, ``(dot)``, ``[dot]``, `` dot ``, ``(kropka)``
between the labels, ending in a known top-level domain. A bare `` at `` needs a plausible mailbox before it
("me at home dot com" is not one).

URLs: anything with a scheme or starting with ``www.`` (a personal site, a profile, a link carrying a name or an
e-mail in its query). The model needs none of them, and a link in a reply is the output checks' business.
Bare domains ("instal-pro.pl") are left alone: they are mostly the customer's company.
"""

from __future__ import annotations

from typing import Any

import regex as re
from presidio_analyzer import LocalRecognizer, RecognizerResult

TLDS = ("com|net|org|info|biz|eu|pl|de|cz|sk|ua|lt|lv|ee|uk|co|io|at|ch|fr|it|es|nl|be|dk|se|no|fi|hu|ro|bg|hr|si|"
        "ie|pt|gr|ru|by|us|ca|au|nz|edu|gov|online|shop|store|tech|me|app|dev|email|mail|pro|tv|cloud")
_DOT = r"(?:\.|\s*[\[({<]\s*(?i:dot|kropka|punkt|tečka|bodka|крапка)\s*[\])}>]\s*|\s+(?i:dot|kropka|punkt|tecka|tečka)\s+)"
_AT_BRACKET = r"\s*[\[({<]\s*(?i:at|@|małpa|malpa|monkey|ät|zavináč|zavinac|собака)\s*[\])}>]\s*"
_AT_WORD = r"\s+(?i:at|małpa|malpa)\s+"
_AT_SIGN = r"\s+@\s*|\s*@\s+|@"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_LOCAL = rf"[A-Za-z0-9][\w+-]*(?:{_DOT}[\w+-]+)*"
_DOMAIN = rf"{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}(?i:{TLDS})"
_OBFUSCATED = re.compile(
    rf"(?<![\w.@+-])(?P<local>{_LOCAL})(?P<at>{_AT_BRACKET}|{_AT_WORD}|{_AT_SIGN})(?P<domain>{_DOMAIN})(?![\w-]|{_DOT}[A-Za-z0-9])")
NOT_A_MAILBOX = frozenset(
    ["me", "us", "you", "him", "her", "them", "it", "we", "i", "one", "all", "look", "available", "here", "there", "sold", "buy", "order", "shop", "visit", "price", "prices", "now", "is", "are", "be", "was", "and", "or", "the", "a", "an", "found", "online", "priced", "starting", "stock", "arrive", "arrives", "delivered", "located", "based", "meet", "see", "home", "work", "office"])
_URL = re.compile(r"(?i)(?<![\w@/])(?:(?:https?|ftp)://|www\.)[^\s<>\"'{}|\\^`\[\]]+")


class ObfuscatedEmailRecognizer(LocalRecognizer):
    """EMAIL_ADDRESS for e-mails written with "(at)", " at ", "[dot]", " dot " and the like."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["EMAIL_ADDRESS"], supported_language="en",
                         name="ObfuscatedEmailRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return one result per obfuscated address (plain ``a@b.pl`` is Presidio's EmailRecognizer's)."""
        lowered = text.lower()
        if not any(w in lowered for w in ("at", "@", "małpa", "malpa", "ät", "zavin", "собака")):
            return []
        out: list[RecognizerResult] = []
        for m in _OBFUSCATED.finditer(text):
            at = m.group("at")
            local = m.group("local")
            if at.strip().lower() in ("at", "małpa", "malpa") and local.lower() in NOT_A_MAILBOX:
                continue
            out.append(RecognizerResult("EMAIL_ADDRESS", m.start(), m.end(), 0.9, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }))
        return out


class SchemeUrlRecognizer(LocalRecognizer):
    """URL for links with a scheme or ``www.`` (trailing punctuation is not part of the link)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["URL"], supported_language="en", name="SchemeUrlRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return one URL result per link."""
        if "://" not in text and "www." not in text.lower():
            return []
        out: list[RecognizerResult] = []
        for m in _URL.finditer(text):
            value = m.group().rstrip(".,;:!?)\"'")
            if len(value) < 8:
                continue
            out.append(RecognizerResult("URL", m.start(), m.start() + len(value), 0.7, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }))
        return out
