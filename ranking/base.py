"""The one contract every ranker follows: ``fit``, ``recommend -> (ids, scores)``, ``similar_items``, ``explain``.

``recommend`` takes one user code or an array of them; ``exclude=`` drops item codes, ``candidates=`` ranks only
the given item codes; passing both raises ``ValueError`` naming both. Scores are float32, best first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

import numpy as np

from ranking.interactions import Interactions
from ranking.models import Explanation


def check_options(exclude: Iterable[int] | None, candidates: Iterable[int] | None) -> None:
    """Raise ``ValueError`` when both ``exclude`` and ``candidates`` are given."""
    if exclude is not None and candidates is not None:
        raise ValueError("pass either exclude= or candidates=, not both (exclude the items from candidates instead)")


def top_n(scores: np.ndarray, n: int, *, exclude: Iterable[int] | None = None,
          candidates: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return the ids and scores of the ``n`` best entries of a dense score vector; ``-inf`` entries never appear."""
    check_options(exclude, candidates)
    scores = np.asarray(scores, dtype=np.float32)
    if candidates is not None:
        cand = np.asarray(list(candidates), dtype=np.int64)
        if len(cand) and (cand.min() < 0 or cand.max() >= len(scores)):
            raise IndexError("some candidates= ids are not in the model")
        masked = np.full_like(scores, -np.inf)
        masked[cand] = scores[cand]
        scores = masked
    elif exclude is not None:
        scores = scores.copy()
        ex = np.asarray([e for e in exclude if 0 <= e < len(scores)], dtype=np.int64)
        scores[ex] = -np.inf
    n = min(n, int(np.isfinite(scores).sum()))
    if n <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    part = np.argpartition(-scores, n - 1)[:n] if n < len(scores) else np.arange(len(scores))
    order = part[np.lexsort((part, -scores[part]))]
    return order.astype(np.int64), scores[order]


class Ranker(ABC):
    """Base of every candidate source; subclasses implement :meth:`score_user` and :meth:`explain`."""

    name: str = "ranker"

    @abstractmethod
    def fit(self, interactions: Interactions) -> Ranker:
        """Fit on ``interactions`` and return self."""

    @abstractmethod
    def score_user(self, userid: int) -> np.ndarray:
        """Return a dense score vector over all items for one user code (``-inf`` = not a candidate)."""

    @abstractmethod
    def explain(self, userid: int, itemid: int) -> Explanation:
        """Return the score of ``itemid`` for ``userid`` and its evidence."""

    def similar_items(self, itemid: int, N: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Return items similar to ``itemid`` as (ids, scores); sources without a notion of similarity return
        nothing."""
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)

    def recommend(self, userid: int | np.ndarray, N: int = 10, *,
                  exclude: Iterable[int] | None = None, candidates: Iterable[int] | None = None,
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Return (ids, scores) for one user code, or lists of them for an array of user codes."""
        check_options(exclude, candidates)
        if np.isscalar(userid):
            return top_n(self.score_user(int(userid)), N, exclude=exclude,  # type: ignore[arg-type]
                         candidates=candidates)
        out = [top_n(self.score_user(int(u)), N, exclude=exclude, candidates=candidates)
               for u in np.asarray(userid)]
        return [o[0] for o in out], [o[1] for o in out]  # type: ignore[return-value]
