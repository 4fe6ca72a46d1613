"""The follow-up scheduler ``salesagent serve`` runs: a daemon thread that plans and sends due follow-ups every
``followup_interval_minutes`` (0: off). Each tick is :func:`followups.sender.run_once`; a failing tick is logged
and the next one runs as usual. Several processes may run it at once (the outbox's unique rows and atomic claims
keep every e-mail to one send)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from core.config import Settings
from followups.sender import run_once

log = logging.getLogger("salesagent.followups")


class FollowupScheduler:
    """Run ``tick`` (default: plan and send once) every ``interval`` seconds on a daemon thread until stopped."""

    def __init__(self, settings: Settings, engine: Engine, *, interval: float | None = None,
                 tick: Callable[[], object] | None = None) -> None:
        self.interval = interval if interval is not None else settings.followup_interval_minutes * 60
        self._tick = tick or (lambda: run_once(engine, settings))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ticks = 0
        self.failures = 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                result = self._tick()
                log.info("follow-ups: %s", result)
            except Exception:  # keep the portal up; the next tick tries again
                self.failures += 1
                log.exception("follow-up tick failed")
            finally:
                self.ticks += 1

    def start(self) -> bool:
        """Start the thread (not when the interval is 0); return whether it runs."""
        if self.interval <= 0 or self._thread is not None:
            return self._thread is not None
        self._thread = threading.Thread(target=self._run, name="followup-scheduler", daemon=True)
        self._thread.start()
        return True

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the thread to stop and wait for its current tick."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


@contextmanager
def scheduled(settings: Settings, engine: Engine) -> Iterator[FollowupScheduler]:
    """Run the scheduler for the duration of the block (``salesagent serve``)."""
    scheduler = FollowupScheduler(settings, engine)
    if scheduler.start():
        log.info("follow-up scheduler: every %.0f s", scheduler.interval)
    try:
        yield scheduler
    finally:
        scheduler.stop()
