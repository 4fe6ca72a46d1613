"""The PII masker: Presidio analyzer (our recognizers + spaCy NER where it helps) + anonymizer with placeholders.

Pipeline for one message:
1. Light NLP artefacts (spaCy tokenizer only, lower-cased tokens as lemmas) feed Presidio's context enhancer and
   every pattern recognizer; spaCy's NER model runs only when ``ner`` says so ("auto": English-looking text with
   capitalised words nothing else explained; Polish text skips it because the English model tags Polish names as
   ORG). It runs alone (no tagger, lemmatizer or tok2vec: the NER component has its own embedding layer).
2. Candidates that overlap a product token (:class:`ProductShield`) are dropped, unless the token came from a
   generic pattern and the candidate is strong (checksum-validated with a distinctive shape, or introduced by its
   own keyword). A catalogue code always wins.
3. Locations: a place tied to a person ("I live in X", part of an address) is masked; spaCy's other LOCATION
   findings only in a sentence about a person (a pronoun or a name), unless ``mask_locations`` says otherwise.
4. Overlaps are resolved (validated first, then context keyword, score, length); the anonymizer replaces each
   span with a per-conversation placeholder from the :class:`PiiVault`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel

from guardrails.pii.products import ProductShield, ProtectedSpan
from guardrails.pii.vault import PiiVault

NerMode = Literal["auto", "always", "never"]
LocationMode = Literal["personal", "all", "never"]

LABELS: dict[str, str] = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "PL_NIP": "NIP", "PL_REGON": "REGON",
    "PL_PESEL": "PESEL", "IBAN_CODE": "IBAN", "ADDRESS": "ADDRESS", "LOCATION": "LOCATION",
    "CREDIT_CARD": "CREDIT_CARD", "VAT_ID": "VAT", "NATIONAL_ID": "NATIONAL_ID", "UK_NHS": "NHS", "UK_NINO": "NINO",
    "US_SSN": "SSN", "US_ITIN": "ITIN", "ID_CARD": "ID_CARD", "PASSPORT": "PASSPORT",
    "DRIVER_LICENSE": "DRIVER_LICENSE", "US_BANK_NUMBER": "BANK_ACCOUNT", "MEDICAL_LICENSE": "MEDICAL_LICENSE",
    "IP_ADDRESS": "IP_ADDRESS", "MAC_ADDRESS": "MAC_ADDRESS", "URL": "URL", "CRYPTO": "CRYPTO", "DATE_TIME": "DATE",
    "UUID": "UUID",
}
"""Presidio entity type -> placeholder label (and the ``type`` reported by ``mask``)."""

STRONG = frozenset({"EMAIL_ADDRESS", "PL_NIP", "PL_REGON", "PL_PESEL", "IBAN_CODE", "VAT_ID", "CREDIT_CARD", "CRYPTO"})
"""Types that beat a generic product pattern when their score is ≥ 0.99: a checksum with a distinctive shape
(NIP, PESEL, REGON, IBAN, a country-prefixed VAT number, a card of 15+ digits, a Base58Check wallet). Any other
identifier beats it only when its own keyword introduced it (:data:`KEYED_RECOGNIZERS` at score ≥ 0.99)."""
KEYED_RECOGNIZERS = frozenset({"ChecksumIdRecognizer", "KeywordDocumentRecognizer"})
SHAPED = frozenset({"IP_ADDRESS", "MAC_ADDRESS", "URL", "UUID"})
"""Types whose shape no product token has: a generic pattern inside them ("1A" in "00:1A:2B:...") never hides them."""

_CONTEXT_KEY = re.compile(
    r"(?i)\b(?P<PHONE_NUMBER>tel|telefon\w*|phone|kom|komórk\w*|mobile|cell|fax|zadzwoń|call|numer|number)\b"
    r"|\b(?P<PL_REGON>regon)\b|\b(?P<PL_NIP>nip|vat)\b|\b(?P<PL_PESEL>pesel)\b|\b(?P<IBAN_CODE>iban|konto|konta|account)\b"
    r"|\b(?P<US_SSN>ssn|social security)\b|\b(?P<UK_NHS>nhs)\b|\b(?P<CREDIT_CARD>card|karta|karty|kartą)\b"
    r"|\b(?P<NATIONAL_ID>steuer-?id\w*|idnr|rodné|rodne|rč|рнокпп|іпн|rntrc|asmens)")
"""Keywords that say which identifier follows; the nearest one before a span breaks ties between types."""
_POLISH = re.compile(r"\b(?:się|jest|nie|proszę|dzień|dobry|czy|oraz|będzie|że|dla|witam|pozdrawiam|zamówieni\w*|"
                     r"faktur\w*|mam|mamy|potrzebuję|potrzebujemy|możecie|chciał\w*|dziękuję|jak|już|"
                     r"też|albo|lub|przez|przy|pod|nad|jeszcze|tylko|bardzo|sztuk|kabel|kabla|dostaw\w*)\b",
                     re.IGNORECASE)
"""Polish function words: a Polish message skips spaCy's English NER (a diacritic alone, as in a foreign
name inside an English message, does not count)."""


@lru_cache(maxsize=1)
def _stop_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Return (Polish-only, English-only, English) stop words of spaCy's language data."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.pl.stop_words import STOP_WORDS as PL

    return frozenset(PL - EN), frozenset(EN - PL), frozenset(EN)


_POLISH_LOWER_WORD = re.compile(r"(?<![\w-])[a-ząćęłńóśźż]*[ąćęłńśźż][a-ząćęłńóśźż]*(?![\w-])")
"""A lower-case word with a Polish letter ("białe"): names are capitalised, so this is Polish text."""


def _is_polish(text: str) -> bool:
    """True when the message is Polish: more Polish-only than English-only stop words, or any listed Polish word
    (a message mixing both languages counts as Polish: the English model would tag its Polish names as ORG)."""
    pl, en, _ = _stop_words()
    words = re.findall(r"\w+", text.lower())
    n_pl = sum(w in pl for w in words)
    n_en = sum(w in en for w in words)
    return n_pl > n_en or bool(_POLISH.search(text)) or bool(_POLISH_LOWER_WORD.search(text))


_CAPWORD = re.compile(r"\b[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻ][a-zà-öø-ÿąćęłńóśźż]{2,}\b")
_SENTENCE_START_WORDS = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "there", "here", "please", "hello", "hi", "hey", "dear", "thanks", "thank", "we", "i", "you", "he", "she", "it", "they", "our", "my", "your", "is", "are", "was", "were", "do", "does", "did", "can", "could", "would", "will", "shall", "should", "may", "might", "what", "when", "where", "who", "why", "how", "and", "but", "or", "so", "if", "yes", "no", "ok", "okay", "good", "great", "sorry", "also", "just", "then", "now", "today", "tomorrow", "yesterday", "sure"])
_PRONOUN = re.compile(r"(?i)\b(?:i|i'm|i've|me|my|mine|we|we're|our|us|he|he's|she|she's|his|her|him|they|their|"
                      r"them|you|your)\b")
_SPACY = "SpacyRecognizer"


class EntitySpan(BaseModel):
    """One masked span: its type label and offsets in the *input* text."""

    type: str
    start: int
    end: int


class MaskResult(BaseModel):
    """The masked text and the spans that were replaced (offsets refer to the original text)."""

    text: str
    entities: list[EntitySpan]


@dataclass(frozen=True)
class Detection:
    """A resolved PII finding: Presidio type, offsets, score and the matched text (server-side only)."""

    entity_type: str
    start: int
    end: int
    score: float
    value: str

    @property
    def label(self) -> str:
        """The placeholder label (PERSON, EMAIL, PHONE, NIP, ...)."""
        return LABELS.get(self.entity_type, self.entity_type)


def _all_common(span: str) -> bool:
    """True when every word of a PERSON candidate is a brand, a city or a common word ("Schneider Electric")."""
    from guardrails.pii.names import common_capitalised

    words = [w for w in re.findall(r"\w+", span.lower()) if not any(c.isdigit() for c in w)]
    return bool(words) and all(w in common_capitalised() for w in words)


def _inside_longer_number(text: str, r: Any) -> bool:
    """True for a card-number candidate that is only a piece of a longer digit run (an invalid IBAN, an order)."""
    if r.entity_type != "CREDIT_CARD":
        return False
    return bool(re.match(r"[\s-]?\d", text[r.end:r.end + 2]) or re.search(r"\d[\s-]?$", text[max(0, r.start - 2):r.start]))


def _from(r: Any, recognizer: str) -> bool:
    return bool(r.recognition_metadata and r.recognition_metadata.get("recognizer_name") == recognizer)


def _strong(text: str, r: Any) -> bool:
    """True when a candidate may beat a generic product pattern (see :data:`STRONG` and :data:`SHAPED`)."""
    if r.entity_type in SHAPED:
        return True
    if r.score < 0.99:
        return False
    if r.entity_type not in STRONG:
        return any(_from(r, name) for name in KEYED_RECOGNIZERS)
    if r.entity_type == "CREDIT_CARD":   # a 13/14-digit "card" is more often an EAN/GTIN than a real card
        return sum(c.isdigit() for c in text[r.start:r.end]) >= 15
    return True


def _union_same_type(results: list[Any]) -> list[Any]:
    """Merge overlapping candidates of one type into their union (spaCy's "Adrian" + our "Adrian Nowak")."""
    from presidio_analyzer import RecognizerResult

    out: list[Any] = []
    for r in sorted(results, key=lambda r: (r.entity_type, r.start)):
        prev = out[-1] if out else None
        if prev is not None and prev.entity_type == r.entity_type and r.start < prev.end:
            meta = prev.recognition_metadata if prev.score >= r.score else r.recognition_metadata
            out[-1] = RecognizerResult(r.entity_type, prev.start, max(prev.end, r.end), max(prev.score, r.score),
                                       recognition_metadata=meta)
        else:
            out.append(r)
    return out


def _sentence_initial(text: str, start: int) -> bool:
    return not text[:start].strip() or text[:start].rstrip()[-1] in ".!?\n:"


def _first_line(text: str, r: Any) -> Any:
    """Cut a spaCy entity at its first line break ("Andrea Nijeboer\nExperian" is a name and a company)."""
    cut = text.find("\n", r.start, r.end)
    if cut < 0:
        return r
    end = len(text[r.start:cut].rstrip()) + r.start
    r.end = max(end, r.start + 1)
    return r


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    rights = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return left, min(rights) if rights else len(text)


class PiiMasker:
    """Masks personal data in chat text while keeping product codes verbatim. Build with ``build_masker``."""

    def __init__(self, analyzer: Any, anonymizer: Any, shield: ProductShield, *, ner: NerMode = "auto",
                 score_threshold: float = 0.5, mask_locations: bool | LocationMode = "personal") -> None:
        self.analyzer = analyzer
        self.anonymizer = anonymizer
        self.shield = shield
        self.ner: NerMode = ner
        self.score_threshold = score_threshold
        self.locations: LocationMode = ("all" if mask_locations is True else "never" if mask_locations is False
                                        else mask_locations)
        self._nlp_engine = analyzer.nlp_engine
        self._nlp = self._nlp_engine.nlp["en"]
        self._tokenizer = self._nlp.tokenizer
        self.entities = [e for e in LABELS if self.locations != "never" or e != "LOCATION"]
        self.stats = {"messages": 0, "ner_runs": 0}

    # --- analysis -------------------------------------------------------------------------------------------

    def _artifacts(self, doc: Any) -> Any:
        """Presidio's NLP artefacts from a tokenized doc: token texts (what the context enhancer reads: their
        lengths), offsets and lower-cased tokens as lemmas, built from arrays instead of spaCy Token objects."""
        from presidio_analyzer.nlp_engine import NlpArtifacts
        from spacy.attrs import IDX, LENGTH

        text = doc.text
        offsets = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        words = [text[i:i + n] for i, n in offsets]
        return NlpArtifacts(entities=list(doc.ents), tokens=words,  # type: ignore[arg-type]
                            tokens_indices=[i for i, _ in offsets],
                            lemmas=[w.lower() for w in words], nlp_engine=self._nlp_engine, language="en")

    def _analyze(self, text: str, artifacts: Any, entities: list[str]) -> list[Any]:
        results: list[Any] = self.analyzer.analyze(
            text=text, language="en", entities=entities, nlp_artifacts=artifacts,
            score_threshold=self.score_threshold, regex_flags=re.DOTALL | re.MULTILINE)
        return results

    def _wants_ner(self, text: str, found: list[Detection], protected: list[ProtectedSpan]) -> bool:
        if self.ner == "never":
            return False
        if self.ner == "always":
            return True
        if _is_polish(text):
            return False
        from guardrails.pii.lexicon import common_words

        covered = [(d.start, d.end) for d in found] + [(p.start, p.end) for p in protected]
        common = common_words()
        for m in _CAPWORD.finditer(text):
            word = m.group().lower()
            if word in _SENTENCE_START_WORDS or word in _stop_words()[2] or word in common:
                continue   # "Regards", "Mobile", "Delivery", "Osoba": nothing for NER to find
            if not any(s <= m.start() < e for s, e in covered):
                return True
        return False

    def detect(self, text: str) -> list[Detection]:
        """Return the resolved PII findings in ``text`` (no masking), sorted by position."""
        self.stats["messages"] += 1
        protected = self.shield.spans(text)
        raw = self._analyze(text, self._artifacts(self._tokenizer(text)), self.entities)
        found = self._resolve(text, raw, protected)
        if self._wants_ner(text, found, protected):
            # second pass only for what NER adds (PERSON, LOCATION): the pattern recognizers already ran
            self.stats["ner_runs"] += 1
            doc = self._nlp(text)   # the engine has only its NER component enabled (load_nlp_engine)
            ner_types: list[str] = [e for e in ("PERSON", "LOCATION") if e in self.entities]
            extra = [_first_line(text, r) for r in self._analyze(text, self._artifacts(doc), ner_types)
                     if _from(r, _SPACY)]
            found = self._resolve(text, raw + extra, protected)
        return found

    def _shielded(self, text: str, r: Any, protected: list[ProtectedSpan]) -> bool:
        overlap = [p for p in protected if p.start < r.end and r.start < p.end]
        if not overlap:
            return False
        if any(p.from_catalogue for p in overlap):
            return True
        if _strong(text, r):
            return False
        covered: set[int] = set()
        for p in overlap:
            covered.update(range(max(p.start, r.start), min(p.end, r.end)))
        return bool(len(covered) * 2 >= (r.end - r.start))

    def _keep(self, text: str, r: Any, results: list[Any]) -> bool:
        """Type-specific filters: spaCy's lower-case names, brand-only names, locations outside a personal context."""
        value = text[r.start:r.end]
        if r.entity_type in ("PERSON", "LOCATION") and _from(r, _SPACY) and (
                value.islower() or any(c.isdigit() for c in value)):
            return False   # spaCy's "biorę 25" or "Suite 12" is no name
        if r.entity_type == "PERSON" and _all_common(value):
            return False
        if r.entity_type == "PERSON" and _from(r, _SPACY) and " " not in value and _sentence_initial(text, r.start):
            from guardrails.pii.lexicon import ambiguous_first_names

            if value.lower() in ambiguous_first_names():
                return False   # "Mark the order as urgent", "Will you ...": a verb, not a name
        if r.entity_type == "LOCATION" and _from(r, _SPACY) and self.locations == "personal":
            return self._personal_place(text, r, results)
        return True

    @staticmethod
    def _personal_place(text: str, r: Any, results: list[Any]) -> bool:
        """True for a place next to an address or in a sentence about a person (a pronoun or a name in it)."""
        for o in results:
            if o.entity_type == "ADDRESS" and (0 <= r.start - o.end <= 3 or 0 <= o.start - r.end <= 3
                                               or (o.start <= r.start and r.end <= o.end)):
                return True
        s, e = _sentence(text, r.start, r.end)
        if _PRONOUN.search(text[s:e]):
            return True
        return any(o.entity_type == "PERSON" and s <= o.start < e for o in results)

    @staticmethod
    def _series_name(text: str, r: Any, protected: list[ProtectedSpan]) -> bool:
        """A one-word name from weak evidence (alone, or spaCy's) right next to a product token is a series or a
        brand ("Lena 40W", "Aria GZU-WH", "Brady etykiety 25 szt.")."""
        if r.entity_type != "PERSON" or (r.score > 0.6 and not _from(r, _SPACY)) or " " in text[r.start:r.end].strip():
            return False
        return any(0 <= p.start - r.end <= 12 or 0 <= r.start - p.end <= 12 for p in protected)

    def _resolve(self, text: str, results: list[Any], protected: list[ProtectedSpan]) -> list[Detection]:
        cands = [r for r in results if r.entity_type in self.entities and not self._shielded(text, r, protected)
                 and not self._series_name(text, r, protected)]
        cands = [r for r in cands if self._keep(text, r, cands)]
        cands = [r for r in _union_same_type(cands) if not _inside_longer_number(text, r)]

        def rank(r: Any) -> tuple[int, int, float, int]:
            hits = list(_CONTEXT_KEY.finditer(text[max(0, r.start - 30):r.start]))
            ctx = 1 if hits and hits[-1].lastgroup == r.entity_type else 0
            score = r.score
            if r.entity_type == "PL_REGON" and not ctx and r.end - r.start <= 11:
                score = min(score, 0.6)   # a bare 9-digit number is more often a phone than a REGON
            # a checksum-validated identifier beats anything weaker, whatever the context words say
            validated = 1 if _strong(text, r) and score >= 0.99 and r.entity_type not in SHAPED else 0
            return (-validated, -ctx, -round(score, 3), -(r.end - r.start))

        kept: list[Any] = []
        for r in sorted(cands, key=rank):
            over = [k for k in kept if k.start < r.end and r.start < k.end]
            if not over:
                kept.append(r)
            elif all(r.start <= k.start and k.end <= r.end and k.end - k.start < r.end - r.start
                     and not _strong(text, k) for k in over):
                # a longer finding around weaker ones wins ("Askelund" inside "57 Askelund 1, Boeslunde"): keeping
                # the short one would leave the rest of the address in clear
                kept = [k for k in kept if k not in over] + [r]
        kept.sort(key=lambda r: r.start)
        merged: list[Detection] = []
        for r in kept:
            prev = merged[-1] if merged else None
            if (prev is not None and prev.entity_type == r.entity_type == "ADDRESS"
                    and re.fullmatch(r"\s*[,\n]?\s*", text[prev.end:r.start])):
                merged[-1] = Detection("ADDRESS", prev.start, r.end, max(prev.score, r.score), text[prev.start:r.end])
                continue
            merged.append(Detection(r.entity_type, r.start, r.end, r.score, text[r.start:r.end]))
        return merged

    # --- masking --------------------------------------------------------------------------------------------

    def mask(self, text: str, vault: PiiVault | None = None) -> MaskResult:
        """Return ``text`` with PII replaced by placeholders from ``vault`` (a fresh one when None)."""
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

        vault = vault if vault is not None else PiiVault()
        found = self.detect(text)
        if not found:
            return MaskResult(text=text, entities=[])
        for d in found:  # number placeholders in order of appearance
            vault.placeholder_for(d.label, d.value)
        operators = {
            d.entity_type: OperatorConfig("custom", {"lambda": (lambda v, _lab=d.label: vault.placeholder_for(_lab, v))})
            for d in found
        }
        res = self.anonymizer.anonymize(
            text=text, analyzer_results=[RecognizerResult(d.entity_type, d.start, d.end, d.score) for d in found],
            operators=operators,
        )
        return MaskResult(text=res.text, entities=[EntitySpan(type=d.label, start=d.start, end=d.end) for d in found])

    def mask_many(self, texts: list[str], vault: PiiVault | None = None) -> list[MaskResult]:
        """Mask several texts in order (one vault for all when given, else one fresh vault per text)."""
        return [self.mask(t, vault) for t in texts]

    def __repr__(self) -> str:
        return f"PiiMasker(ner={self.ner!r}, known_codes={len(self.shield.known_codes)})"
