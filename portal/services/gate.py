"""Admission of agent turns: on SQLite, one turn at a time, first come first served.

SQLite allows one writer: concurrent turns wait for the database lock by sleeping and polling, which is unfair
(measured at 20 sessions: p95 3.8-5.4 s, max 10-12 s). Queueing them in the process, in arrival order with a
direct hand-over, gives the same or better throughput with a much shorter tail (see docs/portal.md). A turn
gives its place back while it waits for a model (:meth:`TurnGate.released`; it holds no database lock then), so
a slow endpoint holds up no other customer. Server databases (Postgres) get no gate.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine


class TurnGate:
    """Admit at most ``width`` turns at once, in arrival order (``width=None``: no limit).

    A released place is handed to the oldest waiter directly, so a newcomer cannot overtake the queue.
    """

    def __init__(self, width: int | None) -> None:
        if width is not None and width < 1:
            raise ValueError(f"width must be at least 1 or None, got {width}")
        self.width = width
        self._free = width or 0
        self._waiters: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    @classmethod
    def for_engine(cls, engine: Engine) -> TurnGate:
        """Return a gate of width 1 for SQLite (single writer), no gate for server databases."""
        return cls(1 if engine.dialect.name == "sqlite" else None)

    @property
    def waiting(self) -> int:
        """How many turns wait for a place."""
        return len(self._waiters)

    def _acquire(self) -> None:
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return
            ticket = threading.Event()
            self._waiters.append(ticket)
        ticket.wait()

    def _release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()  # the place passes to the oldest waiter
            else:
                self._free += 1

    @contextmanager
    def released(self) -> Iterator[None]:
        """Give back the place an admitted turn holds while it waits on something slow (a model), and queue for
        one again afterwards, in arrival order. Only inside :meth:`admit`."""
        if self.width is None:
            yield
            return
        self._release()
        try:
            yield
        finally:
            self._acquire()

    @contextmanager
    def admit(self) -> Iterator[None]:
        """Hold a place for the duration of one turn."""
        if self.width is None:
            yield
            return
        self._acquire()
        try:
            yield
        finally:
            self._release()
