"""The intent classifier: fitted from the labelled files, cached by their hash, confident where it should be."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agent.intent_model import (
    INTENTS,
    TRAINING_FILES,
    IntentClassifier,
    SklearnIntentClassifier,
    cache_key,
    load_examples,
    load_or_fit,
    normalise,
)


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("intents")
    out = []
    for i, path in enumerate(TRAINING_FILES):
        dest = folder / f"{i}-{path.name}"
        shutil.copy(path, dest)
        out.append(dest)
    return out


@pytest.fixture(scope="module")
def ngram_model(data_copy: list[Path], tmp_path_factory: pytest.TempPathFactory) -> SklearnIntentClassifier:
    """The n-gram half of the shipped model (no embedder: fast, and still a real fit of the real files)."""
    return load_or_fit(tmp_path_factory.mktemp("models"), None, data_copy)


def test_the_training_files_carry_every_label() -> None:
    labels = {e.intent for e in load_examples(TRAINING_FILES)}
    assert labels == set(INTENTS)
    assert not any("heldout" in p.name for p in TRAINING_FILES)  # the held-out split is never trained on


def test_normalise_folds_and_marks_codes() -> None:
    text = normalise("Masz tańszy wyłącznik S201-B16? <PERSON_1>")
    assert "tanszy" in text and "wylacznik" in text and "skucode" in text and "person" in text
    assert "ł" not in text and "<" not in text


def test_the_fitted_model_is_cached_and_reloaded(data_copy: list[Path], tmp_path: Path) -> None:
    first = load_or_fit(tmp_path, None, data_copy)
    cached = list(tmp_path.glob("intent-classifier-*.joblib"))
    assert len(cached) == 1 and cache_key(data_copy, None) in cached[0].name
    stamp = cached[0].stat().st_mtime_ns
    again = load_or_fit(tmp_path, None, data_copy)
    assert cached[0].stat().st_mtime_ns == stamp  # loaded, not fitted and written again
    texts = ["Ile kosztuje S201-B16?", "Do you have a cheaper RCD?", "bez profilowania"]
    assert [g.intent for g in first.classify_many(texts)] == [g.intent for g in again.classify_many(texts)]


def test_changed_data_changes_the_key(data_copy: list[Path], tmp_path: Path) -> None:
    before = cache_key(data_copy, None)
    changed = tmp_path / "extra.jsonl"
    changed.write_text(data_copy[1].read_text(encoding="utf-8")
                       + '{"text": "Hej, macie coś nowego?", "intent": "recommend", "lang": "pl"}\n',
                       encoding="utf-8")
    assert cache_key([data_copy[0], changed], None) != before


def test_guesses_are_probabilities_with_a_runner_up(ngram_model: SklearnIntentClassifier) -> None:
    clf: IntentClassifier = ngram_model
    guess = clf.classify("Poproszę o wycenę na 300 szt. S201-B16")
    assert guess.intent == "discount_request" and 0 < guess.runner_up_confidence <= guess.confidence <= 1
    assert guess.runner_up in INTENTS and guess.runner_up != guess.intent


@pytest.mark.parametrize(("text", "intent"), [
    ("Szukam różnicówki 4P 40A 30mA typ A", "find"),
    ("Czy możecie dać rabat 12% na S201-B16?", "discount_request"),
    ("Jaka jest cena katalogowa S201-B16?", "price_question"),
    ("Nie profilujcie nas, prosimy", "opt_out"),
    ("Where is my parcel?", "out_of_scope"),
])
def test_plain_messages_get_their_intent(ngram_model: SklearnIntentClassifier, text: str, intent: str) -> None:
    assert ngram_model.classify(text).intent == intent


def test_the_vectorised_calibration_gives_scikit_learns_probabilities(ngram_model: SklearnIntentClassifier) -> None:
    """``predict_proba`` replaces CalibratedClassifierCV's per-calibrator loop (its input checks were most of a
    message's classification time); the numbers must stay scikit-learn's."""
    import numpy as np

    texts = [e.text for e in load_examples()][::7] + ["", "x", "S201-B16", "Where is my parcel?"]
    x = ngram_model.features(texts)
    assert ngram_model._sigmoid_folds is not None and len(ngram_model._sigmoid_folds) == 5
    ours = ngram_model.predict_proba(x)
    theirs = ngram_model.model.predict_proba(x)
    assert ours.shape == theirs.shape == (len(texts), len(INTENTS))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert list(ngram_model.labels) == [str(c) for c in ngram_model.model.classes_]
