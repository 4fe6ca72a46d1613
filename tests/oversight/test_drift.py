"""The drift monitor (issue 23, acceptance): a week whose messages are all Polish and twice as long alerts; a
week drawn from the reference's distribution does not; the statistics alone; the CLI's exit code, log line and
webhook."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from oversight_world import add_chat_week
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from core.errors import ConfigError, InputError
from oversight.drift import (
    DriftOptions,
    compare_binary,
    compare_categorical,
    compare_coverage,
    compare_numeric,
    monitor,
    parse_span,
    psi,
    raise_alerts,
)

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
WINDOW_START = NOW - timedelta(days=7)
REFERENCE_START = WINDOW_START - timedelta(days=28)
OPTS = DriftOptions()


def _store(make_store: Callable[[], Engine], **week: Any) -> Engine:
    engine = make_store()
    add_chat_week(engine, seed=1, start=REFERENCE_START, days=28, conversations=240)
    add_chat_week(engine, seed=2, start=WINDOW_START, days=7, conversations=60, **week)
    return engine


@pytest.fixture(scope="module")
def same(make_store: Callable[[], Engine]) -> Engine:
    return _store(make_store)


@pytest.fixture(scope="module")
def shifted(make_store: Callable[[], Engine]) -> Engine:
    return _store(make_store, polish_share=1.0, words=(6, 24))


def _signals(engine: Engine) -> dict[str, Any]:
    with Session(engine) as s:
        report = monitor(s, window=timedelta(days=7), reference=timedelta(days=28), now=NOW)
    return {"report": report, **{x.name: x for x in report.signals}}


def test_a_week_like_the_reference_raises_no_alert(same: Engine) -> None:
    got = _signals(same)
    assert got["report"].alert is False and got["report"].alerts == []
    assert got["language"].status == "ok" and got["language"].window_n == 120
    assert got["message_length"].status == "ok" and got["message_length"].reference_n == 480
    assert got["masked_pii"].status == "ok"
    # what the store holds nothing of is said, not guessed
    assert got["tool_calls"].status == "not_recorded" and got["coverage"].status == "insufficient"


def test_an_all_polish_week_of_twice_as_long_messages_alerts(shifted: Engine) -> None:
    got = _signals(shifted)
    report = got["report"]
    assert report.alert is True
    assert {s.name for s in report.signals if s.status == "alert"} == {"language", "message_length"}
    assert got["language"].window_shares == {"en": 0.0, "pl": 1.0}
    assert got["language"].psi is not None and got["language"].psi > 1
    assert got["message_length"].window_value > 1.6 * got["message_length"].reference_value
    assert got["message_length"].test == "kolmogorov-smirnov" and got["message_length"].p_value < 1e-6
    assert any(line.startswith("language:") for line in report.alerts)


# --- the statistics alone -------------------------------------------------------------------------------------


def test_psi_is_zero_for_equal_shares_and_grows_with_the_shift() -> None:
    assert psi([0.5, 0.5], [0.5, 0.5]) == pytest.approx(0.0, abs=1e-9)
    assert psi([0.5, 0.5], [0.6, 0.4]) == pytest.approx(0.1 * np.log(1.2) + 0.1 * np.log(1.25), rel=1e-3)
    assert psi([0.5, 0.5], [0.9, 0.1]) > psi([0.5, 0.5], [0.6, 0.4])


def test_numbers_drawn_alike_stay_ok_and_a_doubled_scale_alerts() -> None:
    rng = np.random.default_rng(0)
    ref = rng.lognormal(3, 0.5, 2000).tolist()
    assert compare_numeric("x", "input", ref, rng.lognormal(3, 0.5, 300).tolist(), OPTS).status == "ok"
    moved = compare_numeric("x", "input", ref, (2 * rng.lognormal(3, 0.5, 300)).tolist(), OPTS)
    assert moved.status == "alert" and moved.psi is not None and moved.psi > 0.2


def test_a_share_needs_both_a_clear_test_and_a_large_enough_move() -> None:
    ref = [True] * 1000 + [False] * 9000  # 10 %
    small_move = [True] * 1200 + [False] * 8800  # 12 %: clear with this much data, but only 2 points
    assert compare_binary("x", "input", ref, small_move, OPTS).status == "ok"
    assert compare_binary("x", "input", ref, [True] * 300 + [False] * 700, OPTS).status == "alert"
    assert compare_binary("x", "input", ref, [True] * 5, OPTS).status == "insufficient"


def test_categories_and_coverage() -> None:
    rng = np.random.default_rng(1)
    ref = rng.choice(["a", "b", "c"], 900).tolist()
    assert compare_categorical("x", "input", ref, rng.choice(["a", "b", "c"], 200).tolist(), OPTS).status == "ok"
    new_category = compare_categorical("x", "input", ref, ["d"] * 150 + ["a"] * 50, OPTS)
    assert new_category.status == "alert" and new_category.window_shares["d"] == 0.75
    skus = [f"S{i}" for i in range(400)]
    ref_recs = rng.choice(skus, 2000).tolist()
    assert compare_coverage("c", "output", ref_recs, rng.choice(skus, 300).tolist(), 400, OPTS).status == "ok"
    narrow = compare_coverage("c", "output", ref_recs, rng.choice(skus[:40], 300).tolist(), 400, OPTS)
    assert narrow.status == "alert" and narrow.change is not None and narrow.change < -0.5


@pytest.mark.parametrize(("text", "hours"), [("7d", 168), ("12h", 12), ("2w", 336), (" 1.5d ", 36)])
def test_spans(text: str, hours: float) -> None:
    assert parse_span(text) == timedelta(hours=hours)


@pytest.mark.parametrize("text", ["7", "0d", "-1d", "7 days", ""])
def test_a_bad_span_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="expected a length"):
        parse_span(text)


# --- alerts: log line, webhook, exit code -----------------------------------------------------------------------


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]], list[int]]]:
    """A local HTTP endpoint that records what is POSTed to it; answers the status in ``status[0]``."""
    received: list[dict[str, Any]] = []
    status = [204]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(status[0])
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook?token=s3cret", received, status
    server.shutdown()
    server.server_close()


def test_an_alert_is_a_log_line_and_a_webhook_post(shifted: Engine, webhook: Any,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    url, received, status = webhook
    report = _signals(shifted)["report"]
    with caplog.at_level(logging.WARNING, logger="salesagent.oversight"):
        raise_alerts(report, webhook_url=url)
    assert [r.getMessage() for r in caplog.records if "drift alert" in r.getMessage()] == [
        f"drift alert: {line}" for line in report.alerts]
    assert received[0]["event"] == "salesagent.drift" and received[0]["alerts"] == report.alerts
    status[0] = 500
    with pytest.raises(ConfigError, match="answered HTTP 500") as err:
        raise_alerts(report, webhook_url=url)
    assert "s3cret" not in str(err.value)  # the URL's query may hold a token


def _cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, args: list[str], **env: str) -> Any:
    from core.config import get_settings
    from salesagent.cli import app

    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(Path(engine.url.database or "").parent))
    monkeypatch.delenv("SALESAGENT_DATABASE_URL", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, args)
    finally:
        get_settings.cache_clear()


def test_the_command_exits_11_on_an_alert_and_0_without(same: Engine, shifted: Engine, webhook: Any,
                                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from salesagent.cli.oversight import DRIFT_EXIT

    url, received, _ = webhook
    at = ["--at", NOW.strftime("%Y-%m-%dT%H:%M:%S")]
    quiet = _cli(same, monkeypatch, ["monitor", *at, "--json"], SALESAGENT_ALERT_WEBHOOK_URL=url)
    assert quiet.exit_code == 0, quiet.output
    assert json.loads(quiet.stdout)["alert"] is False and received == []
    out = tmp_path / "drift.html"
    loud = _cli(shifted, monkeypatch, ["monitor", *at, "--out", str(out)], SALESAGENT_ALERT_WEBHOOK_URL=url)
    assert loud.exit_code == DRIFT_EXIT == 11, loud.output
    assert "language" in loud.stdout and "alert" in loud.stdout
    assert len(received) == 1 and out.read_text().count('data-status="alert"') == 2
    bad = _cli(same, monkeypatch, ["monitor", "--window", "week"])
    assert isinstance(bad.exception, InputError)  # main() prints it as one line, exit code 2


def test_recorded_turn_signals_are_monitored(make_store: Callable[[], Engine]) -> None:
    """When turns record their signals (``store.oversight.record_turn_signals``), tool calls per turn, scores and
    empty searches are compared too: a window whose turns call twice the tools and find nothing alerts."""
    import random

    from store.oversight import record_turn_signals, turn_signals_between

    engine = make_store()
    rng = random.Random(5)
    with Session(engine) as s:
        for i in range(400):
            window = i >= 300
            at = (WINDOW_START + timedelta(hours=i - 300)) if window else (REFERENCE_START + timedelta(hours=2 * i))
            calls = ["search_catalog"] * rng.randint(1, 2) * (2 if window else 1)
            record_turn_signals(s, conversation_id=f"c{i}", tool_calls=calls,
                                scores=[rng.random() for _ in range(3)], searches=1,
                                no_result_searches=int(window and rng.random() < 0.5), at=at)
        s.commit()
    with Session(engine) as s:
        assert len(turn_signals_between(s, start=REFERENCE_START, end=NOW)) == 400
    got = _signals(engine)
    assert got["tool_calls"].status == "alert" and got["tool_calls"].window_value > got["tool_calls"].reference_value
    assert got["no_result_search"].status == "alert" and got["no_result_search"].reference_value == 0.0
    assert got["score"].status == "ok"  # the same distribution of scores
