"""``salesagent audit equality`` end to end on a store with a known gap: the flag printed, the file written
(HTML or JSON), the audit record stored; bad input is one readable line and exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from oversight_world import Bias, build_audit_world
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from core.config import get_settings
from core.errors import InputError
from store.oversight import equality_audits

SALESAGENT = [sys.executable, "-c", "from salesagent.cli import main; main()"]


@pytest.fixture(scope="module")
def biased(make_store: Callable[[], Engine]) -> Engine:
    engine = make_store()
    build_audit_world(engine, seed=12, bias=Bias("region", "śląskie", 0.35))
    return engine


def _invoke(engine: Engine, monkeypatch: pytest.MonkeyPatch, *args: str) -> object:
    from salesagent.cli import app

    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(Path(engine.url.database or "").parent))
    monkeypatch.delenv("SALESAGENT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, ["audit", "equality", *args])
    finally:
        get_settings.cache_clear()


@pytest.mark.slow
def test_the_command_prints_the_flag_writes_the_report_and_stores_it(biased: Engine, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "audit.json"
    result = _invoke(biased, monkeypatch, "--month", "2026-10", "--out", str(out))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "FLAG region / approval_share: śląskie vs" in result.stdout  # type: ignore[attr-defined]
    data = json.loads(out.read_text())
    assert [(f["dimension"], f["metric"]) for f in data["flags"]] == [("region", "approval_share")]
    with Session(biased) as s:
        stored = equality_audits(s)
    assert len(stored) == 1 and stored[0].entity_id == "2026-10" and stored[0].actor == "cli"
    html = tmp_path / "audit.html"
    again = _invoke(biased, monkeypatch, "--month", "2026-10", "--out", str(html), "--no-store")
    assert again.exit_code == 0 and html.read_text().startswith("<!doctype html>")  # type: ignore[attr-defined]
    with Session(biased) as s:
        assert len(equality_audits(s)) == 1  # --no-store stored nothing


def test_a_bad_output_name_is_an_input_error(biased: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _invoke(biased, monkeypatch, "--month", "2026-10", "--out", "audit.pdf")
    assert isinstance(result.exception, InputError)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-13", "--out", "a.html"], "error: --month '2026-13': expected a month as YYYY-MM"),
    (["--month", "2026-10", "--out", "a.txt"], "error: --out must end in .json or .html, not 'a.txt'"),
])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path, args: list[str], message: str) -> None:
    env = dict(os.environ, COLUMNS="400", SALESAGENT_DATA_DIR=str(tmp_path / "var"))
    done = subprocess.run([*SALESAGENT, "audit", "equality", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines == [lines[0]] and lines[0].startswith(message), done.stderr
