"""What a customer means, learned from labelled examples: the :class:`IntentClassifier` protocol and its
scikit-learn implementation (TF-IDF character and word n-grams of folded, lemmatised text, next to the shipped
MiniLM sentence embeddings, into a linear SVM whose scores are calibrated into probabilities).

Trained at start from ``evals/data/intents/train.jsonl`` and ``agent/data/intents_extra.jsonl`` (never from the
held-out split). The fitted model is cached in the data dir under a key made of the data files, this module's
version, the scikit-learn version and the embedder's fingerprint, so every start after the first loads it in
well under a second. Model selection (features, estimator, ``C``) was done by 5-fold cross-validation on the
training files only (``python -m evals.intents_eval --cv [--estimator logreg]``): the calibrated linear SVM
beat the logistic regression the classifier used before (docs/agent.md has the figures).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

if TYPE_CHECKING:
    from retrieval.embeddings import Embedder

logger = logging.getLogger("salesagent.agent")

ROOT = Path(__file__).resolve().parent.parent
TRAINING_FILES = (ROOT / "evals" / "data" / "intents" / "train.jsonl", ROOT / "agent" / "data" / "intents_extra.jsonl")
"""The labelled examples the shipped classifier learns from (the held-out split is not among them)."""
MODEL_VERSION = "intents-4"
"""Bump when the features or the estimator change: part of the cache key."""
Estimator = Literal["svm", "logreg"]
DEFAULT_ESTIMATOR: Estimator = "svm"
"""``svm``: a linear SVM, its scores turned into probabilities by sigmoid calibration over 5 internal folds
(:class:`~sklearn.calibration.CalibratedClassifierCV`); ``logreg``: the multinomial logistic regression."""
DEFAULT_C = {"svm": 1.0, "logreg": 30.0}
"""Inverse regularisation per estimator, chosen by 5-fold CV on the training files."""
EMBEDDING_WEIGHT = 1.0
"""Scale of the sentence-embedding block next to the (L2-normalised) TF-IDF blocks."""

INTENTS: tuple[str, ...] = (
    "find", "product_info", "price_question", "discount_request", "cheaper", "alternatives", "accessories",
    "stock", "recommend", "popular", "orders", "place_order", "explain", "opt_out", "identity", "project_need",
    "greeting", "thanks", "company_info", "out_of_scope",
)
"""The labels of ``evals/data/intents/labels.md``."""

_PLACEHOLDER = re.compile(r"<([A-Z_]+)_\d+>")
_CODE = re.compile(r"\b(?=[a-z0-9./-]*\d)(?=[a-z0-9./-]*[a-z])[a-z0-9][a-z0-9./-]*[a-z0-9]\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")


@dataclass(frozen=True)
class Example:
    """One labelled customer message."""

    text: str
    intent: str
    lang: str = ""


@dataclass(frozen=True)
class IntentGuess:
    """The classifier's answer: the best intent, its probability and the runner-up (for a clarifying question)."""

    intent: str
    confidence: float
    runner_up: str | None = None
    runner_up_confidence: float = 0.0


class IntentClassifier(Protocol):
    """Anything that tells what a (masked) customer message means."""

    version: str

    def classify(self, text: str) -> IntentGuess: ...

    def classify_many(self, texts: Sequence[str]) -> list[IntentGuess]: ...


def fold(text: str) -> str:
    """Return ``text`` lower-cased without diacritics (ł -> l)."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Return the text the n-gram features see: placeholders as their kind, codes and numbers as shape words,
    Polish lemmas appended (from retrieval's lemmatiser, so "tańszego" meets "tańszy"), then folded."""
    from retrieval.morphology import lemma_words

    text = _PLACEHOLDER.sub(lambda m: f" {m.group(1).lower()} ", text)
    low = text.lower()
    low = _CODE.sub(lambda m: f" {m.group()} skucode ", low)
    low = _NUMBER.sub(lambda m: f" {m.group()} num ", low)
    try:
        lemmas = " ".join(lemma_words(low))
    except ImportError:  # the lemmatiser's packages missing: the folded text alone still works
        lemmas = ""
    return re.sub(r"\s+", " ", fold(f"{low} {lemmas}")).strip()


def load_examples(paths: Sequence[Path] = TRAINING_FILES) -> list[Example]:
    """Return the examples of JSON Lines files (``{"text", "intent", "lang"}`` per line)."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.append(Example(row["text"], row["intent"], row.get("lang", "")))
    return out


def _vectorizers() -> list[Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return [TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")]


class SklearnIntentClassifier:
    """TF-IDF (char 2-5 + word 1-2) hstacked with MiniLM embeddings into a calibrated linear SVM (or a logistic
    regression)."""

    def __init__(self, vectorizers: list[Any], model: Any, *, embedder: Embedder | None, version: str) -> None:
        self.vectorizers = vectorizers
        self.model = model
        self.embedder = embedder
        self.version = version
        self.labels: tuple[str, ...] = tuple(str(c) for c in model.classes_)
        self._sigmoid_folds = _sigmoid_folds(model)

    @classmethod
    def fit(cls, examples: Sequence[Example], *, embedder: Embedder | None, c: float | None = None,
            estimator: Estimator = DEFAULT_ESTIMATOR, version: str = MODEL_VERSION) -> SklearnIntentClassifier:
        """Return a classifier fitted on ``examples`` (embedder None: the n-gram features only)."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        texts = [e.text for e in examples]
        norm = [normalise(t) for t in texts]
        vectorizers = _vectorizers()
        blocks = [v.fit_transform(norm) for v in vectorizers]
        x = _stack(blocks, embedder.encode(texts) if embedder is not None else None)
        strength = c if c is not None else DEFAULT_C[estimator]
        model: Any
        if estimator == "svm":
            model = CalibratedClassifierCV(LinearSVC(C=strength, max_iter=10000), method="sigmoid", cv=5)
        else:
            model = LogisticRegression(C=strength, max_iter=3000)
        model.fit(x, [e.intent for e in examples])
        return cls(vectorizers, model, embedder=embedder, version=version)

    def features(self, texts: Sequence[str]) -> Any:
        """Return the feature matrix of raw texts."""
        norm = [normalise(t) for t in texts]
        blocks = [v.transform(norm) for v in self.vectorizers]
        return _stack(blocks, self.embedder.encode(list(texts)) if self.embedder is not None else None)

    def classify_many(self, texts: Sequence[str]) -> list[IntentGuess]:
        """Return one guess per text."""
        if not texts:
            return []
        probs = self.predict_proba(self.features(texts))
        out = []
        for row in probs:
            order = np.argsort(-row)
            out.append(IntentGuess(self.labels[order[0]], float(row[order[0]]), self.labels[order[1]],
                                   float(row[order[1]])))
        return out

    def classify(self, text: str) -> IntentGuess:
        """Return the intent of one message."""
        return self.classify_many([text])[0]

    def predict_proba(self, x: Any) -> np.ndarray:
        """Return the model's class probabilities of feature rows ``x`` (``labels`` order).

        For the calibrated SVM, the arithmetic of ``CalibratedClassifierCV.predict_proba`` (per fold: Platt's
        sigmoid per class, rows normalised; then the mean over folds), vectorised: scikit-learn validates the
        input of each of its 5 x 20 calibrators, 20 of the 24 ms a message took (cProfile of the planner
        turns, `benchmarks/bench_all.py --only turn --profile`). The same numbers (tested)."""
        if self._sigmoid_folds is None:
            return np.asarray(self.model.predict_proba(x))
        from scipy.special import expit

        n_classes = len(self.labels)
        mean = np.zeros((x.shape[0], n_classes))
        for estimator, columns, a, b in self._sigmoid_folds:
            scores = np.asarray(estimator.decision_function(x), dtype=float)
            proba = np.zeros_like(mean)
            proba[:, columns] = expit(-(a * scores + b))
            total = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, total, out=np.full_like(proba, 1 / n_classes), where=total != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            mean += proba
        return mean / len(self._sigmoid_folds)


def _sigmoid_folds(model: Any) -> list[tuple[Any, np.ndarray, np.ndarray, np.ndarray]] | None:
    """Return (estimator, class columns, a, b) per fold of a sigmoid-calibrated multiclass model, else None (then
    the model's own ``predict_proba`` is used)."""
    folds = getattr(model, "calibrated_classifiers_", None)
    if not folds or getattr(model, "method", None) != "sigmoid" or len(model.classes_) < 3:
        return None
    index = {c: i for i, c in enumerate(model.classes_)}
    out = []
    for fold in folds:
        if len(fold.calibrators) != len(fold.estimator.classes_):
            return None
        out.append((fold.estimator, np.array([index[c] for c in fold.estimator.classes_]),
                    np.array([float(c.a_) for c in fold.calibrators]), np.array([float(c.b_) for c in fold.calibrators])))
    return out


def _stack(blocks: list[Any], dense: np.ndarray | None) -> Any:
    from scipy.sparse import csr_matrix, hstack

    parts = list(blocks)
    if dense is not None:
        parts.append(csr_matrix(dense * EMBEDDING_WEIGHT))
    return hstack(parts).tocsr()


def cache_key(paths: Sequence[Path], embedder: Embedder | None) -> str:
    """Return the hash that names a fitted model: data files, code version, library version, embedder."""
    import sklearn

    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    h.update(f"{MODEL_VERSION}|{DEFAULT_ESTIMATOR}|{DEFAULT_C}|{EMBEDDING_WEIGHT}|{sklearn.__version__}".encode())
    h.update((embedder.fingerprint if embedder is not None else "no-embedder").encode())
    return h.hexdigest()[:16]


def load_or_fit(models_dir: Path, embedder: Embedder | None,
                paths: Sequence[Path] = TRAINING_FILES) -> SklearnIntentClassifier:
    """Return the classifier cached under ``models_dir`` for these data files, fitting (and caching) it first
    when there is none."""
    import joblib

    key = cache_key(paths, embedder)
    path = models_dir / f"intent-classifier-{key}.joblib"
    if path.exists():
        try:
            vectorizers, model = joblib.load(path)
            return SklearnIntentClassifier(vectorizers, model, embedder=embedder, version=f"{MODEL_VERSION}-{key}")
        except Exception:  # a cache from another library version or a torn write: fit again
            logger.exception("intent classifier cache %s unreadable; fitting again", path.name)
    clf = SklearnIntentClassifier.fit(load_examples(paths), embedder=embedder, version=f"{MODEL_VERSION}-{key}")
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    joblib.dump((clf.vectorizers, clf.model), tmp)
    tmp.replace(path)
    for old in models_dir.glob("intent-classifier-*.joblib"):
        if old != path:
            old.unlink(missing_ok=True)
    return clf


_lock = threading.Lock()
_by_dir: dict[tuple[str, str], SklearnIntentClassifier] = {}
_by_key: dict[str, SklearnIntentClassifier] = {}


def classifier_for(models_dir: Path, embedder: Embedder | None) -> SklearnIntentClassifier:
    """Return this process's classifier (loaded or fitted once, then shared by every turn; a second data dir
    with the same examples and embedder reuses the fitted model)."""
    where = (str(models_dir), embedder.fingerprint if embedder is not None else "")
    with _lock:
        if where not in _by_dir:
            key = cache_key(TRAINING_FILES, embedder)
            if key not in _by_key:
                _by_key[key] = load_or_fit(Path(models_dir), embedder)
            _by_dir[where] = _by_key[key]
        return _by_dir[where]
