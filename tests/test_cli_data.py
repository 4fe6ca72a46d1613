"""The data commands of the CLI: help that teaches, one-line errors with exit codes, idempotent runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.config import get_settings
from salesagent.cli import app

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
SALESAGENT = [sys.executable, "-c", "from salesagent.cli import main; main()"]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh SALESAGENT_DATA_DIR for in-process and subprocess runs."""
    target = tmp_path / "var"
    monkeypatch.setenv("SALESAGENT_DATA_DIR", str(target))
    monkeypatch.delenv("SALESAGENT_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield target
    get_settings.cache_clear()


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COLUMNS="400")  # keep Rich from wrapping the one error line
    return subprocess.run([*SALESAGENT, *args], check=False, capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.mark.parametrize("command", [["db", "init"], ["db", "status"], ["db", "revision"], ["generate-demo"],
                                     ["import", "catalog"], ["import", "orders"], ["demo"]])
def test_every_data_command_has_help_with_examples(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


@pytest.mark.parametrize(("args", "code", "message"), [
    (["import", "orders", "missing.csv"], 4, "error: file not found: missing.csv"),
    (["import", "orders", "fake.csv.gz"], 2, "error: fake.csv.gz ends in .gz but is not a gzip file"),
    (["import", "orders", "other.csv"], 2, "error: other.csv is not in Online Retail format: missing column(s)"),
    (["import", "catalog", "other.csv"], 2, "error: other.csv has no column for 'sku'"),
    (["import", "catalog", "other.csv", "--map", "a"], 2, "error: --map expects COLUMN=FIELD"),
])
def test_errors_are_one_line_and_an_exit_code(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              args: list[str], code: int, message: str) -> None:
    (tmp_path / "fake.csv.gz").write_text("not gzip")
    (tmp_path / "other.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(tmp_path)
    result = _run(*args)
    assert result.returncode == code, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_db_init_and_imports_are_idempotent(data_dir: Path, tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(f"{HEADER}\n1001,A1,RED LAMP,6,2011-01-02 10:00:00,2.50,12345.0,Poland\nC1002,A1,RED LAMP,-6,2011-01-03 10:00:00,2.50,12345.0,Poland" + "\n")
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("sku,name,price\nS201-B16,ABB S201 B16,18.90\n")
    first = _run("db", "init")
    assert first.returncode == 0 and "migrated from empty to revision" in first.stdout
    assert "already at revision" in _run("db", "init").stdout
    for _ in range(2):
        result = _run("import", "orders", str(orders), "--format", "online-retail", "--json")
        assert result.returncode == 0, result.stderr
        assert '"orders": 1' in result.stdout and '"cancellation": 1' in result.stdout
    result = _run("import", "catalog", str(catalog))
    assert result.returncode == 0 and "products" in result.stdout


def test_demo_runs_its_steps_and_skips_a_loaded_demo(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import store.demo
    from salesagent.cli import data

    monkeypatch.setattr(store.demo, "N_COMPANIES", 40)  # the full demo is timed in benchmarks/bench_data.py
    monkeypatch.setattr(data, "DEMO_STEPS", [s for s in data.DEMO_STEPS if s.name in ("database", "demo data")])
    calls: list[str] = []
    data.add_demo_step(data.DemoStep("serve-like", lambda ctx: calls.append(f"fg {ctx.progress}") or "served",
                                     foreground=True))
    data.add_demo_step(data.DemoStep("probe", lambda ctx: calls.append(str(ctx.seed)) or "probed"),
                       before="serve-like")
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--seed", "3"])
    assert first.exit_code == 0, first.output
    assert "products" in first.output and "40 companies" in first.output and calls == ["3", "fg None"]
    second = runner.invoke(app, ["demo", "--seed", "3"])
    assert second.exit_code == 0 and "already loaded" in second.output
    assert [s.name for s in data.DEMO_STEPS] == ["database", "demo data", "probe", "serve-like"]


def test_an_unreachable_database_is_one_line(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESAGENT_DATABASE_URL", "postgresql+psycopg://app:secret@127.0.0.1:1/salesagent")
    result = _run("db", "init")
    assert result.returncode == 3
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot open the database postgresql+psycopg://app:***@")
    assert "secret" not in result.stderr


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("SALESAGENT_EMBEDDED_ENGINE", "bogus", "SALESAGENT_EMBEDDED_ENGINE='bogus': Input should be 'edge' or 'local'"),
    ("SALESAGENT_MODEL_RELOAD_SECONDS", "-1", "SALESAGENT_MODEL_RELOAD_SECONDS='-1': Input should be greater than"),
])
def test_a_bad_setting_is_one_line_naming_the_variable(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                       variable: str, value: str, message: str) -> None:
    monkeypatch.setenv(variable, value)
    result = _run("db", "status")
    assert result.returncode == 3, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: bad setting (environment or .env): {message}"), lines
    assert "Traceback" not in result.stderr


def test_demo_runs_index_and_train_before_serving() -> None:
    import salesagent.cli  # noqa: F401  (registers every area's steps)
    from salesagent.cli.data import DEMO_STEPS

    assert [s.name for s in DEMO_STEPS] == ["database", "demo data", "index", "train", "serve"]


def test_index_while_another_process_holds_the_index_is_one_line(data_dir: Path) -> None:
    from core.config import Settings
    from tests.support.index_holder import index_held_elsewhere

    path = Settings(data_dir=data_dir, _env_file=None).qdrant_path / "edge" / "catalog"  # type: ignore[call-arg]
    with index_held_elsewhere(path):
        result = _run("index")
    assert result.returncode == 3, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: the catalogue index in ") and "in use by another" in lines[0]
    assert "indexing" not in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["index"], ["train"], ["customers"], ["serve", "--port", "18799"]])
def test_a_command_before_db_init_is_one_line(data_dir: Path, command: list[str]) -> None:
    from store.db import MISSING_SCHEMA

    result = _run(*command)
    assert result.returncode == 3, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines == [f"error: {MISSING_SCHEMA}"], result.stderr
    assert MISSING_SCHEMA.startswith("the database has no tables yet: run `salesagent db init`")
    assert not result.stdout.strip()  # no progress bar, no URLs of a server that will not start


def test_serve_while_another_process_holds_the_index_stops_with_one_line(data_dir: Path) -> None:
    """The portal starts in the background (it answers /health at once), yet a start-up that cannot succeed still
    ends the command: exit 3 and the reason as its last line, not a server that stays up unready."""
    from core.config import Settings
    from tests.portal.live_server import free_port
    from tests.support.index_holder import index_held_elsewhere

    assert _run("db", "init").returncode == 0
    path = Settings(data_dir=data_dir, _env_file=None).qdrant_path / "edge" / "catalog"  # type: ignore[call-arg]
    with index_held_elsewhere(path):
        result = _run("serve", "--port", str(free_port()))
    assert result.returncode == 3, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert lines[-1].startswith("error: the catalogue index in ") and "in use by another" in lines[-1], lines
    assert "Traceback" not in result.stderr
