"""Model lifecycle: train and persist a version, load one, switch to a newer version another process wrote
(in the background), and bring one customer's rows up to date without a retrain.

The serving facade (:mod:`ranking.serving`) reads the pipeline through :meth:`LoadedModel.serving`; nothing here
knows about premises or personalisation rules.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine

from core.config import Settings
from core.errors import ModelFitError
from ranking import artefacts
from ranking.interactions import ORDER
from ranking.pipeline import PipelineConfig, RankingPipeline
from ranking.store_source import company_history, days_since_epoch, load_snapshot

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainReport:
    """What ``salesagent train`` fitted and where it wrote it."""

    version: str
    customers: int
    items: int
    interactions: int
    seconds: float
    path: str


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


def load_current(settings: Settings, engine: Engine, *, vectors: dict[str, np.ndarray] | None = None,
                 ) -> tuple[RankingPipeline, str]:
    """Return the pipeline of the CURRENT version and its name, training one first when none exists or the
    current one was written by other code."""
    version = artefacts.current_version(settings.models_dir)
    if version is None:
        version = train(settings, engine, vectors=vectors).version
    try:
        pipe, _manifest = artefacts.load(settings.models_dir, version)
    except artefacts.StaleModelError as err:
        logger.warning("%s; retraining", err)
        version = train(settings, engine, vectors=vectors).version
        pipe, _manifest = artefacts.load(settings.models_dir, version)
    return pipe, version


class LoadedModel:
    """The pipeline in memory, swapped under a lock when a newer version or one customer's rows come in."""

    def __init__(self, pipeline: RankingPipeline, engine: Engine, *, version: str = "",
                 models_dir: Path | None = None, reload_every: float | None = None) -> None:
        """``models_dir`` + ``reload_every`` (seconds; 0 = on every call, None = never): look at
        ``models_dir/CURRENT`` at most that often and switch (in the background) to a version a ``salesagent
        train`` in another process wrote, so a running portal picks up the nightly retrain without a restart.
        ``engine`` is read only by :meth:`update_customer` (a background refresh, not a turn)."""
        self.engine = engine
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
    def serving(self) -> Iterator[RankingPipeline]:
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
        with self.serving() as current:
            if current is not pipe:  # a newer model came in meanwhile: read again in its id maps
                found = company_history(self.engine, company_id, current.users, current.items)
            if found.user is None:
                return False
            current.update_user(found.user, found.rows)
        return found.personal
