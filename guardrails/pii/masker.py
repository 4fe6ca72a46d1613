"""The PII masker: Presidio analyzer (our recognizers + spaCy NER where it helps) + anonymizer with placeholders.

Pipeline for one message:
1. Light NLP artefacts (spaCy tokenizer only, lower-cased lemmas) feed Presidio's context enhancer; the full
   spaCy model runs only when ``ner`` says so ("auto": English-looking text with capitalised words nothing else
   explained; Polish text skips it because the English model tags Polish names as ORG).
2. Candidates that overlap a product token (:class:`ProductShield`) are dropped, unless checksum-validated and
   the token came from a generic pattern (a catalogue code always wins).
3. Overlaps are resolved (score, then context keyword, then length); the anonymizer replaces each span with a
   per-conversation placeholder from the :class:`PiiVault`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from guardrails.pii.products import ProductShield, ProtectedSpan
from guardrails.pii.vault import PiiVault

NerMode = Literal["auto", "always", "never"]

LABELS: dict[str, str] = {
    "PERSON": "PERSON", "EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "PL_NIP": "NIP", "PL_REGON": "REGON",
    "PL_PESEL": "PESEL", "IBAN_CODE": "IBAN", "ADDRESS": "ADDRESS", "LOCATION": "LOCATION",
    "CREDIT_CARD": "CREDIT_CARD",
}
"""Presidio entity type -> placeholder label (and the ``type`` reported by ``mask``)."""

STRONG = frozenset({"EMAIL_ADDRESS", "PL_NIP", "PL_REGON", "PL_PESEL", "IBAN_CODE"})
"""Types validated by a checksum or a strict format: they beat a generic product pattern."""

_CONTEXT_KEY = re.compile(
    r"(?i)\b(?P<PHONE_NUMBER>tel|telefon\w*|phone|kom|komórk\w*|mobile|cell|fax|zadzwoń|call|numer|number)\b"
    r"|\b(?P<PL_REGON>regon)\b|\b(?P<PL_NIP>nip|vat)\b|\b(?P<PL_PESEL>pesel)\b|\b(?P<IBAN_CODE>iban|konto|konta|account)\b")
"""Keywords that say which identifier follows; the nearest one before a span breaks ties between types."""
_POLISH = re.compile(r"\b(?:się|jest|nie|proszę|dzień|dobry|czy|oraz|będzie|że|dla|witam|pozdrawiam|zamówieni\w*|"
                     r"faktur\w*|mam|mamy|potrzebuję|potrzebujemy|możecie|chciał\w*|dziękuję|jak|już|"
                     r"też|albo|lub|przez|przy|pod|nad|jeszcze|tylko|bardzo|sztuk|kabel|kabla|dostaw\w*)\b",
                     re.IGNORECASE)
"""Polish function words: a Polish message skips spaCy's English NER (a diacritic alone, as in a foreign
name inside an English message, does not count)."""
_CAPWORD = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


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


def _union_same_type(results: list[Any]) -> list[Any]:
    """Merge overlapping candidates of one type into their union (spaCy's "Adrian" + our "Adrian Nowak")."""
    from presidio_analyzer import RecognizerResult

    out: list[Any] = []
    for r in sorted(results, key=lambda r: (r.entity_type, r.start)):
        prev = out[-1] if out else None
        if prev is not None and prev.entity_type == r.entity_type and r.start < prev.end:
            out[-1] = RecognizerResult(r.entity_type, prev.start, max(prev.end, r.end), max(prev.score, r.score))
        else:
            out.append(r)
    return out


class PiiMasker:
    """Masks personal data in chat text while keeping product codes verbatim. Build with ``build_masker``."""

    def __init__(self, analyzer: Any, anonymizer: Any, shield: ProductShield, *, ner: NerMode = "auto",
                 score_threshold: float = 0.5, mask_locations: bool = False) -> None:
        self.analyzer = analyzer
        self.anonymizer = anonymizer
        self.shield = shield
        self.ner: NerMode = ner
        self.score_threshold = score_threshold
        self._nlp_engine = analyzer.nlp_engine
        self._tokenizer = self._nlp_engine.nlp["en"].tokenizer
        self.entities = [e for e in LABELS if mask_locations or e != "LOCATION"]
        self.stats = {"messages": 0, "ner_runs": 0}

    # --- analysis -------------------------------------------------------------------------------------------

    def _light_artifacts(self, text: str) -> Any:
        from presidio_analyzer.nlp_engine import NlpArtifacts

        doc = self._tokenizer(text)
        return NlpArtifacts(entities=[], tokens=doc, tokens_indices=[t.idx for t in doc],
                            lemmas=[t.text.lower() for t in doc], nlp_engine=self._nlp_engine, language="en")

    def _analyze(self, text: str, artifacts: Any) -> list[Any]:
        return self.analyzer.analyze(text=text, language="en", entities=self.entities, nlp_artifacts=artifacts,
                                     score_threshold=self.score_threshold, regex_flags=re.DOTALL | re.MULTILINE)

    def _wants_ner(self, text: str, found: list[Detection], protected: list[ProtectedSpan]) -> bool:
        if self.ner == "never":
            return False
        if self.ner == "always":
            return True
        if _POLISH.search(text):
            return False
        covered = [(d.start, d.end) for d in found] + [(p.start, p.end) for p in protected]
        for m in _CAPWORD.finditer(text):
            if not any(s <= m.start() < e for s, e in covered):
                return True
        return False

    def detect(self, text: str) -> list[Detection]:
        """Return the resolved PII findings in ``text`` (no masking), sorted by position."""
        self.stats["messages"] += 1
        protected = self.shield.spans(text)
        raw = self._analyze(text, self._light_artifacts(text))
        found = self._resolve(text, raw, protected)
        if self._wants_ner(text, found, protected):
            # second pass only for what NER adds (PERSON, LOCATION): the pattern recognizers already ran
            self.stats["ner_runs"] += 1
            full = self._nlp_engine.process_text(text, "en")
            ner_types = [e for e in ("PERSON", "LOCATION") if e in self.entities]
            extra = self.analyzer.analyze(text=text, language="en", entities=ner_types, nlp_artifacts=full,
                                          score_threshold=self.score_threshold,
                                          regex_flags=re.DOTALL | re.MULTILINE)
            found = self._resolve(text, raw + extra, protected)
        return found

    def _shielded(self, r: Any, protected: list[ProtectedSpan]) -> bool:
        overlap = [p for p in protected if p.start < r.end and r.start < p.end]
        if not overlap:
            return False
        if any(p.from_catalogue for p in overlap):
            return True
        if r.entity_type in STRONG and r.score >= 0.99:
            return False
        covered: set[int] = set()
        for p in overlap:
            covered.update(range(max(p.start, r.start), min(p.end, r.end)))
        return len(covered) * 2 >= (r.end - r.start)

    def _resolve(self, text: str, results: list[Any], protected: list[ProtectedSpan]) -> list[Detection]:
        cands = [r for r in results if r.entity_type in self.entities and not self._shielded(r, protected)
                 and not (r.entity_type in ("PERSON", "LOCATION") and text[r.start:r.end].islower())
                 and not (r.entity_type == "PERSON" and _all_common(text[r.start:r.end]))]
        cands = [r for r in _union_same_type(cands) if not _inside_longer_number(text, r)]

        def rank(r: Any) -> tuple[int, int, float, int]:
            hits = list(_CONTEXT_KEY.finditer(text[max(0, r.start - 30):r.start]))
            ctx = 1 if hits and hits[-1].lastgroup == r.entity_type else 0
            score = r.score
            if r.entity_type == "PL_REGON" and not ctx and r.end - r.start <= 11:
                score = min(score, 0.6)   # a bare 9-digit number is more often a phone than a REGON
            # a checksum-validated identifier beats anything weaker, whatever the context words say
            validated = 1 if r.entity_type in STRONG and score >= 0.99 else 0
            return (-validated, -ctx, -round(score, 3), -(r.end - r.start))

        kept: list[Any] = []
        for r in sorted(cands, key=rank):
            if not any(k.start < r.end and r.start < k.end for k in kept):
                kept.append(r)
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
            etype: OperatorConfig("custom", {"lambda": (lambda v, _lab=lab: vault.placeholder_for(_lab, v))})
            for etype, lab in LABELS.items()
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
