"""Person names in any case, with or without diacritics, from name lexicons, honorifics and context words.

spaCy's small English model tags most Polish names as ORG or misses them; this recognizer closes that gap
without a model: a capitalised word that is a known first name followed by a surname (known, or with a Polish
surname ending), a surname followed by a first name, a capitalised word after an honorific ("Pan", "Pani",
"Mr", "Dr"), or a lone first name in a greeting or signature. Inflected Polish forms ("Anną Kowalską",
"Piotra Nowaka") are reduced to their nominative before the lexicon look-up; folded forms ("Lukasz Wojcik")
match the written ones. The same rules run on names in capitals ("JAN KOWALSKI", lexicon-backed only), and
lower-case names are found as a known first name plus a surname or an unknown word ("jan kowalski", "matthew
pušaver") or after a strong cue ("my name is olena"). A known first name that is no common word counts alone
("Georgina", "Why is Alena ..."), and so does every item of a list of names once one item is a name.

The default lexicon comes from Faker's name lists of many locales (:mod:`guardrails.pii.lexicon`); an
evaluation that generates names from the same lists must also report names held out of the lexicon.
"""

from __future__ import annotations

from typing import Any

import regex as re
from presidio_analyzer import LocalRecognizer, RecognizerResult

from guardrails.pii.lexicon import (
    NAME_STOPWORDS,
    NameLexicon,
    ambiguous_first_names,
    common_capitalised,
    common_words,
    default_lexicon,
    feminine_surname,
    fold,
    stop_words,
)

_WORD = re.compile(r"\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?|\p{Lu}['’]\p{Lu}\p{Ll}+")
_UPPER_WORD = re.compile(r"(?<![\w-])\p{Lu}{2,}(?:-\p{Lu}{2,})?(?![\w-])")
_LOWER_WORD = re.compile(r"(?<![\w-])\p{Ll}{2,}(?:-\p{Ll}{2,})?(?![\w-])")
_LIST = re.compile(r"\p{Lu}\p{Ll}+(?:,\s+\p{Lu}\p{Ll}+)*,?\s+(?:and|i|oraz|und|a|or)\s+\p{Lu}\p{Ll}+")
_LETTERS = re.compile(r"[\p{L}'’-]+")
_CAP_ITEM = re.compile(r"\p{Lu}\p{Ll}+")
_PREV_WORD = re.compile(r"([\wąćęłńóśźż]+)\.?\s*$")
_FROM_AFTER = re.compile(r"\s+(?:z firmy|from|z\s)")
_PAIR_END = re.compile(r"\s*[,:;.!?)(]|\s*$|\s+[a-ząćęłńóśźż(]")
_SURNAME_SUFFIX = re.compile(
    r"(?:ski|ska|cki|cka|dzki|dzka|wicz|owicz|ewicz|czyk|czak|ńczyk|iak|yak|ak|ek|uk|yk|ik|ko|arz|ło|an|ny|na"
    r"|skiego|skiej|skim|ską|skiemu|ckiego|ckiej|ckim|cką|wicza|czyka|aka|ka)$"
)
HONORIFICS = frozenset(
    ["pan", "pani", "panem", "panią", "pana", "panu", "państwo", "mr", "mrs", "ms", "miss", "mister", "dr", "doctor", "inż", "mgr", "prof", "sir", "madam"]
)
STRONG_CUE = re.compile(
    r"(?i:(?:my name is|name is|nazywam się|mam na imię|z tej strony|this is|it's|i am|i'm|jestem|tu|mówi|"
    r"pozdrawiam|pozdrowienia|regards|cheers|thanks|dzięki|dziękuję|signed|podpisano|user|name|imię i nazwisko|"
    r"mein name ist|ich bin|jmenuji se|volám sa|мене звати|mano vardas)[\s,:!.(-]*)$")
"""Cues strong enough for a name written in lower case ("tu jan kowalski", "my name is olena")."""
GREETING_CONTEXT = re.compile(
    r"(?i:(?:pozdrawiam|pozdrowienia|z poważaniem|dziękuję|dzięki|regards|best|cheers|thanks|thank you|"
    r"sincerely|dzień dobry|witam|cześć|hello|hi|hey|dear|z tej strony|nazywam się|my name is|this is|"
    r"i am|i'm|jestem|tu|kontakt|kontakt z|contact|osoba kontaktowa|contact person|podpisano|signed|odbierze|"
    r"odbiera|zamawia|zamawiający|kierownik\w*(?: budowy)?|w imieniu|attention|attn|ask for|buyer is|"
    r"customer is|from|od|dla|przez|by)[\s,:!.(-]*)$"
)
VIEW_CUE = re.compile(
    r"(?i:(?:pozdrawiam|pozdrowienia|z poważaniem|dziękuję|dzięki|regards|best regards|kind regards|cheers|thanks|"
    r"thank you|sincerely|dear|z tej strony|nazywam się|mam na imię|my name is|name is|this is|it's|i am|i'm|"
    r"jestem|tu|mówi|kontakt z|contact|osoba kontaktowa|contact person|podpisano|signed|odbierze|odbiera|zamawia|"
    r"zamawiający|w imieniu|attention|attn|ask for|buyer is|customer is|pan|pani|panem|panią|pana|panu|mr|mrs|ms|"
    r"dr|user|name)[\s,:!.(-]*)$")
"""Cues for a name in lower case or capitals that the lexicon does not know (no bare prepositions: "dla nowej
budowy" is no name)."""
VIEW_CUE_ANY = re.compile(VIEW_CUE.pattern.replace(")$", ")").replace("(?i:(?:", "(?i:(?<!\\w)(?:", 1))
VIEW_SURNAME = re.compile(r"(?:ski|ska|cki|cka|dzki|dzka|wicz|czyk|enko|chuk|auskas|ienė|iene|aitė|aite|ytė|yte|ová)$")
"""Surname endings distinctive enough to count without a cue in lower case or capitals ("kacper tomaszewski")."""
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


class PersonNameRecognizer(LocalRecognizer):
    """Presidio recognizer for PERSON based on a :class:`NameLexicon` and context; no model needed."""

    def __init__(self, lexicon: NameLexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        self._ambiguous = ambiguous_first_names()
        self._common_words = common_words()
        self._stop = stop_words()
        self._cache: dict[tuple[str, bool], bool] = {}
        super().__init__(supported_entities=["PERSON"], supported_language="en", name="PersonNameRecognizer")

    def load(self) -> None:
        """Nothing to load (the lexicon is built in ``__init__``)."""

    def _in(self, word: str, names: frozenset[str]) -> bool:
        key = (word, names is self.lexicon.first)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._lookup(word, names)
            if len(self._cache) > 100_000:
                self._cache.clear()
        return hit

    def _lookup(self, word: str, names: frozenset[str]) -> bool:
        w = word.lower()
        if w in names or fold(w) in names:
            return True
        if "-" in w:
            return all(self._lookup(p, names) for p in w.split("-"))
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

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult("PERSON", start, end, score, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,  # type: ignore[has-type]
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        })

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Return PERSON results: capitalised names, then names in capitals, in lower case, alone and in lists."""
        results = self._capitalised(text)
        results += self._upper(text)
        results += self._view(text, _LOWER_WORD)
        results += self._lower(text)
        results += self._lone_first_names(text, results)
        results += self._lists(text, results)
        return results

    def _capitalised(self, text: str) -> list[RecognizerResult]:
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        results: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            span = self._match_at(text, words, i)
            if span is None:
                i += 1
                continue
            start, end, score, used = span
            results.append(self._result(start, end, score))
            i += used
        return results

    def _upper(self, text: str) -> list[RecognizerResult]:
        """Names in capitals ("JAN KOWALSKI", "ZAMAWIA VILIUS ŽUKAUSKAS"): see :meth:`_view`."""
        return self._view(text, _UPPER_WORD)

    def _view(self, text: str, word_re: Any) -> list[RecognizerResult]:
        """Run the capitalised rules on a copy with ``word_re``'s words title-cased (same offsets).

        A result must touch one of those words and either be backed by the lexicon (a known first name or
        surname) or follow a :data:`VIEW_CUE`, with no word of it a common word: "YDY PVC" or "kabel zielony" is
        no name, "VILIUS ŽUKAUSKAS" after "Zamawia" is.
        """
        runs = list(word_re.finditer(text))
        if not runs:
            return []
        lex = self.lexicon
        cue_ends = {m.end() for m in VIEW_CUE_ANY.finditer(text)}
        hot = [k for k, m in enumerate(runs)
               if (w := m.group().lower()) in lex.first or w in lex.last or (f := fold(w)) in lex.first
               or f in lex.last or VIEW_SURNAME.search(w) or m.start() in cue_ends
               or (w.endswith(("ą", "ę", "owi", "iem")) and self._in(w, lex.first))]
        if not hot:
            return []
        chosen = sorted({j for k in hot for j in (k - 1, k, k + 1) if 0 <= j < len(runs)})
        runs = [runs[j] for j in chosen]
        chars = list(text)
        for m in runs:
            chars[m.start():m.end()] = list(m.group().title())
        view = "".join(chars)
        inside = [(m.start(), m.end()) for m in runs]
        out = []
        for r in self._capitalised(view):
            if not any(s <= r.start < e for s, e in inside):
                continue
            words = [w.lower() for w in _LETTERS.findall(text[r.start:r.end])]
            common = [self._is_common(w) for w in words]
            if all(common) or any(w in NAME_STOPWORDS or w in self._stop or w in self._ambiguous for w in words):
                continue
            lex = self.lexicon
            backed = any(self._exact(w, lex.first) or self._exact(w, lex.last) for w in words) or (
                any(w.endswith(("ą", "ę", "owi", "iem")) and self._in(w, lex.first) for w in words))
            if backed and r.score >= 0.75:
                out.append(r)
            elif not any(common) and ((len(words) >= 2 and VIEW_SURNAME.search(words[-1]))
                                      or VIEW_CUE.search(text[max(0, r.start - 30):r.start])):
                out.append(r)   # a name the lexicon does not know: only words no word list knows
        return out

    def _lower(self, text: str) -> list[RecognizerResult]:
        """Names in lower case ("jan kowalski", "anną nowak", "matthew pušaver"; "tu olena" after a strong cue).

        A known first name (not one that is also an English word, such as "will" or "mark") followed by a known
        surname, a Polish surname ending or a word no word list knows; or a known first name right after a
        strong cue ("my name is", "nazywam się", "pozdrawiam").
        """
        words = [(m.start(), m.end(), m.group()) for m in _LOWER_WORD.finditer(text)]
        out: list[RecognizerResult] = []
        i = 0
        while i < len(words):
            s, e, w = words[i]
            first = w not in self._ambiguous and w not in NAME_STOPWORDS and (
                self._exact(w, self.lexicon.first)
                or (w.endswith(("ą", "ę", "owi", "iem")) and self.is_first(w)))   # "any" must not reach "ana"
            if not first:
                i += 1
                continue
            nxt = words[i + 1] if i + 1 < len(words) and text[e:words[i + 1][0]] == " " else None
            if nxt is not None and self._lower_surname(nxt[2]):
                out.append(self._result(s, nxt[1], 0.8))
                i += 2
                continue
            if STRONG_CUE.search(text[max(0, s - 30):s]):
                out.append(self._result(s, e, 0.7))
            i += 1
        return out

    @staticmethod
    def _exact(word: str, names: frozenset[str]) -> bool:
        return word in names or fold(word) in names

    def _is_common(self, word: str) -> bool:
        """True for an ordinary word, also in its English -s/-es/-ed/-ing/-ly forms ("appears", "incorrectly")."""
        cw = self._common_words
        if word in cw or fold(word) in cw:
            return True
        for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                             ("ing", "e"), ("ly", ""), ("ily", "y")):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3 and word[: -len(suffix)] + repl in cw:
                return True
        return False

    def _lower_surname(self, word: str) -> bool:
        if word in NAME_STOPWORDS or word in self._ambiguous:
            return False
        if self._in(word, self.lexicon.last):
            return True
        if self._is_common(word):
            return False
        return bool(_SURNAME_SUFFIX.search(word)) or len(word) >= 4

    def _lone_first_names(self, text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """A capitalised known first name on its own ("Georgina", "Why is Alena ...") that is no common word."""
        out: list[RecognizerResult] = []
        for m in _WORD.finditer(text):
            if any(r.start <= m.start() < r.end for r in found):
                continue
            w = m.group().lower()
            if (w in self._ambiguous or w in NAME_STOPWORDS or w in common_capitalised() or "-" in w
                    or not (w in self.lexicon.first or fold(w) in self.lexicon.first)):
                continue   # exact forms only: "Marka" (a brand, in Polish) must not reach "Marek" by inflection
            if ORG_AFTER.match(text[m.end():m.end() + 8]):
                continue
            out.append(self._result(m.start(), m.end(), 0.6))
        return out

    def _lists(self, text: str, found: list[RecognizerResult]) -> list[RecognizerResult]:
        """Every item of "Kovalev, Lee and Phillips" once one item is a name and the others are no common words."""
        out: list[RecognizerResult] = []
        for m in _LIST.finditer(text):
            items = [(w.start(), w.end(), w.group()) for w in _CAP_ITEM.finditer(m.group())]
            items = [(s + m.start(), e + m.start(), w) for s, e, w in items]
            named = [it for it in items if any(r.start <= it[0] < r.end for r in found)]
            if not named:
                continue
            for s, e, w in items:
                low = w.lower()
                if _inside(s, found) or low in self._common_words or low in NAME_STOPWORDS:
                    continue
                out.append(self._result(s, e, 0.6))
        return out

    def _adjacent(self, text: str, words: list[tuple[int, int, str]], i: int) -> bool:
        """True when word ``i+1`` follows word ``i`` separated by one space only."""
        return i + 1 < len(words) and text[words[i][1]:words[i + 1][0]] == " "

    def _match_at(self, text: str, words: list[tuple[int, int, str]], i: int) -> tuple[int, int, float, int] | None:
        s, e, w = words[i]
        before = text[max(0, s - 40):s]
        prev_word = _PREV_WORD.search(before)
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
            if cue or _FROM_AFTER.match(text[e:e + 12]):
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
        if _PAIR_END.match(text[words[i + 1][1]:words[i + 1][1] + 3]) is None:
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


def _inside(start: int, found: list[RecognizerResult]) -> bool:
    """True when ``start`` lies inside one of ``found``."""
    return any(r.start <= start < r.end for r in found)


__all__ = ["NAME_STOPWORDS", "NameLexicon", "PersonNameRecognizer", "common_capitalised", "default_lexicon",
           "feminine_surname"]

