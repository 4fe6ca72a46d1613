"""The "no match" call: does the best hit match the product type asked for, or should the agent say "we don't
carry this"?

A logistic model over seven query-level signals the search has anyway (``NOMATCH_FEATURES``): how many of the
query's letter words no product contains at all (the per-word probes), how much of the query the best hits'
names and categories and the top hit's whole text contain, and the best cosine. Polish question words ("czy",
"macie", "szukam") and English stopwords are not content words, and specs and codes ("16A", "3x2,5") do not
count: the call is about the product type. The threshold is chosen for a precision target
on cross-validated predictions of the training queries (``fit_nomatch``), never on the queries it is measured on.

``DEFAULT_NOMATCH`` is what ships when ``salesagent train-search`` was not given labelled no-match queries: fitted
on all 167 queries of ``evals/data/search_nomatch`` over the demo catalogue (``python -m evals.search_nomatch
--fit``), so any figure measured on that set with these constants is a *tuning* figure; the held-out figure is
the cross-validated one (docs/retrieval.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from retrieval.features import QueryTerms, coverage

NOMATCH_FEATURES: tuple[str, ...] = (
    "unknown_share", "unknown_words", "content_words", "top1_name_cover", "best5_name_cover", "top1_text_cover",
    "best5_cosine",
)
PRECISION_TARGET = 0.9


class NoMatchModel(BaseModel):
    """Standardised logistic regression plus a threshold on the probability of "no match"."""

    means: list[float]
    scales: list[float]
    coef: list[float]
    intercept: float
    threshold: float = Field(ge=0, le=1)
    trained_on: str = ""

    def probability(self, x: Sequence[float]) -> float:
        """Return P(no match) for one feature row."""
        z = self.intercept + sum(c * (v - m) / s for c, v, m, s in
                                 zip(self.coef, x, self.means, self.scales, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def nomatch_row(terms: QueryTerms, known: Sequence[bool], names: Sequence[frozenset[int]],
                texts: Sequence[frozenset[int]], cosines: Sequence[float]) -> list[float]:
    """Return the ``NOMATCH_FEATURES`` row of one query: ``known`` per content word (does any product contain
    it), then per best hit (best first, up to 5) its name+category words, its whole text and its cosine. Only
    the query's letter words count (``QueryTerms.alpha``): a size the shop lacks ("3x2,5") is not another
    product type."""
    flags = [k for k, a in zip(known, terms.alpha, strict=True) if a]
    n = len(flags)
    unknown = sum(1 for k in flags if not k)
    return [
        unknown / n if n else 0.0, float(unknown), float(n),
        coverage(terms, names[0], alpha_only=True) if names else 0.0,
        max((coverage(terms, ids, alpha_only=True) for ids in names[:5]), default=0.0),
        coverage(terms, texts[0], alpha_only=True) if texts else 0.0,
        max(cosines[:5], default=0.0),
    ]


def fit_nomatch(x: np.ndarray, y: np.ndarray, *, target: float = PRECISION_TARGET, folds: int = 5,
                seed: int = 0, trained_on: str = "") -> NoMatchModel:
    """Return a model fitted on rows ``x`` with labels ``y`` (1 = not carried). The threshold is the lowest one
    whose precision on *cross-validated* predictions of these rows reaches ``target`` (the highest recall at
    that precision); if none does, the one with the best precision."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    means = x.mean(axis=0)
    scales = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    z = (x - means) / scales
    folds = max(2, min(folds, int(min(y.sum(), len(y) - y.sum()))))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    held = cross_val_predict(LogisticRegression(C=1.0, max_iter=1000), z, y, cv=cv, method="predict_proba")[:, 1]
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(z, y)
    return NoMatchModel(means=means.tolist(), scales=scales.tolist(), coef=clf.coef_[0].tolist(),
                        intercept=float(clf.intercept_[0]), threshold=choose_threshold(held, y, target),
                        trained_on=trained_on)


def choose_threshold(prob: np.ndarray, y: np.ndarray, target: float) -> float:
    """Return the lowest probability threshold at which the "no match" calls (prob >= threshold) reach
    ``target`` precision; if no threshold does, the one with the best precision."""
    best, best_precision = 1.0, -1.0
    for t in sorted(set(prob.tolist())):
        called = prob >= t
        precision = float(y[called].mean()) if called.any() else 0.0
        if precision >= target:
            return float(t)
        if precision > best_precision:
            best, best_precision = float(t), precision
    return best


def precision_recall(called: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Return (precision, recall) of the "no match" calls against labels (1 = not carried)."""
    tp = float((called & (y == 1)).sum())
    return (tp / called.sum() if called.sum() else 0.0, tp / (y == 1).sum() if (y == 1).sum() else 0.0)


DEFAULT_NOMATCH: NoMatchModel | None = NoMatchModel(
    means=[0.37664670658682636, 1.1137724550898203, 3.0, 0.29191616766467077, 0.2969061876247506,
           0.5101796407185629, 0.39326101326255386],
    scales=[0.37554156892965024, 1.1129028863521122, 0.8334331277571787, 0.35692864577540884, 0.3595601602383696,
            0.39312052456932556, 0.1969709455701456],
    coef=[0.8123058067571295, 0.9769265215066935, 0.30450254948677336, -0.09346689767255201, -0.18047302307398222,
          -2.1222579504722687, -0.5364487407461332],
    intercept=0.17690527095390754, threshold=0.48755950133668685,
    trained_on="evals/data/search_nomatch (167 queries, demo seed 42)")
"""The shipped model: ``python -m evals.search_nomatch --catalog <demo catalog.csv> --fit`` (2026-12-02) over the
seed-42 demo catalogue with the shipped search setting. Unknown letter words push towards "no match", the top
hit's text containing the query's words and a high cosine away from it. Held-out (5-fold CV × 5 seeds, model and
threshold fitted on the training folds): precision 0.918 (0.891–0.932), recall 0.934; on all 167 queries it was
fitted on (tuning figures): 0.943 / 0.932. For another catalogue, ``salesagent train-search --nomatch FILE``
fits its own."""
