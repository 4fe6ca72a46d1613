"""The serving facade the tools and the portal use: candidates, blending and premises over the store's ids
(company, SKU), for a customer the caller already read. Consent rules come from :mod:`ranking.policy`, wording
from :mod:`ranking.premises`, the model in memory from :mod:`ranking.lifecycle`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine

from core.config import Settings
from core.errors import NotFoundError
from ranking.blender import Blended
from ranking.lifecycle import LoadedModel, load_current
from ranking.models import Customer, Explanation, RankedItem, RecContext
from ranking.pipeline import RankingPipeline
from ranking.policy import personalisation_for
from ranking.premises import premises_for, similar_premise

Embed = Callable[[list[str]], np.ndarray]


def load_recommender(settings: Settings, engine: Engine, *, embed: Embed | None = None,
                     vectors: dict[str, np.ndarray] | None = None, reload_every: float | None = None,
                     ) -> Recommender:
    """Return the Recommender of the CURRENT model version, training one first when none exists;
    ``reload_every`` seconds: see :class:`~ranking.lifecycle.LoadedModel` (the wiring passes
    ``settings.model_reload_seconds``)."""
    pipe, version = load_current(settings, engine, vectors=vectors)
    return Recommender(pipe, engine, version=version, embed=embed, models_dir=settings.models_dir,
                       reload_every=reload_every)


class Recommender:
    """Candidate generation + blending + premises over the store's ids (company id, SKU)."""

    def __init__(self, pipeline: RankingPipeline, engine: Engine, *, version: str = "",
                 embed: Embed | None = None, models_dir: Path | None = None,
                 reload_every: float | None = None) -> None:
        self.model = LoadedModel(pipeline, engine, version=version, models_dir=models_dir,
                                 reload_every=reload_every)
        self.embed = embed

    @property
    def version(self) -> str:
        """The model version serving now (it changes when a newer one is picked up)."""
        return self.model.version

    @property
    def pipe(self) -> RankingPipeline:
        """The pipeline serving now."""
        return self.model.pipe

    def refresh_model(self) -> bool:
        """Switch to a newer CURRENT version now (see :meth:`LoadedModel.refresh_model`)."""
        return self.model.refresh_model()

    def update_customer(self, company_id: int) -> bool:
        """Bring one customer's rows up to date (see :meth:`LoadedModel.update_customer`)."""
        return self.model.update_customer(company_id)

    # --- helpers -------------------------------------------------------------------------------------------

    def _item(self, code: int) -> tuple[str, str]:
        sku = str(self.pipe.items[code])
        return sku, str(self.pipe.item_names.get(sku) or "")

    def _codes(self, skus: Sequence[str | None]) -> list[int]:
        return [self.pipe.item_idx[s] for s in skus if s and s in self.pipe.item_idx]

    def _items(self, blended: list[Blended], user: int | None, *, anchors: list[int],
               segment: tuple[str, str] | None, personal: bool,
               described: tuple[str, np.ndarray] | None = None) -> list[RankedItem]:
        """Return the blended items with their premises; ``described`` (the text and its vector: a query or what
        a new customer said at onboarding) explains the context source when no product anchors it."""
        out = []
        V = self.pipe.content.V
        for b in blended:
            srcs = [s for s in b.contributions if s != "diversity_penalty"]
            ex = self.pipe.explain(user, b.item, srcs, anchors=anchors, segment=segment, personal=personal)
            if "context" in srcs and "context" not in ex and described is not None and V is not None:
                sim = float(V[b.item] @ np.asarray(described[1], dtype=np.float32))
                ex["query"] = Explanation(sim, "query", {"text": described[0], "similarity": sim})
            prem = premises_for(ex, self._item, personal=personal)
            out.append(RankedItem(sku=str(self.pipe.items[b.item]), score=b.score, sources=srcs, premises=prem,
                                  contributions=dict(b.contributions)))
        return out

    def _require(self, sku: str) -> int:
        if sku not in self.pipe.item_idx:
            raise NotFoundError(f"product {sku} is unknown to the ranking model")
        return self.pipe.item_idx[sku]

    # --- the contract --------------------------------------------------------------------------------------

    def recommend_for_customer(self, customer: Customer, context: RecContext | None = None, k: int = 10,
                               ) -> list[RankedItem]:
        """Return the top ``k`` for a customer in a context; non-personalised when it objected to profiling."""
        ctx = context or RecContext()
        policy = personalisation_for(customer)
        text = " ".join(t for t in [ctx.query or "", policy.described] if t).strip()
        query_vec = self.embed([text])[0] if text and self.embed is not None else None  # outside the lock
        with self.model.serving() as pipe:
            user = pipe.user_idx.get(customer.external_id) if policy.personal else None
            anchors = self._codes([ctx.product_sku, *ctx.cart_skus])
            blended = pipe.recommend(user, k, personal=policy.personal, anchors=anchors, query_vec=query_vec,
                                     segment=policy.segment)
            return self._items(blended, user, anchors=anchors, segment=policy.segment, personal=policy.personal,
                               described=(text, query_vec) if query_vec is not None else None)

    def bought_together(self, sku: str, k: int = 5) -> list[RankedItem]:
        """Return items added to the same orders as ``sku`` (confidence order) with support/confidence/lift."""
        with self.model.serving() as pipe:
            code = self._require(sku)
            ids, scores = pipe.bought_together.similar_items(code, k)
            out = []
            for i, s in zip(ids, scores, strict=True):
                ex = pipe.bought_together.explain(-1, int(i), [code])
                out.append(RankedItem(sku=str(pipe.items[i]), score=float(s), sources=["bought_together"],
                                      premises=premises_for({"bought_together": ex}, self._item),
                                      contributions={"bought_together": float(s)}))
            return out

    def similar_products(self, sku: str, k: int = 5) -> list[RankedItem]:
        """Return similar items: catalogue embeddings when available, else ALS item factors."""
        with self.model.serving() as pipe:
            code = self._require(sku)
            content = pipe.content.V is not None and bool(pipe.content.V[code].any())
            ranker = pipe.content if content else pipe.als
            ids, scores = ranker.similar_items(code, k)
            return [RankedItem(sku=str(pipe.items[i]), score=float(s), sources=[ranker.name],
                               premises=[similar_premise(sku, self._item(code)[1], float(s), by_content=content)],
                               contributions={ranker.name: float(s)})
                    for i, s in zip(ids, scores, strict=True)]

    def segment_bestsellers(self, industry: str | None, size_band: str | None, k: int = 10) -> list[RankedItem]:
        """Return the recency-weighted bestsellers of a segment (global when the segment is unknown/small)."""
        segment = (industry, size_band) if industry and size_band else None
        with self.model.serving() as pipe:
            ids, scores = pipe.popularity.recommend_segment(segment, k)  # type: ignore[arg-type]
            out = []
            for i, s in zip(ids, scores, strict=True):
                ex = pipe.popularity.explain(-1, int(i), segment)  # type: ignore[arg-type]
                out.append(RankedItem(sku=str(pipe.items[i]), score=float(s), sources=["popularity"],
                                      premises=premises_for({"popularity": ex}, self._item),
                                      contributions={"popularity": float(s)}))
            return out
