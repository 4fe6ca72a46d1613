"""Content-based similarity from catalogue embeddings (e.g. ``retrieval``'s ``vectors_for(skus)``)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp

from core.errors import InputError
from ranking.base import Ranker, top_n
from ranking.interactions import Interactions, replace_row
from ranking.models import Explanation


def vectors_matrix(items: np.ndarray, vectors: Mapping[str, np.ndarray] | None) -> np.ndarray | None:
    """Return an L2-normalised (n_items x d) float32 matrix aligned to ``items`` (zero rows where unknown)."""
    if not vectors:
        return None
    dims = {np.asarray(v).shape[-1] for v in vectors.values()}
    if len(dims) != 1:
        raise InputError(f"item vectors have mixed dimensions: {sorted(dims)}")
    out = np.zeros((len(items), dims.pop()), dtype=np.float32)
    for k, sku in enumerate(items):
        v = vectors.get(sku)
        if v is not None:
            out[k] = np.asarray(v, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


class ContentRanker(Ranker):
    """Cosine similarity between item vectors; a user's profile is the weighted mean of the vectors of what they
    ordered or (with a legal basis) viewed."""

    name = "content"

    def __init__(self, vectors: Mapping[str, np.ndarray] | np.ndarray | None = None) -> None:
        self.vectors_in = vectors

    V: np.ndarray | None = None
    missing: np.ndarray | None = None

    def fit(self, interactions: Interactions) -> ContentRanker:
        if isinstance(self.vectors_in, np.ndarray):
            v = self.vectors_in.astype(np.float32)
            norms = np.linalg.norm(v, axis=1, keepdims=True)
            self.V = (v / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        else:
            self.V = vectors_matrix(interactions.items, self.vectors_in)
        self.vectors_in = None
        self.missing = None if self.V is None else np.asarray(~self.V.any(axis=1))  # items without a vector, once
        self.history = interactions.matrix().tocsr()
        self.bought = interactions.orders().matrix().tocsr()
        self.n_items = interactions.n_items
        return self

    def update_user(self, userid: int, interactions: Interactions) -> None:
        """Replace one customer's history and bought rows (their whole history in ``interactions``)."""
        rows = interactions.select(interactions.user == userid)
        self.history = replace_row(self.history, userid, rows.matrix()[userid])
        self.bought = replace_row(self.bought, userid, rows.orders().matrix()[userid])

    @property
    def available(self) -> bool:
        return self.V is not None

    def score_vector(self, vec: np.ndarray) -> np.ndarray:
        """Return cosine scores of every item against ``vec`` (``-inf`` for items without a vector)."""
        if self.V is None:
            return np.full(self.n_items, -np.inf, dtype=np.float32)
        v = np.asarray(vec, dtype=np.float32).ravel()
        v = v / (np.linalg.norm(v) or 1.0)
        s = self.V @ v
        if self.missing is not None:  # set together with V in fit
            s[self.missing] = -np.inf
        return s

    def profile(self, rows: sp.csr_matrix | None = None, userid: int | None = None) -> np.ndarray | None:
        """Return the user's interest vector (weighted mean of history vectors) or None without history."""
        if self.V is None:
            return None
        row = rows if rows is not None else (self.history[userid] if userid is not None
                                             and 0 <= userid < self.history.shape[0] else None)
        if row is None or row.nnz == 0:
            return None
        w = np.log1p(row.data).astype(np.float32)
        vec = w @ self.V[row.indices]
        return vec if np.linalg.norm(vec) > 0 else None

    def score_user(self, userid: int) -> np.ndarray:
        vec = self.profile(userid=userid)
        if vec is None:
            return np.full(self.n_items, -np.inf, dtype=np.float32)
        return self.score_vector(vec)

    def similar_items(self, itemid: int, N: int = 10) -> tuple[np.ndarray, np.ndarray]:
        if self.V is None or not self.V[itemid].any():
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        return top_n(self.score_vector(self.V[itemid]), N, exclude=[itemid])

    def explain(self, userid: int, itemid: int) -> Explanation:
        score = float(self.score_user(userid)[itemid]) if self.V is not None else 0.0
        if self.V is None or userid < 0 or userid >= self.history.shape[0]:
            return Explanation(score, self.name, {})
        row = self.history[userid]
        if row.nnz == 0:
            return Explanation(score, self.name, {})
        sims = self.V[row.indices] @ self.V[itemid]
        k = int(np.argmax(sims))
        anchor = int(row.indices[k])
        return Explanation(score, self.name, {"anchor": anchor, "similarity": float(sims[k]),
                                              "anchor_bought": bool(self.bought[userid, anchor] > 0)})
