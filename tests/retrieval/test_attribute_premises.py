"""Attribute premises: a spec counts as matched only when the query names it."""

from __future__ import annotations

import numpy as np

from retrieval.premises import matched_attributes, premises_for
from retrieval.sparse import SparseEncoder
from retrieval.text import tokenize

MCB = {"curve": "B", "rated_current_a": 16, "poles": 1, "modules": 1}
CABLE = {"cores": 3, "cross_section_mm2": 2.5}


def matched(attrs: dict[str, object], query: str) -> list[str]:
    return matched_attributes(attrs, set(tokenize(query)))


def test_1p_names_poles_but_not_modules() -> None:
    assert matched(MCB, "wyłącznik nadprądowy 16A B 1P") == ["curve B", "poles 1", "rated current 16 A"]


def test_a_bare_number_needs_the_attribute_named() -> None:
    assert matched(MCB, "lampa 1 sztuka") == []
    assert matched(MCB, "1 pole breaker") == ["poles 1"]
    assert "modules 12" in matched({"modules": 12}, "rozdzielnica 12 modułów")
    assert matched({"modules": 12}, "12 breakers") == []


def test_size_notation_names_the_count_and_the_cross_section() -> None:
    assert matched(CABLE, "przewód 3x2.5") == ["cores 3", "cross section 2.5 mm²"]
    assert matched(CABLE, "przewód YDY 3x2,5") == ["cores 3", "cross section 2.5 mm²"]  # the Polish decimal comma
    assert matched(CABLE, "przewód 2x2.5") == ["cross section 2.5 mm²"]
    assert matched(CABLE, "przewód 3x1.5") == ["cores 3"]
    assert matched(CABLE, "przewód 3x25") == ["cores 3"]  # 25 mm² is not 2.5 mm²


def test_similarity_premise_only_when_it_says_something() -> None:
    enc = SparseEncoder()
    payload = {"sku": "RN-12", "text": "Hager surface distribution board 12 modules", "attributes": {"modules": 12}}
    q, weak, strong = np.array([1.0, 0.0]), np.array([0.05, 1.0]), np.array([0.8, 0.6])
    matched = premises_for(query="distribution board", payload=payload, exact=None, query_vec=q, doc_vec=weak,
                           encoder=enc)
    assert [p.text for p in matched] == ["matches: distribution, board"]  # 0.05 adds nothing to matched words
    assert matched[0].kind == "matches" and matched[0].data == {"attributes": [], "terms": ["distribution", "board"]}
    strong_last = premises_for(query="distribution board", payload=payload, exact=None, query_vec=q, doc_vec=strong,
                               encoder=enc)[-1]
    assert strong_last.kind == "similarity" and strong_last.data == {"similarity": 0.8}
    assert "0.8" not in strong_last.text  # a buyer reads words, the score is data
    alone = premises_for(query="enclosure", payload=payload, exact=None, query_vec=q, doc_vec=weak, encoder=enc)
    assert [(p.kind, p.data) for p in alone] == [("similarity", {"similarity": 0.05})]  # the only reason, still said


def test_a_query_word_that_named_an_attribute_is_said_once() -> None:
    """Regression (demo chat): "16A typ B 3P" read "matches: curve B, poles 3, rated current 16 A, 3P"."""
    payload = {"sku": "ETIMAT6-B16-3P", "text": "Eti ETIMAT6 MCB B16 3P wyłącznik nadprądowy",
               "attributes": {"curve": "B", "rated_current_a": 16, "poles": 3}}
    said = premises_for(query="wyłącznik 16A typ B 3P", payload=payload, exact=None, query_vec=None, doc_vec=None,
                        encoder=SparseEncoder())
    assert [p.text for p in said] == ["matches: curve B, poles 3, rated current 16 A, wyłącznik"]
    assert said[0].data == {"terms": ["wyłącznik"], "attributes": [
        {"key": "curve", "label": "curve", "value": "B", "shown": "curve B"},
        {"key": "poles", "label": "poles", "value": "3", "shown": "poles 3"},
        {"key": "rated_current_a", "label": "rated current", "value": "16 A", "shown": "rated current 16 A"}]}
    pole = premises_for(query="3 pole MCB", payload=payload, exact=None, query_vec=None, doc_vec=None,
                        encoder=SparseEncoder())
    assert [p.text for p in pole] == ["matches: poles 3, MCB"]
