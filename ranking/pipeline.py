"""All candidate sources fitted together on one :class:`Interactions`, plus the blend for one customer.

This is the production path: the service (store) and the eval commands (Online Retail) both call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from ranking.als import ALSParams, ALSRanker
from ranking.blender import BlendConfig, Blended, blend
from ranking.buy_again import BuyAgainParams, BuyAgainRanker
from ranking.content import ContentRanker
from ranking.interactions import Interactions, replace_row
from ranking.models import Explanation
from ranking.popularity import PopularityRanker, Segment
from ranking.together import BoughtTogether, CoPurchaseRanker

PERSONAL_SOURCES = ("buy_again", "als", "co_purchase", "content")


@dataclass(frozen=True)
class PipelineConfig:
    """Every hyper-parameter of the production ranking (defaults tuned on a validation split, docs/ranking.md)."""

    als: ALSParams = field(default_factory=ALSParams)
    buy_again: BuyAgainParams = field(default_factory=BuyAgainParams)
    blend: BlendConfig = field(default_factory=BlendConfig)
    knn_k: int = 50
    knn_half_life_days: float | None = None
    popularity_half_life_days: float = 14.0
    min_segment_buyers: int = 5
    kind_weights: Mapping[int, float] | None = None


class RankingPipeline:
    """Fitted sources over one id space (``interactions.users`` / ``.items``)."""

    def __init__(self, config: PipelineConfig | None = None) -> None:
        self.config = config or PipelineConfig()

    def fit(self, inter: Interactions, vectors: Mapping[str, np.ndarray] | None = None,
            personal_users: np.ndarray | None = None) -> RankingPipeline:
        """Fit every source. ``personal_users`` (bool per user) limits the personal models to customers who may
        be profiled; aggregates (popularity, baskets) use every order."""
        c = self.config
        personal = inter if personal_users is None else inter.select(personal_users[inter.user])
        kw = dict(c.kind_weights) if c.kind_weights else None
        self.als = ALSRanker(c.als, kw).fit(personal)
        self.buy_again = BuyAgainRanker(c.buy_again).fit(personal)
        self.co_purchase = CoPurchaseRanker(c.knn_k, c.knn_half_life_days).fit(personal)
        self.bought_together = BoughtTogether().fit(inter)
        self.popularity = PopularityRanker(c.popularity_half_life_days, c.min_segment_buyers).fit(inter)
        self.content = ContentRanker(vectors).fit(personal)
        self.users, self.items = inter.users, inter.items
        self.item_names = dict(inter.item_names)
        self.item_categories = dict(inter.item_categories)
        cats = {c: k for k, c in enumerate(sorted(set(self.item_categories.values())))}
        self.category_codes = np.array([cats.get(self.item_categories.get(s, ""), -1) if
                                        self.item_categories.get(s) else -1 for s in self.items])
        self.seen = inter.matrix().tocsr()
        self.now = inter.now
        self.user_idx = inter.user_index()
        self.item_idx = inter.item_index()
        return self

    def update_user(self, user: int, history: Interactions) -> None:
        """Refresh one known customer from their whole current history (orders and usable events in this
        pipeline's id maps) without a retrain: ALS factors (item factors fixed), buy-again, co-purchase and
        content rows, and the seen-items mask. Aggregates over every customer (item neighbours, repeat rates,
        popularity, baskets) wait for the next retrain. An empty history clears the customer's personal rows,
        which is what an opt-out needs."""
        if not 0 <= user < len(self.users):
            raise ValueError(f"user code {user} is not in the model (0..{len(self.users) - 1}); retrain instead")
        rows = history.select(history.user == user)
        c = self.config
        kw = dict(c.kind_weights) if c.kind_weights else None
        self.als.update_users(np.array([user]), rows.matrix(kw, c.als.half_life_days, now=self.now)[user])
        self.buy_again.update_user(user, rows)
        self.co_purchase.update_user(user, rows, self.now)
        self.content.update_user(user, rows)
        self.seen = replace_row(self.seen, user, rows.matrix()[user])

    # --- one customer ----------------------------------------------------------------------------------------

    def has_history(self, user: int | None) -> bool:
        """True when the customer has interactions in the model. A company trained without any (a new customer
        in the store) is cold start: zero ALS factors score every item alike, and ranking those ties would put
        arbitrary products, with no premise to show, into its list."""
        return user is not None and 0 <= user < min(self.als.n_users, self.seen.shape[0]) and self.seen[user].nnz > 0

    def sources_for(self, user: int | None, *, personal: bool = True, anchors: Iterable[int] = (),
                    query_vec: np.ndarray | None = None, segment: Segment | None = None,
                    ) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
        """Return the dense score vector of every applicable source and the exploration scores."""
        anchors = [a for a in anchors if 0 <= a < len(self.items)]
        src: dict[str, np.ndarray] = {}
        known = personal and self.has_history(user)
        if known:
            assert user is not None
            src["buy_again"] = self.buy_again.score_user(user)
            src["als"] = self.als.score_user(user)
            src["co_purchase"] = self.co_purchase.score_user(user)
            if self.content.available and self.config.blend.weights.get("content", 0.0) > 0:
                src["content"] = self.content.score_user(user)
        if personal:
            src["popularity"] = self.popularity.segment_scores(segment if segment is not None else
                                                              self.popularity.user_segment.get(user or -1))[0]
        else:
            src["popularity"] = self.popularity.global_score
        src["popularity"] = np.where(src["popularity"] > 0, src["popularity"], -np.inf)
        if anchors:
            src["bought_together"] = self.bought_together.for_items(anchors)
        ctx_vecs = []
        V = self.content.V
        if V is not None:
            ctx_vecs = [V[a] for a in anchors if V[a].any()]
            if query_vec is not None:
                ctx_vecs.append(np.asarray(query_vec, dtype=np.float32))
        if ctx_vecs:
            ctx = self.content.score_vector(np.mean(ctx_vecs, axis=0))
            ctx[anchors] = -np.inf
            src["context"] = ctx
        explore = None
        if personal:
            prof = self.content.profile(userid=user) if known else None
            if prof is None and query_vec is not None:
                prof = np.asarray(query_vec, dtype=np.float32)
            if prof is not None:  # semantic closeness needs catalogue vectors: no vectors, no exploration slot
                explore = self.content.score_vector(prof)
        return src, explore

    def recommend(self, user: int | None, k: int = 10, *, personal: bool = True, anchors: Iterable[int] = (),
                  query_vec: np.ndarray | None = None, segment: Segment | None = None,
                  exclude: Iterable[int] = (), config: BlendConfig | None = None) -> list[Blended]:
        """Return the blended top ``k`` for one customer (``user`` None = cold start) in a context."""
        anchors = list(anchors)
        src, explore = self.sources_for(user, personal=personal, anchors=anchors, query_vec=query_vec,
                                        segment=segment)
        excluded = np.zeros(len(self.items), dtype=bool)
        excluded[[e for e in exclude if 0 <= e < len(self.items)] + anchors] = True
        seen = None
        if user is not None and personal and 0 <= user < self.seen.shape[0]:
            seen = np.zeros(len(self.items), dtype=bool)
            seen[self.seen[user].indices] = True
        return blend(src, k, config or self.config.blend, excluded=excluded, categories=self.category_codes,
                     bestsellers=self.popularity.top_bestsellers(self.config.blend.bestseller_top),
                     explore_scores=explore, seen=seen)

    def explain(self, user: int | None, item: int, sources: Iterable[str], *, anchors: Iterable[int] = (),
                segment: Segment | None = None, personal: bool = True) -> dict[str, Explanation]:
        """Return each contributing source's evidence for ``item``."""
        out: dict[str, Explanation] = {}
        anchors = list(anchors)
        for s in sources:
            if s == "buy_again" and user is not None:
                out[s] = self.buy_again.explain(user, item)
            elif s == "als" and user is not None:
                out[s] = self.als.explain(user, item)
            elif s == "co_purchase" and user is not None:
                out[s] = self.co_purchase.explain(user, item)

            elif s == "bought_together":
                out[s] = self.bought_together.explain(user if user is not None else -1, item,
                                                      anchors if anchors else None)
            elif s == "popularity":
                seg = segment if personal else None
                out[s] = (self.popularity.explain(user if user is not None else -1, item, seg) if personal
                          else self.popularity.explain(-1, item, None))
                if not personal:
                    out[s] = Explanation(out[s].score, s, {**out[s].evidence, "segment": None})
            elif s in ("content", "exploration") and user is not None and user >= 0 and self.content.available:
                out[s] = self.content.explain(user, item)
            elif s == "context" and self.content.V is not None and anchors:
                V = self.content.V
                sims = [(a, float(V[a] @ V[item])) for a in anchors]
                a, sim = max(sims, key=lambda x: x[1])
                out[s] = Explanation(sim, s, {"anchor": a, "similarity": sim})
        return out
