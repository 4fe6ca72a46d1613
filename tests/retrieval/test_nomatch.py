"""The "no match" call: threshold choice for a precision target, and the shipped model on a catalogue it was not
fitted on (the synthetic electrical one)."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.nomatch import (
    DEFAULT_NOMATCH,
    NOMATCH_FEATURES,
    choose_threshold,
    fit_nomatch,
    precision_recall,
)


def test_the_threshold_is_the_lowest_reaching_the_precision_target() -> None:
    prob = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    y = np.array([1, 1, 0, 1, 1, 0])
    # calling >= 0.5 gives 4 of 5 right (0.8); >= 0.6: 3 of 4; >= 0.8: 2 of 2
    assert choose_threshold(prob, y, 0.8) == 0.5
    assert choose_threshold(prob, y, 0.9) == 0.8
    assert choose_threshold(np.array([0.5, 0.4]), np.array([0, 0]), 0.9) == 0.4  # never reached: best precision
    called = prob >= 0.5
    assert precision_recall(called, y) == (0.8, 1.0)


def test_fit_separates_what_the_features_separate() -> None:
    rng = np.random.default_rng(0)
    y = np.array([1] * 40 + [0] * 40)
    x = rng.normal(0, 1, (80, len(NOMATCH_FEATURES)))
    x[:, 0] += 2.5 * y  # the share of unknown words
    model = fit_nomatch(x, y, trained_on="synthetic")
    called = np.array([model.probability(row) >= model.threshold for row in x])
    precision, recall = precision_recall(called, y)
    assert precision >= 0.9 and recall >= 0.7
    assert model.coef[0] > 0


@pytest.fixture
def electrical(filled):  # type: ignore[no-untyped-def]
    assert filled.nomatch is DEFAULT_NOMATCH is not None
    return filled


@pytest.mark.parametrize("query", ["Do you have a Tesla Powerwall 3 home battery?", "garden hose 25 m",
                                   "Czy macie ekspres do kawy?", "office chair with armrests"])
def test_what_the_shop_does_not_carry_is_no_match(electrical, query: str) -> None:  # type: ignore[no-untyped-def]
    result = electrical.search_result(query, k=5)
    assert result.hits, "the search still lists its nearest products"
    assert result.no_match and result.no_match_probability is not None
    assert result.no_match_probability >= DEFAULT_NOMATCH.threshold  # type: ignore[union-attr]
    assert result.unknown_words


@pytest.mark.parametrize("query", ["wyłącznik nadprądowy B16", "outdoor LED floodlight 50W", "przewód YDY 3x2,5"])
def test_what_it_carries_is_a_match(electrical, query: str) -> None:  # type: ignore[no-untyped-def]
    result = electrical.search_result(query, k=5)
    assert not result.no_match, (result.no_match_probability, result.unknown_words)


def test_an_identifier_is_never_no_match(electrical, products) -> None:  # type: ignore[no-untyped-def]
    result = electrical.search_result(products[0].sku, k=3)
    assert result.hits[0].sku == products[0].sku and not result.no_match and result.no_match_probability == 0.0
