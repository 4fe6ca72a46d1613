"""Person names in Polish and English text from name lexicons, honorifics and context words.

spaCy's small English model tags most Polish names as ORG or misses them; this recognizer closes that gap
without a model: a capitalised word that is a known first name followed by a surname (known, or with a Polish
surname ending), a surname followed by a first name, a capitalised word after an honorific ("Pan", "Pani",
"Mr", "Dr"), or a lone first name in a greeting or signature. Inflected Polish forms ("Anną Kowalską",
"Piotra Nowaka") are reduced to their nominative before the lexicon look-up.

The default lexicon comes from Faker's ``pl_PL`` and ``en_US`` name lists (see :func:`default_lexicon`); an
evaluation that generates names from the same lists must also report names held out of the lexicon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from presidio_analyzer import LocalRecognizer, RecognizerResult

from guardrails.pii.recognizers import LOWER, UPPER

_WORD = re.compile(rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?|[{UPPER}]['’][{UPPER}][{LOWER}]+")
_SURNAME_SUFFIX = re.compile(
    r"(?:ski|ska|cki|cka|dzki|dzka|wicz|owicz|ewicz|czyk|czak|ńczyk|iak|yak|ak|ek|uk|yk|ik|ko|arz|ło|an|ny|na"
    r"|skiego|skiej|skim|ską|skiemu|ckiego|ckiej|ckim|cką|wicza|czyka|aka|ka)$"
)
HONORIFICS = frozenset(
    ["pan", "pani", "panem", "panią", "pana", "panu", "państwo", "mr", "mrs", "ms", "miss", "mister", "dr", "doctor", "inż", "mgr", "prof", "sir", "madam"]
)
GREETING_CONTEXT = re.compile(
    r"(?i:(?:pozdrawiam|pozdrowienia|z poważaniem|dziękuję|dzięki|regards|best|cheers|thanks|thank you|"
    r"sincerely|dzień dobry|witam|cześć|hello|hi|hey|dear|z tej strony|nazywam się|my name is|this is|"
    r"i am|i'm|jestem|tu|kontakt|kontakt z|contact|osoba kontaktowa|contact person|podpisano|signed|odbierze|"
    r"odbiera|zamawia|zamawiający|kierownik\w*(?: budowy)?|w imieniu|attention|attn|ask for|buyer is|"
    r"customer is|from|od|dla|przez|by)[\s,:!.(-]*)$"
)
NAME_STOPWORDS = frozenset(
    ["dzień", "dobry", "proszę", "please", "thanks", "hello", "dear", "witam", "cześć", "pan", "pani", "mr", "mrs", "ms", "the", "this", "that", "we", "our", "your", "i", "you", "he", "she", "it", "they", "firma", "firmy", "company", "order", "zamówienie", "faktura", "invoice", "oferta", "offer", "poland", "polska", "warszawa", "kraków", "gdańsk", "wrocław", "poznań", "łódź", "katowice", "lublin", "szczecin", "bydgoszcz", "monday", "tuesday", "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień", "wrzesień", "październik", "listopad", "grudzień", "schneider", "legrand", "hager", "siemens", "eaton", "abb", "philips", "osram", "hi", "hey", "regards", "best", "thanks", "our", "we", "is", "are", "does", "do", "can", "could", "would", "will", "order", "delivery", "contact", "refund", "mobile", "call", "phone", "is", "czy", "nasz", "nasza", "nasze", "dane", "zamówienie", "dostawa", "reklamacja", "potrzebuję", "potrzebujemy", "przelew", "osoba", "numer", "mój", "moja", "pytam", "kierownik", "dziękuję", "pozdrawiam", "szukam", "mamy", "jest", "są", "electric", "electrical", "elektro", "energy", "energo", "group", "grupa", "team", "zespół", "sp", "spółka", "ltd", "inc", "gmbh", "acme", "instal", "bud", "mont", "tel", "email", "mail", "faktura", "vat", "regon", "nip", "pesel", "iban", "konto", "account", "street", "ulica", "aleja", "plac", "rondo", "osiedle", "ledvance", "kanlux", "spamel", "wago", "phoenix", "rittal", "ospel", "simon", "noark", "orno", "pawbol", "lapp", "helukabel", "nkt", "tele-fonika", "elektro-plast", "legrand", "volta", "acti"]
)
ORG_AFTER = re.compile(r"^\s*(?:sp\.|spółka|s\.a\.|sa\b|ltd|inc|gmbh|llc|plc|s\.c\.|group|grupa)", re.IGNORECASE)
STRONG_SURNAME = re.compile(r"(?:ski|ska|cki|cka|dzki|dzka|wicz|czyk|czak|ńczyk|iak|ak|ek|uk|yk|ik|ło|arz)$")

# Reverse a few Polish case endings to reach the nominative form stored in the lexicon.
_INFLECTIONS: tuple[tuple[str, str], ...] = (
    ("skiego", "ski"), ("skiemu", "ski"), ("skim", "ski"), ("skiej", "ska"), ("ską", "ska"),
    ("ckiego", "cki"), ("ckiemu", "cki"), ("ckim", "cki"), ("ckiej", "cka"), ("cką", "cka"),
    ("dzkiego", "dzki"), ("dzkiej", "dzka"), ("ą", "a"), ("y", "a"), ("i", "a"), ("ie", "a"), ("ę", "a"),
    ("em", ""), ("owi", ""), ("a", ""), ("u", ""), ("ego", "y"), ("iem", ""), ("ka", "ek"), ("kiem", "ek"),
    ("ku", "ek"), ("ce", "ka"), ("dze", "ga"),
)


@dataclass(frozen=True)
class NameLexicon:
    """Known first names and surnames, stored lower-case."""

    first: frozenset[str]
    last: frozenset[str]

    def without(self, first: Iterable[str] = (), last: Iterable[str] = ()) -> NameLexicon:
        """Return a copy without the given names (used to evaluate on held-out names)."""
        return NameLexicon(self.first - {f.lower() for f in first}, self.last - {x.lower() for x in last})


def feminine_surname(last: str) -> str:
    """Return the feminine form of a Polish surname ("Kowalski" -> "Kowalska"); other surnames unchanged."""
    for m, f in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if last.endswith(m):
            return last[: -len(m)] + f
    return last


def _faker_names(module: str) -> tuple[set[str], set[str]]:
    import importlib

    prov = importlib.import_module(f"faker.providers.person.{module}").Provider
    first: set[str] = set()
    last: set[str] = set()
    for attr in ("first_names", "first_names_male", "first_names_female"):
        first.update(getattr(prov, attr, ()) or ())
    for attr in ("last_names", "last_names_male", "last_names_female", "unisex_last_names", "male_last_names"):
        last.update(getattr(prov, attr, ()) or ())
    last |= {feminine_surname(n) for n in last}
    split_first = {part for name in first for part in name.split()}
    return split_first, last


@lru_cache(maxsize=1)
def common_capitalised() -> frozenset[str]:
    """Return capitalised words that are not names: Polish city names (Faker pl_PL) and the stoplist."""
    from faker.providers.address.pl_PL import Provider as Addr

    words = {p.lower() for city in getattr(Addr, "cities", ()) for p in city.replace("-", " ").split()}
    return frozenset(words) | NAME_STOPWORDS


@lru_cache(maxsize=1)
def default_lexicon() -> NameLexicon:
    """Return the lexicon built from Faker's pl_PL and en_US (plus en_GB) first-name and surname lists."""
    first: set[str] = set()
    last: set[str] = set()
    for module in ("pl_PL", "en_US", "en_GB"):
        f, la = _faker_names(module)
        first |= f
        last |= la
    stop = NAME_STOPWORDS
    last.discard("Doe")
    return NameLexicon(frozenset(n.lower() for n in first if n.lower() not in stop),
                       frozenset(n.lower() for n in last if n.lower() not in stop))


class PersonNameRecognizer(LocalRecognizer):
    """Presidio recognizer for PERSON based on a :class:`NameLexicon` and context; no model needed."""

    def __init__(self, lexicon: NameLexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        super().__init__(supported_entities=["PERSON"], supported_language="en", name="PersonNameRecognizer")

    def load(self) -> None:
        pass

    def _in(self, word: str, names: frozenset[str]) -> bool:
        w = word.lower()
        if w in names:
            return True
        if "-" in w:
            return all(self._in(p, names) for p in w.split("-"))
        for suffix, repl in _INFLECTIONS:
            if w.endswith(suffix) and len(w) - len(suffix) >= 2 and (w[: -len(suffix)] + repl) in names:
                return True
        return False

    def is_first(self, word: str) -> bool:
        """True when ``word`` (possibly inflected) is a known first name."""
        return word.lower() not in NAME_STOPWORDS and self._in(word, self.lexicon.first)

    def is_last(self, word: str) -> bool:
        """True when ``word`` is a known surname or looks like a Polish surname."""
        if word.lower() in NAME_STOPWORDS:
            return False
        return self._in(word, self.lexicon.last) or bool(_SURNAME_SUFFIX.search(word.lower()))

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        """Return PERSON results for name-like runs of capitalised words."""
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            span = self._match_at(text, words, i)
            if span is None:
                i += 1
                continue
            start, end, score, used = span
            results.append(RecognizerResult("PERSON", start, end, score, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,  # type: ignore[has-type]
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            }))
            i += used
        return results

    def _adjacent(self, text: str, words: list[tuple[int, int, str]], i: int) -> bool:
        """True when word ``i+1`` follows word ``i`` separated by one space only."""
        return i + 1 < len(words) and text[words[i][1]:words[i + 1][0]] == " "

    def _match_at(self, text: str, words: list[tuple[int, int, str]], i: int) -> tuple[int, int, float, int] | None:
        s, e, w = words[i]
        before = text[max(0, s - 40):s]
        prev_word = re.search(r"([\wąćęłńóśźż]+)\.?\s*$", before)
        after_honorific = bool(prev_word and prev_word.group(1).lower() in HONORIFICS)
        if w.lower() in HONORIFICS or w.lower() in NAME_STOPWORDS:
            return None
        cue = after_honorific or bool(GREETING_CONTEXT.search(before))
        if self.is_first(w):
            j = i
            # "Anna Maria Kowalska": further first names, then a surname
            while self._adjacent(text, words, j) and self.is_first(words[j + 1][2]) and j - i < 1:
                j += 1
            if self._adjacent(text, words, j) and self.is_last(words[j + 1][2]):
                j += 1
                return s, words[j][1], 0.9, j - i + 1
            if self._adjacent(text, words, i) and not self._common(words[i + 1][2]):
                return s, words[i + 1][1], 0.8 if cue else 0.6, 2
            if cue or re.match(r"\s+(?:z firmy|from|z\s)", text[e:e + 12]):
                return s, e, 0.75, 1
            return None
        if self.is_last(w) and self._adjacent(text, words, i) and self.is_first(words[i + 1][2]):
            return s, words[i + 1][1], 0.85, 2   # "Kowalska Anna"
        if after_honorific:
            if self._adjacent(text, words, i) and not self._common(words[i + 1][2]):
                return s, words[i + 1][1], 0.85, 2
            return s, e, 0.8 if self.is_last(w) else 0.65, 1
        pair = self._unknown_pair(text, words, i, before)
        if pair is None and self._in(w, self.lexicon.last) and GREETING_CONTEXT.search(before):
            return s, e, 0.6, 1
        return pair

    def _unknown_pair(self, text: str, words: list[tuple[int, int, str]], i: int, before: str
                      ) -> tuple[int, int, float, int] | None:
        """Two adjacent capitalised words, neither a common word: a name the lexicon does not know."""
        if not self._adjacent(text, words, i):
            return None
        w1, w2 = words[i][2], words[i + 1][2]
        if self._common(w1) or self._common(w2) or ORG_AFTER.match(text[words[i + 1][1]:words[i + 1][1] + 8]):
            return None
        if re.match(r"\s*[,:;.!?)(]|\s*$|\s+[a-ząćęłńóśźż(]", text[words[i + 1][1]:words[i + 1][1] + 3]) is None:
            return None   # a third capitalised word follows: more likely a company or a title
        score = 0.55
        if GREETING_CONTEXT.search(before):
            score = 0.8
        elif STRONG_SURNAME.search(w2.lower()) or STRONG_SURNAME.search(w1.lower()):
            score = 0.7
        return words[i][0], words[i + 1][1], score, 2

    def _common(self, word: str) -> bool:
        w = word.lower()
        return w in NAME_STOPWORDS or w in common_capitalised()

