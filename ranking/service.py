"""The Recommender the tools use: store-backed, consent-aware, returning RankedItem with premises."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.config import Settings
from core.errors import ModelFitError, NotFoundError
from guardrails.consent import may_personalise
from guardrails.denylist import drop_protected
from ranking import artefacts
from ranking.blender import Blended
from ranking.interactions import ORDER
from ranking.models import Explanation, Premise, RankedItem, RecContext
from ranking.pipeline import PipelineConfig, RankingPipeline
from ranking.premises import premises_for
from ranking.store_source import company_history, days_since_epoch, load_snapshot
from store.models import Company, Order

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class TrainReport:
    version: str
    customers: int
    items: int
    interactions: int
    seconds: float
    path: str


logger = logging.getLogger(__name__)

def train(settings: Settings, engine: Engine, progress: Callable[[str], None] | None = None, *,
          config: PipelineConfig | None = None, vectors: dict[str, np.ndarray] | None = None) -> TrainReport:
    """Fit the production pipeline on the store and persist it as a new version; return a report."""
    say = progress or (lambda _m: None)
    t0 = time.perf_counter()
    snap = load_snapshot(engine)
    inter = snap.interactions
    if (inter.kind == ORDER).sum() == 0:
        raise ModelFitError("no orders in the store to train the ranking models on (run `salesagent demo`?)")
    say(f"fitting on {len(inter.user)} interactions, {inter.n_users} customers, {inter.n_items} products")
    pipe = RankingPipeline(config).fit(inter, vectors=vectors, personal_users=snap.personal)
    pipe.company_external = snap.company_external  # type: ignore[attr-defined]
    fingerprint = f"{len(inter.user)}:{inter.now}:{inter.n_users}:{inter.n_items}"
    version = artefacts.new_version(fingerprint)
    seconds = time.perf_counter() - t0
    folder = artefacts.save(settings.models_dir, version, pipe, {
        "customers": inter.n_users, "items": inter.n_items, "interactions": len(inter.user),
        "content_vectors": pipe.content.available, "train_seconds": round(seconds, 3),
        "config": repr(pipe.config)})
    say(f"saved model {version} in {folder}")
    removed = artefacts.prune(settings.models_dir, settings.models_keep)
    if removed:
        say(f"removed {len(removed)} older model version(s), keeping the newest {settings.models_keep}")
    return TrainReport(version, inter.n_users, inter.n_items, len(inter.user), seconds, str(folder))


def load_recommender(settings: Settings, engine: Engine, *, embed: Embed | None = None,
                     vectors: dict[str, np.ndarray] | None = None, reload_every: float | None = None,
                     ) -> Recommender:
    """Return the Recommender of the CURRENT model version, training one first when none exists;
    ``reload_every`` seconds: see :class:`Recommender` (the wiring passes ``settings.model_reload_seconds``)."""
    version = artefacts.current_version(settings.models_dir)
    if version is None:
        version = train(settings, engine, vectors=vectors).version
    try:
        pipe, _manifest = artefacts.load(settings.models_dir, version)
    except artefacts.StaleModelError as err:
        logger.warning("%s; retraining", err)
        version = train(settings, engine, vectors=vectors).version
        pipe, _manifest = artefacts.load(settings.models_dir, version)
    return Recommender(pipe, engine, version=version, embed=embed, models_dir=settings.models_dir,
                       reload_every=reload_every)


class Recommender:
    """Candidate generation + blending + premises over the store's ids (company id, SKU)."""

    def __init__(self, pipeline: RankingPipeline, engine: Engine, *, version: str = "",
                 embed: Embed | None = None, models_dir: Path | None = None,
                 reload_every: float | None = None) -> None:
        """``models_dir`` + ``reload_every`` (seconds; 0 = on every call, None = never): look at
        ``models_dir/CURRENT`` at most that often and switch (in the background) to a version a ``salesagent
        train`` in another process wrote, so a running portal picks up the nightly retrain without a restart."""
        self.engine = engine
        self.embed = embed
        self._lock = threading.RLock()
        """Held while the model or one customer's rows are swapped, and while a call reads them."""
        self._models_dir = models_dir
        self._reload_every = reload_every
        self._checked_at = time.monotonic()
        self._unloadable: str | None = None
        self._refresh_lock = threading.Lock()
        self._pending: dict[int, bool] = {}
        """Companies whose update is running -> whether another call asked for one meanwhile."""
        self._pending_lock = threading.Lock()
        self._use(pipeline, version)

    def _use(self, pipeline: RankingPipeline, version: str) -> None:
        # premises speak of "days ago" relative to today, not to the last training interaction
        today = days_since_epoch(datetime.now(UTC))
        pipeline.buy_again.now = max(pipeline.buy_again.now, today)
        self.pipe = pipeline
        self.version = version

    def refresh_model(self) -> bool:
        """Switch to the version ``models_dir/CURRENT`` names when it differs from the one in memory; return
        True when it switched. A version that cannot be loaded (written by other code, unreadable) is logged
        once and skipped: the model in memory keeps serving."""
        if self._models_dir is None or not self._refresh_lock.acquire(blocking=False):
            return False  # another thread is loading it already
        try:
            version = artefacts.current_version(self._models_dir)
            if version is None or version == self.version or version == self._unloadable:
                return False
            try:
                pipe, _manifest = artefacts.load(self._models_dir, version)
            except artefacts.StaleModelError as err:
                self._unloadable = version
                logger.warning("keeping ranking model %s: %s", self.version, err)
                return False
            with self._lock:
                old = self.version
                self._use(pipe, version)
            logger.info("ranking model %s replaced by %s", old, version)
            return True
        finally:
            self._refresh_lock.release()

    @contextmanager
    def _serving(self) -> Iterator[RankingPipeline]:
        """Hold the lock and yield the pipeline to use. When it is time to look and CURRENT names another
        version, a background thread loads it: this call is served by the model in memory, not kept waiting
        for the unpickling (a fraction of a second for the demo, longer for a big catalogue)."""
        if self._reload_every is not None and self._models_dir is not None:
            now = time.monotonic()
            if now - self._checked_at >= self._reload_every:
                self._checked_at = now
                version = artefacts.current_version(self._models_dir)
                if version not in (None, self.version, self._unloadable) and not self._refresh_lock.locked():
                    threading.Thread(target=self.refresh_model, name="ranking-model-reload", daemon=True).start()
        with self._lock:
            yield self.pipe

    # --- helpers -------------------------------------------------------------------------------------------

    def _name(self, code: int) -> str:
        sku = str(self.pipe.items[code])
        name = self.pipe.item_names.get(sku)
        return f"{sku} ({name})" if name else sku

    def _codes(self, skus: Sequence[str | None]) -> list[int]:
        return [self.pipe.item_idx[s] for s in skus if s and s in self.pipe.item_idx]

    def _company(self, company_id: int) -> tuple[Company, bool]:
        """Return the company (detached) and whether it has ordered yet, in one session."""
        with Session(self.engine) as s:
            company = s.get(Company, company_id)
            if company is None:
                raise NotFoundError(f"company {company_id} not found")
            ordered = s.exec(select(Order.id).where(Order.company_id == company_id).limit(1)).first() is not None
            s.expunge(company)
            return company, ordered

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
            prem = premises_for(ex, self._name, personal=personal)
            out.append(RankedItem(sku=str(self.pipe.items[b.item]), score=b.score, sources=srcs, premises=prem,
                                  contributions=dict(b.contributions)))
        return out

    # --- the contract --------------------------------------------------------------------------------------

    def recommend_for_customer(self, company_id: int, context: RecContext | None = None, k: int = 10,
                               ) -> list[RankedItem]:
        """Return the top ``k`` for a company in a context; non-personalised when it opted out of profiling."""
        ctx = context or RecContext()
        company, ordered = self._company(company_id)
        personal = may_personalise(company)
        segment = None
        if personal:
            feats = drop_protected({"industry": company.industry, "size_band": company.size_band,
                                    **({"onb_industry": ctx.onboarding.industry,
                                        "onb_size": ctx.onboarding.size_band} if ctx.onboarding else {})},
                                   source="ranking.context").features
            ind = feats.get("onb_industry") or feats.get("industry")
            size = feats.get("onb_size") or feats.get("size_band")
            segment = (str(ind), str(size)) if ind and size else None
        # what a new customer said at onboarding seeds content-based picks until its first order (views alone
        # do not make it known: the demo's new companies have browsed before they answer)
        plans = "" if ordered else ctx.onboarding.plans if ctx.onboarding else company.interests or ""
        text = " ".join(t for t in [ctx.query or "", plans if personal else ""] if t).strip()
        query_vec = self.embed([text])[0] if text and self.embed is not None else None  # outside the lock
        with self._serving() as pipe:
            user = pipe.user_idx.get(company.external_id) if personal else None
            anchors = self._codes([ctx.product_sku, *ctx.cart_skus])
            blended = pipe.recommend(user, k, personal=personal, anchors=anchors, query_vec=query_vec,
                                     segment=segment)
            return self._items(blended, user, anchors=anchors, segment=segment, personal=personal,
                               described=(text, query_vec) if query_vec is not None else None)

    def bought_together(self, sku: str, k: int = 5) -> list[RankedItem]:
        """Return items added to the same orders as ``sku`` (confidence order) with support/confidence/lift."""
        with self._serving() as pipe:
            code = self._require(sku)
            ids, scores = pipe.bought_together.similar_items(code, k)
            out = []
            for i, s in zip(ids, scores, strict=True):
                ex = pipe.bought_together.explain(-1, int(i), [code])
                out.append(RankedItem(sku=str(pipe.items[i]), score=float(s), sources=["bought_together"],
                                      premises=premises_for({"bought_together": ex}, self._name),
                                      contributions={"bought_together": float(s)}))
            return out

    def similar_products(self, sku: str, k: int = 5) -> list[RankedItem]:
        """Return similar items: catalogue embeddings when available, else ALS item factors."""
        with self._serving() as pipe:
            code = self._require(sku)
            content = pipe.content.V is not None and bool(pipe.content.V[code].any())
            ranker = pipe.content if content else pipe.als
            ids, scores = ranker.similar_items(code, k)
            out = []
            for i, s in zip(ids, scores, strict=True):
                if content:
                    text = f"similar to {self._name(code)} in description and attributes (similarity {100 * s:.0f}%)"
                else:
                    text = f"bought by the same kind of customers as {self._name(code)} (similarity {100 * s:.0f}%)"
                prem = Premise(kind="similar_content" if content else "similar_als", text=text,
                               data={"anchor": sku, "similarity": float(s)})
                out.append(RankedItem(sku=str(pipe.items[i]), score=float(s), sources=[ranker.name],
                                      premises=[prem], contributions={ranker.name: float(s)}))
            return out

    def segment_bestsellers(self, industry: str | None, size_band: str | None, k: int = 10) -> list[RankedItem]:
        """Return the recency-weighted bestsellers of a segment (global when the segment is unknown/small)."""
        segment = (industry, size_band) if industry and size_band else None
        with self._serving() as pipe:
            ids, scores = pipe.popularity.recommend_segment(segment, k)  # type: ignore[arg-type]
            out = []
            for i, s in zip(ids, scores, strict=True):
                ex = pipe.popularity.explain(-1, int(i), segment)  # type: ignore[arg-type]
                out.append(RankedItem(sku=str(pipe.items[i]), score=float(s), sources=["popularity"],
                                      premises=premises_for({"popularity": ex}, self._name),
                                      contributions={"popularity": float(s)}))
            return out

    def update_customer(self, company_id: int) -> bool:
        """Bring one known customer up to date from their current orders and usable events, without a retrain
        (ALS factors, buy-again, co-purchase, content, seen items; see ``RankingPipeline.update_user``). A
        company that opted out of profiling has its personal rows cleared instead. Return False when the model
        has never seen the company (it is served cold start until the next ``salesagent train``) or it opted
        out; raise ``NotFoundError`` for an unknown company id.

        Calls for a company whose update is already running coalesce: the call returns True at once and the
        running update reads the store once more when it is done, so a burst of events costs two updates, not
        one per event, and the last event is never missed."""
        with self._pending_lock:
            if company_id in self._pending:
                self._pending[company_id] = True
                return True
            self._pending[company_id] = False
        try:
            while True:
                result = self._update_once(company_id)
                with self._pending_lock:
                    if not self._pending[company_id]:
                        del self._pending[company_id]
                        return result
                    self._pending[company_id] = False
        except BaseException:
            with self._pending_lock:
                self._pending.pop(company_id, None)
            raise

    def _update_once(self, company_id: int) -> bool:
        pipe = self.pipe  # read the store outside the lock: a busy customer's history takes ~50 ms
        found = company_history(self.engine, company_id, pipe.users, pipe.items)
        with self._serving() as current:
            if current is not pipe:  # a newer model came in meanwhile: read again in its id maps
                found = company_history(self.engine, company_id, current.users, current.items)
            if found.user is None:
                return False
            current.update_user(found.user, found.rows)
        return found.personal

    def _require(self, sku: str) -> int:
        if sku not in self.pipe.item_idx:
            raise NotFoundError(f"product {sku} is unknown to the ranking model")
        return self.pipe.item_idx[sku]
