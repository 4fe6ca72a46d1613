"""The intent classifier's figures: accuracy, macro-F1, F1 per intent and the confusion matrix.

``score_heldout`` fits on the training files and scores ``evals/data/intents/heldout.jsonl`` (written before any
tuning; it is scored, never tuned on). ``cross_validate`` is the model-selection figure: stratified k-fold on
the training files only.

    .venv/bin/salesagent eval intents            # held-out split (the acceptance figure)
    .venv/bin/python -m evals.intents_eval --cv  # 5-fold CV on train + extra (what tuning may look at)
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.intent_model import (
    DEFAULT_ESTIMATOR,
    INTENTS,
    TRAINING_FILES,
    Estimator,
    Example,
    IntentClassifier,
    SklearnIntentClassifier,
    load_examples,
)

HELDOUT = Path(__file__).resolve().parent / "data" / "intents" / "heldout.jsonl"


@dataclass
class IntentReport:
    """Scores of one labelled set."""

    label: str
    n: int
    accuracy: float
    macro_f1: float
    per_intent: dict[str, dict[str, float]]
    """intent -> precision, recall, f1, support."""
    labels: list[str]
    confusion: list[list[int]]
    """Rows: true intent, columns: predicted, in ``labels`` order."""
    errors: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-able summary."""
        return {"label": self.label, "n": self.n, "accuracy": round(self.accuracy, 4),
                "macro_f1": round(self.macro_f1, 4), "per_intent": self.per_intent, "labels": self.labels,
                "confusion": self.confusion, "errors": self.errors}


def score(label: str, truth: Sequence[str], predicted: Sequence[str],
          texts: Sequence[str] = ()) -> IntentReport:
    """Return accuracy, macro-F1, per-intent scores and the confusion matrix of predictions."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    labels = [i for i in INTENTS if i in set(truth) | set(predicted)]
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    per = {lab: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4), "f1": round(float(f[i]), 4),
                 "support": int(s[i])} for i, lab in enumerate(labels)}
    present = [lab for lab in labels if lab in set(truth)]
    errors = [{"text": t, "true": a, "predicted": b} for t, a, b in zip(texts, truth, predicted, strict=False)
              if a != b]
    return IntentReport(label, len(truth), float(accuracy_score(truth, predicted)),
                        float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)),
                        per, labels, confusion_matrix(truth, predicted, labels=labels).tolist(), errors)


def evaluate(classifier: IntentClassifier, examples: Sequence[Example], label: str) -> IntentReport:
    """Return the scores of ``classifier`` on labelled ``examples``, each classified alone as a chat message is
    (a message alone is embedded by the query runtime, a batch by torch: their vectors differ slightly)."""
    guesses = [classifier.classify(e.text) for e in examples]
    return score(label, [e.intent for e in examples], [g.intent for g in guesses], [e.text for e in examples])


def score_heldout(embedder: Any, heldout: Path = HELDOUT, estimator: Estimator = DEFAULT_ESTIMATOR) -> IntentReport:
    """Fit on the training files, score the held-out split once."""
    clf = SklearnIntentClassifier.fit(load_examples(TRAINING_FILES), embedder=embedder, estimator=estimator)
    return evaluate(clf, load_examples([heldout]), f"held-out ({heldout.name})")


def cross_validate(embedder: Any, *, folds: int = 5, c: float | None = None, seed: int = 0,
                   estimator: Estimator = DEFAULT_ESTIMATOR) -> IntentReport:
    """Return the stratified k-fold CV scores on the training files (the only figure tuning may use)."""
    from sklearn.model_selection import StratifiedKFold

    examples = load_examples(TRAINING_FILES)
    y = [e.intent for e in examples]
    predicted = [""] * len(examples)
    cache: dict[str, Any] = {}
    cached = _CachedEmbedder(embedder, cache) if embedder is not None else None
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(examples, y):
        clf = SklearnIntentClassifier.fit([examples[i] for i in train_idx], embedder=cached,  # type: ignore[arg-type]
                                          c=c, estimator=estimator)
        for i in test_idx:
            predicted[i] = clf.classify(examples[i].text).intent
    return score(f"{folds}-fold CV (train + extra), {estimator}", y, predicted, [e.text for e in examples])


class _CachedEmbedder:
    """The embedder with its vectors remembered per text (CV embeds each text once, not once per fold), batches
    and single texts apart: as in the chat, a message classified alone gets its vector alone."""

    def __init__(self, inner: Any, cache: dict[str, Any]) -> None:
        self.inner, self.cache, self.fingerprint = inner, cache, inner.fingerprint
        self.alone: dict[str, Any] = {}

    def encode(self, texts: list[str]) -> Any:
        import numpy as np

        if len(texts) == 1:
            if texts[0] not in self.alone:
                self.alone[texts[0]] = self.inner.encode(texts)[0]
            return self.alone[texts[0]][None, :]
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            for t, v in zip(missing, self.inner.encode(missing), strict=True):
                self.cache[t] = v
        return np.stack([self.cache[t] for t in texts])


def format_report(report: IntentReport, *, confusion: bool = True) -> str:
    """Return the report as text: headline, per-intent table, confusion matrix (abbreviated labels)."""
    lines = [f"{report.label}: n={report.n} accuracy={report.accuracy:.4f} macro-F1={report.macro_f1:.4f}", "",
             f"{'intent':18}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>5}"]
    for lab, m in report.per_intent.items():
        lines.append(f"{lab:18}{m['precision']:7.3f}{m['recall']:7.3f}{m['f1']:7.3f}{m['support']:5d}")
    if confusion:
        short = [lab[:5] for lab in report.labels]
        lines += ["", "confusion (rows: true, columns: predicted)", " " * 18 + "".join(f"{s:>6}" for s in short)]
        for lab, row in zip(report.labels, report.confusion, strict=True):
            lines.append(f"{lab:18}" + "".join(f"{v:6d}" if v else "     ." for v in row))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m evals.intents_eval [--cv] [--no-embeddings] [--c C] [--json]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="cross-validate on the training files")
    parser.add_argument("--no-embeddings", action="store_true")
    parser.add_argument("--c", type=float, default=None)
    parser.add_argument("--estimator", choices=("svm", "logreg"), default=DEFAULT_ESTIMATOR)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    embedder = None
    if not args.no_embeddings:
        from core.config import get_settings
        from retrieval.embeddings import load_embedder

        embedder = load_embedder(get_settings())
    report = (cross_validate(embedder, c=args.c, estimator=args.estimator) if args.cv
              else score_heldout(embedder, estimator=args.estimator))
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) if args.json else format_report(report))


if __name__ == "__main__":
    main()
