"""ALS candidate generator (implicit) on confidence-weighted orders and legal-basis events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from core.errors import ModelFitError
from ranking.base import Ranker, top_n
from ranking.interactions import Interactions, confidence, replace_row
from ranking.models import Explanation

_CONTROLLER: ThreadpoolController | None = None


def one_blas_thread() -> Any:
    """A context that holds BLAS to one thread (implicit's advice). ``threadpool_limits`` scans every loaded
    library on each call, 4-5 ms in a process that has torch and spaCy loaded: as much as the rest of a
    recommendation with premises, so the scan is done once."""
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")


@dataclass(frozen=True)
class UserEquation:
    """One customer's solved ALS user equation, what implicit's ``explain`` calls ``user_weights``: the Cholesky
    factor of (YᵀCᵤY + λI) and the history it was built from."""

    factor: tuple[np.ndarray, bool]
    items: np.ndarray
    confidence: np.ndarray
    counted: np.ndarray
    """Which history items count towards the score (implicit skips negative confidence)."""


def user_equation(model: Any, user_items: sp.csr_matrix, userid: int) -> UserEquation:
    """Return implicit's ``user_linear_equation`` + ``cho_factor`` for ``userid``, the history summed in one matrix
    product instead of implicit's Python loop over it (one ``np.outer`` per item: 10 ms per premise on a
    long-standing customer). The same arithmetic: ``tests/ranking/test_sources.py`` compares it with implicit."""
    from scipy.linalg import cho_factor

    sl = slice(user_items.indptr[userid], user_items.indptr[userid + 1])
    items = user_items.indices[sl]
    confidence = model.alpha * user_items.data[sl].astype(np.float64)
    factors = model.item_factors[items].astype(np.float64)
    a = (model.YtY.astype(np.float64) + model.regularization * np.eye(model.factors)
         + (factors.T * (np.abs(confidence) - 1.0)) @ factors)
    return UserEquation(cho_factor(a), items, confidence, confidence >= 0)


def item_contributions(model: Any, equation: UserEquation, itemid: int) -> tuple[float, np.ndarray]:
    """Return implicit's ``explain`` total for ``itemid`` and every history item's contribution to it
    (sᵘᵢⱼ = (yᵢᵀWᵘ) yⱼ cᵤⱼ), in history order."""
    from scipy.linalg import cho_solve

    weighted = cho_solve(equation.factor, model.item_factors[itemid].astype(np.float64))
    contributions = (model.item_factors[equation.items].astype(np.float64) @ weighted) * equation.confidence
    return float(contributions[equation.counted].sum()), contributions


@dataclass(frozen=True)
class ALSParams:
    """Hyper-parameters (tuned on validation folds carved from training, averaged over ALS seeds; see
    docs/ranking.md)."""

    factors: int = 128
    regularization: float = 0.1
    iterations: int = 15
    scheme: str = "bm25"
    """Confidence weighting: bm25, log, linear or binary."""
    half_life_days: float | None = 60.0
    """Older interactions count less (None: no decay)."""
    seed: int = 0
    ensemble: int = 3
    """How many ALS models (seeds ``seed``, ``seed + 100``, ...) are fitted and averaged. One model's ranking
    depends on its random start enough to move the new-items gain by several points; the mean of three scored
    better on the validation folds over eight seeds, at one extra fit per model (docs/ranking.md)."""


class ALSRanker(Ranker):
    """Matrix factorisation (the mean of ``params.ensemble`` implicit ALS models); ``explain`` gives the mean of
    implicit's per-history-item contributions."""

    name = "als"

    def __init__(self, params: ALSParams | None = None, kind_weights: dict[int, float] | None = None) -> None:
        self.params = params or ALSParams()
        if self.params.ensemble < 1:
            raise ValueError(f"ALSParams.ensemble must be at least 1, got {self.params.ensemble}")
        self.kind_weights = kind_weights
        self.models: list[Any] = []
        self.user_items: sp.csr_matrix | None = None
        self._weights: tuple[int, list[Any]] | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_weights", None)  # a serving cache, not part of the model artefact
        return state

    def fit(self, interactions: Interactions) -> ALSRanker:
        from implicit.cpu.als import AlternatingLeastSquares

        self._weights = None
        p = self.params
        raw = interactions.matrix(self.kind_weights, p.half_life_days)
        if raw.nnz == 0:
            raise ModelFitError("ALS: no interactions to fit on")
        self.raw = raw
        self.user_items = confidence(raw, p.scheme)
        models = []
        with one_blas_thread():
            for k in range(p.ensemble):
                model = AlternatingLeastSquares(
                    factors=p.factors, regularization=p.regularization, iterations=p.iterations,
                    random_state=p.seed + 100 * k, num_threads=1,
                )
                model.fit(self.user_items, show_progress=False)
                if not np.isfinite(model.item_factors).all():
                    raise ModelFitError("ALS produced NaN factors")
                models.append(model)
        self.models = models
        return self

    @property
    def n_users(self) -> int:
        return int(self.models[0].user_factors.shape[0]) if self.models else 0

    def score_user(self, userid: int) -> np.ndarray:
        assert self.models
        if userid < 0 or userid >= self.n_users:
            return np.full(self.models[0].item_factors.shape[0], -np.inf, dtype=np.float32)
        scores = [m.item_factors @ m.user_factors[userid] for m in self.models]
        return scores[0] if len(scores) == 1 else np.asarray(np.mean(scores, axis=0, dtype=np.float32))

    def similar_items(self, itemid: int, N: int = 10) -> tuple[np.ndarray, np.ndarray]:
        assert self.models
        sims = []
        for m in self.models:
            f = m.item_factors
            norms = np.linalg.norm(f, axis=1) + 1e-9
            sims.append((f @ f[itemid]) / (norms * norms[itemid]))
        return top_n(np.mean(sims, axis=0), N, exclude=[itemid])

    def explain(self, userid: int, itemid: int) -> Explanation:
        assert self.models and self.user_items is not None
        if userid >= self.user_items.shape[0]:
            return Explanation(0.0, self.name, {"contributions": []})
        # a list's items share the customer: its factorised user equation (per model) is solved once per customer
        # and reused, not once per item; update_users and fit drop it
        cached = getattr(self, "_weights", None)
        if cached is not None and cached[0] == userid:
            equations = cached[1]
        else:
            with one_blas_thread():
                equations = [user_equation(m, self.user_items, userid) for m in self.models]
            self._weights = (userid, equations)
        solved = [item_contributions(m, eq, itemid) for m, eq in zip(self.models, equations, strict=True)]
        total = sum(t for t, _ in solved) / len(self.models)
        mean = np.mean([c for _, c in solved], axis=0)
        # the item itself is no reason for itself ("matches your pattern, driven by <this item>"): its own
        # history speaks through buy-again; name the other items that pull it up
        first = equations[0]
        pairs = [(int(i), float(c)) for i, c, counted in zip(first.items, mean, first.counted, strict=True)
                 if counted and i != itemid]
        best = sorted(pairs, key=lambda x: -x[1])[:3]
        return Explanation(total, self.name, {"contributions": best})

    def update_users(self, userids: np.ndarray, rows: sp.csr_matrix) -> None:
        """Refit the factors of ``userids`` from their full raw-confidence ``rows`` (no full retrain); new user
        codes beyond the model grow it."""
        assert self.models and self.user_items is not None
        self._weights = None
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
        with one_blas_thread():
            for m in self.models:
                m.partial_fit_users(userids, self.user_items[userids])
