"""Document numbers that only a keyword gives away: passports, driving licences, ID cards, bank accounts.

Passport, driving-licence and most ID-card numbers carry no published check digit, and their shapes (nine digits,
two letters and seven digits, ...) are the shapes of order numbers and SKUs. So the number is masked only when a
keyword names it just before ("driver's license number is 425700624", "paszport nr EA1234567", "Reisepass:
C01X00T47", "číslo OP 123456789"). The finding scores 1.0: the keyword is the evidence, and it must beat the
product shield's code-shaped pattern. Keywords are in English, Polish, German, Czech, Slovak, Ukrainian and
Lithuanian.
"""

from __future__ import annotations

from typing import Any, ClassVar

import regex as re
from presidio_analyzer import LocalRecognizer, RecognizerResult

_FILLER = (r"(?:[\s:#.,()-]|\b(?:number|numbers|num|no|nr|nº|numer|numerem|numeru|is|are|jest|to|ist|je|of|the|my|his|"
           r"her|our|mój|moj|moja|moje|mojego|jego|jej|serial|seria|series|id|číslo|cislo|č|nummer|номер|№|numeris|"
           r"was|será|była|był)\b){0,8}?")
_VALUE = (r"(?P<value>(?:[A-Z]{1,3}[ -])?(?i:(?=[A-Z]{0,3}\d)[A-Z0-9]{1,18}(?:[ /-](?=[A-Z0-9]*\d)[A-Z0-9]{1,10}){0,3}))"
          r"(?![\w-])")

KEYWORDS: dict[str, str] = {
    "DRIVER_LICENSE": (r"driver'?s?'? licen[cs]e|driving licen[cs]e|driver licen[cs]e|licen[cs]e number|dl#|dl no|"
                       r"prawo jazdy|prawa jazdy|prawem jazdy|führerschein\w*|fuhrerschein|řidičsk\w* průkaz\w*|"
                       r"ridicsk\w* prukaz\w*|vodičsk\w* preukaz\w*|посвідчення водія|водійськ\w* посвідчення|"
                       r"vairuotojo pažymėjim\w*"),
    "PASSPORT": (r"passport|passport no|paszport\w*|reisepass\w*|pass-nr|passnummer|cestovní pas\w*|cestovni pas\w*|"
                 r"cestovn\w* pas|pas č|паспорт\w*|закордонн\w* паспорт"),
    "ID_CARD": (r"id card|identity card|national id|identity document|dowód osobisty|dowodu osobistego|"
                r"(?:dowód|dowodu)(?!\s+(?:zakupu|wpłaty|wplaty|dostawy|przelewu|nadania|sprzedaży|wydania))|"
                r"dowod osobisty|personalausweis\w*|ausweisnummer|ausweis|občansk\w* průkaz\w*|obcansk\w* prukaz\w*|"
                r"občiansk\w* preukaz\w*|op č|číslo op|id-картк\w*|id картк\w*|картк\w* id|asmens tapatybės kortel\w*|"
                r"tapatybės kortel\w*"),
    "US_BANK_NUMBER": (r"bank account|account number|acct|account no|checking account|savings account|"
                       r"routing number|numer rachunku|numer konta|kontonummer|číslo účtu|номер рахунку"),
    "MEDICAL_LICENSE": r"medical licen[cs]e|dea number|dea|npi|numer prawa wykonywania zawodu|pwz",
}
"""Entity type -> keywords (case-insensitive) that name the number right after them."""


class KeywordDocumentRecognizer(LocalRecognizer):
    """Finds a document or account number right after a keyword that names it (see the module docstring)."""

    SCORE: ClassVar[float] = 1.0

    def __init__(self) -> None:
        self._res = [(etype, re.compile(rf"(?i:(?<!\w)(?:{kw}))(?!\w){_FILLER}{_VALUE}"))
                     for etype, kw in KEYWORDS.items()]
        super().__init__(supported_entities=list(KEYWORDS), supported_language="en",
                         name="KeywordDocumentRecognizer")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return one result per keyword-introduced number (at least four digits, 6-19 characters)."""
        if not any(c.isdigit() for c in text):
            return []
        wanted = set(entities) if entities else None
        out: list[RecognizerResult] = []
        for etype, rx in self._res:
            if wanted is not None and etype not in wanted:
                continue
            for m in rx.finditer(text):
                value = m.group("value")
                if not 6 <= len(value) <= 20 or sum(c.isdigit() for c in value) < 4 or (etype == "US_BANK_NUMBER" and not value.replace(" ", "")
                                                           .replace("-", "").isdigit()):
                    continue
                out.append(RecognizerResult(etype, m.start("value"), m.end("value"), self.SCORE, recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: type(self).__name__,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                }))
        return out
