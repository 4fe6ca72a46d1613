"""Popularity: global and per segment (industry x size band), counted in distinct buyers, recency-weighted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.errors import ModelFitError
from ranking.base import Ranker, top_n
from ranking.interactions import Interactions
from ranking.models import Explanation

Segment = tuple[str, str]


class PopularityRanker(Ranker):
    """Recency-weighted distinct buyers per item; a user scores with their segment's table when it has at least
    ``min_segment_buyers`` customers, else with the global one."""

    name = "popularity"

    def __init__(self, half_life_days: float = 30.0, min_segment_buyers: int = 5) -> None:
        self.half_life_days = half_life_days
        self.min_segment_buyers = min_segment_buyers

    def fit(self, interactions: Interactions) -> PopularityRanker:
        orders = interactions.orders()
        if len(orders.user) == 0:
            raise ModelFitError("popularity: no order lines")
        df = pd.DataFrame({"u": orders.user, "i": orders.item, "t": orders.t})
        last = df.groupby(["u", "i"]).t.max().reset_index()
        last["w"] = np.power(0.5, (interactions.now - last.t) / self.half_life_days)
        n = interactions.n_items
        self.global_score = np.bincount(last.i, weights=last.w, minlength=n).astype(np.float32)
        self.global_buyers = np.bincount(last.i, minlength=n)
        self.bestsellers = np.argsort(-self.global_buyers, kind="stable")
        self.user_segment: dict[int, Segment] = {}
        uidx = interactions.user_index()
        for ext, seg in interactions.user_segments.items():
            if ext in uidx and seg[0] and seg[1]:
                self.user_segment[uidx[ext]] = (str(seg[0]), str(seg[1]))
        self.segments: dict[Segment, tuple[np.ndarray, np.ndarray, int]] = {}
        if self.user_segment:
            last["seg"] = last.u.map(self.user_segment)
            for seg, g in last.dropna(subset=["seg"]).groupby("seg"):
                members = g.u.nunique()
                if members >= self.min_segment_buyers:
                    self.segments[seg] = (np.bincount(g.i, weights=g.w, minlength=n).astype(np.float32),
                                          np.bincount(g.i, minlength=n), int(members))
        self.n_items = n
        return self

    def top_bestsellers(self, n: int = 10) -> np.ndarray:
        """Return the codes of the ``n`` items with the most distinct buyers overall."""
        return self.bestsellers[:n]

    def segment_scores(self, segment: Segment | None) -> tuple[np.ndarray, Segment | None]:
        """Return the score vector for ``segment`` (or global when unknown or too small) and the segment used."""
        if segment is not None and segment in self.segments:
            return self.segments[segment][0], segment
        return self.global_score, None

    def score_user(self, userid: int) -> np.ndarray:
        s, _ = self.segment_scores(self.user_segment.get(userid))
        s = s.copy()
        s[s <= 0] = -np.inf
        return s

    def recommend_segment(self, segment: Segment | None, N: int = 10) -> tuple[np.ndarray, np.ndarray]:
        s, _ = self.segment_scores(segment)
        s = s.copy()
        s[s <= 0] = -np.inf
        return top_n(s, N)

    def explain(self, userid: int, itemid: int, segment: Segment | None = None) -> Explanation:
        seg = segment if segment is not None else self.user_segment.get(userid)
        s, used = self.segment_scores(seg)
        if used is not None:
            _, buyers, members = self.segments[used]
            return Explanation(float(s[itemid]), self.name, {
                "segment": list(used), "buyers": int(buyers[itemid]), "segment_customers": members,
                "half_life_days": self.half_life_days})
        return Explanation(float(s[itemid]), self.name, {
            "segment": None, "buyers": int(self.global_buyers[itemid]), "half_life_days": self.half_life_days})
