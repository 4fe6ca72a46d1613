"""ALS candidate generator (implicit) on confidence-weighted orders and legal-basis events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from ranking.base import Ranker, top_n
from ranking.interactions import Interactions, confidence, replace_row
from ranking.models import Explanation
from salesagent.errors import ModelFitError


@dataclass(frozen=True)
class ALSParams:
    """Hyper-parameters (tuned on a validation split carved from training, see docs/ranking.md)."""

    factors: int = 128
    regularization: float = 0.05
    iterations: int = 15
    scheme: str = "bm25"
    """Confidence weighting: bm25, log, linear or binary."""
    half_life_days: float | None = 60.0
    """Older interactions count less (None: no decay)."""
    seed: int = 0


class ALSRanker(Ranker):
    """Matrix factorisation; ``explain`` gives implicit's per-history-item contributions."""

    name = "als"

    def __init__(self, params: ALSParams | None = None, kind_weights: dict[int, float] | None = None) -> None:
        self.params = params or ALSParams()
        self.kind_weights = kind_weights
        self.model: Any = None
        self.user_items: sp.csr_matrix | None = None

    def fit(self, interactions: Interactions) -> ALSRanker:
        from implicit.cpu.als import AlternatingLeastSquares

        p = self.params
        raw = interactions.matrix(self.kind_weights, p.half_life_days)
        if raw.nnz == 0:
            raise ModelFitError("ALS: no interactions to fit on")
        self.raw = raw
        self.user_items = confidence(raw, p.scheme)
        with threadpool_limits(1, "blas"):
            self.model = AlternatingLeastSquares(
                factors=p.factors, regularization=p.regularization, iterations=p.iterations,
                random_state=p.seed, num_threads=1,
            )
            self.model.fit(self.user_items, show_progress=False)
        if not np.isfinite(self.model.item_factors).all():
            raise ModelFitError("ALS produced NaN factors")
        return self

    @property
    def n_users(self) -> int:
        return 0 if self.model is None else int(self.model.user_factors.shape[0])

    def score_user(self, userid: int) -> np.ndarray:
        assert self.model is not None
        if userid < 0 or userid >= self.n_users:
            return np.full(self.model.item_factors.shape[0], -np.inf, dtype=np.float32)
        return self.model.item_factors @ self.model.user_factors[userid]

    def similar_items(self, itemid: int, N: int = 10) -> tuple[np.ndarray, np.ndarray]:
        assert self.model is not None
        f = self.model.item_factors
        norms = np.linalg.norm(f, axis=1) + 1e-9
        sims = (f @ f[itemid]) / (norms * norms[itemid])
        return top_n(sims, N, exclude=[itemid])

    def explain(self, userid: int, itemid: int) -> Explanation:
        assert self.model is not None and self.user_items is not None
        if userid >= self.user_items.shape[0]:
            return Explanation(0.0, self.name, {"contributions": []})
        with threadpool_limits(1, "blas"):
            total, top, _ = self.model.explain(userid, self.user_items, itemid, N=3)
        return Explanation(float(total), self.name, {"contributions": [(int(i), float(s)) for i, s in top]})

    def update_users(self, userids: np.ndarray, rows: sp.csr_matrix) -> None:
        """Refit the factors of ``userids`` from their full raw-confidence ``rows`` (no full retrain); new user
        codes beyond the model grow it."""
        assert self.model is not None and self.user_items is not None
        userids = np.asarray(userids, dtype=np.int64)
        raw = self.raw.tocsr()
        if raw.shape[0] <= userids.max():
            extra = sp.csr_matrix((int(userids.max()) + 1 - raw.shape[0], raw.shape[1]), dtype=raw.dtype)
            raw = sp.vstack([raw, extra], format="csr")
        rows = rows.tocsr()
        for k, u in enumerate(userids):
            raw = replace_row(raw, int(u), rows[k])
        self.raw = raw
        # BM25 needs the whole matrix's statistics: reweight it all (milliseconds), refit only these users
        self.user_items = confidence(self.raw, self.params.scheme)
        with threadpool_limits(1, "blas"):
            self.model.partial_fit_users(userids, self.user_items[userids])
