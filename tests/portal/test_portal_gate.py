"""The turn gate admits in arrival order and never more than its width."""

from __future__ import annotations

import threading

import pytest

from portal.services.gate import TurnGate


def test_gate_is_first_come_first_served_and_bounded() -> None:
    gate = TurnGate(1)
    order: list[int] = []
    inside = 0
    peak = 0
    guard = threading.Lock()
    release_first = threading.Event()
    queued = threading.Condition()

    def turn(i: int) -> None:
        nonlocal inside, peak
        with gate.admit():
            with guard:
                inside += 1
                peak = max(peak, inside)
                order.append(i)
            if i == 0:
                release_first.wait()
            with guard:
                inside -= 1

    first = threading.Thread(target=turn, args=(0,))
    first.start()
    while not order:  # the first turn is inside
        with queued:
            queued.wait(0.01)
    threads = []
    for i in range(1, 6):  # queue the others one by one, in a known order
        t = threading.Thread(target=turn, args=(i,))
        t.start()
        threads.append(t)
        while gate.waiting < i:
            with queued:
                queued.wait(0.01)
    release_first.set()
    for t in [first, *threads]:
        t.join()
    assert order == [0, 1, 2, 3, 4, 5]
    assert peak == 1


def test_no_gate_for_server_databases_and_bad_width() -> None:
    from sqlalchemy import create_engine

    assert TurnGate.for_engine(create_engine("sqlite://")).width == 1
    assert TurnGate.for_engine(create_engine("postgresql+psycopg://u:p@127.0.0.1/x")).width is None
    with TurnGate(None).admit():
        pass
    with pytest.raises(ValueError, match="width must be at least 1"):
        TurnGate(0)
