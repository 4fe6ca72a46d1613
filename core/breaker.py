"""A circuit breaker for an endpoint that keeps failing (the LLM): after ``fail_max`` failures in a row no call
goes through for ``reset_timeout`` seconds, then one trial decides. Imports nothing of the project but the
errors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from core.errors import LLMUnavailableError


class CircuitOpenError(LLMUnavailableError):
    """The endpoint failed too often in a row; it is not called until the reset time has passed."""


class CircuitBreaker:
    """Closed: calls go through, failures in a row are counted. Open (after ``fail_max`` of them): no call
    goes through for ``reset_timeout`` seconds. Then half-open: one trial call at a time; its success closes the
    circuit, its failure opens it again.

    The lock is held only while the state changes, never during a call: concurrent turns call the model side by
    side. (pybreaker 1.4, tried first, holds its lock for the whole call: it serialised every model call of the
    process, and deadlocked against the admission gate a turn gives back while it waits.)
    """

    def __init__(self, *, fail_max: int, reset_timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.fail_max = fail_max
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half-open``."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "open" if self._clock() - self._opened_at < self.reset_timeout else "half-open"

    def admit(self) -> None:
        """Raise :class:`CircuitOpenError` when no call may go through now (open, or a trial is running)."""
        with self._lock:
            if self._opened_at is None:
                return
            if self._clock() - self._opened_at < self.reset_timeout or self._trial:
                raise CircuitOpenError(f"the LLM endpoint keeps failing; it is not called for a while "
                                       f"({self.reset_timeout:.0f} s)")
            self._trial = True  # half-open: this call is the trial

    def succeeded(self) -> None:
        """Record a successful call: the circuit closes."""
        with self._lock:
            self._failures, self._opened_at, self._trial = 0, None, False

    def failed(self) -> None:
        """Record a failed call: the circuit opens at ``fail_max`` failures in a row, or at a failed trial."""
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self.fail_max:
                self._opened_at, self._trial = self._clock(), False

    def half_open(self) -> None:
        """Let the next call be a trial now (what the reset timeout does; for operators and tests)."""
        with self._lock:
            if self._opened_at is not None:
                self._opened_at = self._clock() - self.reset_timeout
