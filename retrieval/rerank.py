"""The learned reranker: LightGBM LambdaRank over ``retrieval.features.FEATURES`` of the fused top candidates.

Trained by ``salesagent train-search`` from judged queries (qrels files and the shop's own search logs, see
``retrieval.judgments``); it reorders the top ``RERANK_DEPTH`` fused candidates and leaves the rest behind them.
Off when no model is trained. Parameters are fixed here; only the number of boosting rounds is chosen, by
cross-validation on the training queries (``retrieval.tuning``).

The boosting starts from the fused order (LightGBM's ``init_score``: ``-PRIOR_SCALE · ln(1 + position)``), so
the trees learn *corrections* to the fusion, and a model with few rounds stays close to it: with a few hundred
judged queries that is the difference between a small gain and a large loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retrieval.features import FEATURES

RERANK_DEPTH = 30
"""How many fused candidates the reranker reorders."""
ROUNDS = (25, 100, 400)
"""Boosting rounds tried by cross-validation on the training queries."""
PARAMS: dict[str, Any] = {
    "objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 7, "min_data_in_leaf": 20,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambdarank_truncation_level": 20,
    "lambda_l2": 1.0, "verbose": -1, "num_threads": 1, "deterministic": True, "force_row_wise": True, "seed": 0,
}
"""Small trees, shrinkage, bagging and L2: a few hundred judged queries overfit anything bigger."""
PRIOR_SCALE = 1.0
"""Weight of the fused order the boosting starts from (0: from scratch)."""
_POSITION = FEATURES.index("fused_rank")


def prior(x: np.ndarray, scale: float) -> np.ndarray:
    """Return the fused-order score each candidate starts from: ``-scale · ln(1 + position)``."""
    return -scale * x[:, _POSITION].astype(np.float64) if len(x) else np.zeros(0)


@dataclass
class Group:
    """One judged query's candidates: feature rows and relevance grades (unjudged = 0)."""

    qid: str
    x: np.ndarray
    y: np.ndarray
    skus: list[str] = field(default_factory=list)


class Reranker:
    """A trained LambdaRank model (LightGBM text format) that scores feature rows."""

    def __init__(self, model_text: str, rounds: int, prior_scale: float = PRIOR_SCALE) -> None:
        import lightgbm as lgb

        self.model_text = model_text
        self.rounds = rounds
        self.prior_scale = prior_scale
        self._booster = lgb.Booster(model_str=model_text)
        if self._booster.num_feature() != len(FEATURES):
            raise ValueError(f"the reranker has {self._booster.num_feature()} features, this code {len(FEATURES)}")

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Return one score per row (higher first)."""
        if len(x) == 0:
            return np.zeros(0)
        return prior(x, self.prior_scale) + np.asarray(self._booster.predict(x, num_threads=1), dtype=np.float64)

    def importance(self) -> dict[str, float]:
        """Return the total gain of each feature (what the model leans on), largest first."""
        gains = self._booster.feature_importance(importance_type="gain")
        return dict(sorted(zip(FEATURES, (float(g) for g in gains), strict=True), key=lambda kv: -kv[1]))


def fit_reranker(groups: Sequence[Group], rounds: int, prior_scale: float = PRIOR_SCALE) -> Reranker:
    """Return a LambdaRank model trained on ``groups`` for ``rounds`` boosting rounds, starting from the fused
    order (groups without any relevant candidate teach nothing and are left out)."""
    import lightgbm as lgb

    useful = [g for g in groups if len(g.y) > 1 and g.y.max() > 0]
    if not useful:
        raise ValueError("no judged query has a relevant product among its candidates")
    x = np.vstack([g.x for g in useful])
    y = np.concatenate([g.y for g in useful]).astype(np.int32)
    data = lgb.Dataset(x, y, group=[len(g.y) for g in useful], feature_name=list(FEATURES),
                       init_score=prior(x, prior_scale), free_raw_data=False)
    booster = lgb.train(PARAMS, data, num_boost_round=rounds)
    return Reranker(booster.model_to_string(), rounds, prior_scale)


def reorder(scores: np.ndarray) -> list[int]:
    """Return candidate positions by reranker score, ties in the fused order (a stable sort)."""
    return sorted(range(len(scores)), key=lambda i: -float(scores[i]))
