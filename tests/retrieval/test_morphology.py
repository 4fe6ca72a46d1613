"""Polish morphology on the lexical side (Morfeusz 2 + Stempel, ``retrieval.morphology``), English left alone."""

from __future__ import annotations

import pytest

from retrieval.models import ProductDoc
from retrieval.morphology import is_function_word, lemma, lemma_words, lemmatised
from retrieval.sparse import SparseEncoder


def test_inflected_forms_share_their_lemmas() -> None:
    for form in ("oprawy", "opraw", "oprawę"):
        assert lemma(form) == "oprawa"  # "opraw" is also an imperative of "oprawić": a product query names a noun
    for form in ("hermetyczne", "hermetycznych", "hermetyczną"):
        assert lemma(form) == "hermetyczny"
    assert lemma("wyłączników") == "wyłącznik" and lemma("nadprądowe") == "nadprądowy"
    assert lemma("oprawa") is None  # already the lemma


def test_words_the_dictionary_lacks_get_the_stemmer() -> None:
    assert lemma("naświetlaczy") == "naświetlacz"  # a Polish letter: Stempel
    assert lemma("natynkowych") == lemma("natynkowa") == "natynkowy"  # the -owy adjective endings


def test_english_words_and_names_are_left_alone() -> None:
    # "table" is a form of Polish "tabla", "lamp" of "lampa", "Daria" a first name: none may change
    for word in ("table", "lamp", "lamps", "led", "cable", "daria", "tabletop", "hillsby", "stools"):
        assert lemma(word) is None, word


def test_question_words_are_not_product_words() -> None:
    assert is_function_word("czy") and is_function_word("macie") and is_function_word("szukam")
    assert not is_function_word("oprawa") and not is_function_word("table")


def test_lemmas_are_added_next_to_the_surface_tokens() -> None:
    assert lemma_words("Oprawy hermetyczne LED 36W") == ["oprawa", "hermetyczny"]
    assert lemmatised("Oprawy hermetyczne S201-B16") == "oprawa hermetyczny s201-b16"
    on, off = SparseEncoder(), SparseEncoder(morphology="")
    doc = set(on.encode_document("Oprawa hermetyczna LED 1200 mm").indices)
    for query in ("oprawy hermetyczne", "opraw hermetycznych", "oprawę hermetyczną"):
        assert set(on.encode_query(query).indices) & doc >= on.term_ids("oprawa hermetyczny")
    # without lemmas the genitive plural shares no term with the product (English stemming does not reach it)
    assert not set(off.encode_query("opraw hermetycznych").indices) & set(
        off.encode_document("Oprawa hermetyczna").indices)
    # the surface form stays: a query typed without Polish letters still meets the product's own word
    assert on.term_ids("mosiezna") <= set(on.encode_document("Dławnica mosiężna M20").indices)
    assert "morph=" in on.fingerprint and "morph=" not in off.fingerprint


@pytest.mark.parametrize("morphology", ["pl1", ""])
def test_every_form_finds_the_same_product(catalog, morphology: str) -> None:  # type: ignore[no-untyped-def]
    catalog.sparse = SparseEncoder(morphology=morphology)
    catalog.encoders = f"{catalog.embedder.fingerprint}|{catalog.sparse.fingerprint}"
    docs = [ProductDoc(sku="HERM-1", name="Oprawa hermetyczna LED 36W IP65", category="Lighting > Hermetic"),
            ProductDoc(sku="BOX-1", name="Puszka hermetyczna 100x100 IP65", category="Boxes"),
            ProductDoc(sku="PANEL-1", name="Panel LED 60x60 40W", category="Lighting > Panels"),
            ProductDoc(sku="OPR-2", name="Oprawy do świetlówek T8 (oprawa rastrowa)", category="Lighting")]
    catalog.sync(docs)
    firsts = {q: [h.sku for h in catalog.search(q, k=3, mode="sparse")][:1]
              for q in ("oprawa hermetyczna", "oprawy hermetyczne", "opraw hermetycznych", "oprawę hermetyczną")}
    if morphology:
        assert all(first == ["HERM-1"] for first in firsts.values()), firsts
    else:  # without lemmas the genitive plural shares no word with any product: BM25 finds nothing
        assert firsts["opraw hermetycznych"] == []
    hits = catalog.search("opraw hermetycznych", k=1)
    if morphology:
        assert any("opraw" in p.text for p in hits[0].premises)  # the premise names the query's word, inflection aside
