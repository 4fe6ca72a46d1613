"""The same schema, demo loader and importer on a real, throwaway PostgreSQL cluster (skipped without binaries).

``scripts/test.sh`` installs Debian's ``postgresql`` when apt-get is available; the cluster listens on a Unix
socket in a temp folder only, and is stopped and deleted afterwards.
"""

from __future__ import annotations

import glob
import gzip
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from store_test_helpers import DEMO_TODAY, fingerprint, shared_data_path

from core.config import Settings

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
PORT = 54329

pytestmark = pytest.mark.skipif(not PG_BIN or not shutil.which("runuser") and os.geteuid() == 0,
                                reason="PostgreSQL server binaries not installed (apt-get install postgresql)")


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """A fresh cluster on a Unix socket; yields a SQLAlchemy URL to its ``postgres`` database."""
    bin_dir = PG_BIN[-1]
    root = Path(tempfile.mkdtemp(prefix="salesagent-pg-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    try:
        subprocess.run(_as_postgres([f"{bin_dir}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust",
                                     "-E", "UTF8", "--no-sync"]), check=True, capture_output=True, timeout=120)
        subprocess.run(_as_postgres([f"{bin_dir}/pg_ctl", "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                                     f"-p {PORT} -k {root} -c listen_addresses='' -c fsync=off", "start"]),
                       check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a throwaway PostgreSQL cluster: {err}")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={PORT}"
    finally:
        subprocess.run(_as_postgres([f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"]),
                       check=False, capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_engine(pg_url: str, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    """An engine on a schema-less database: every test starts from an empty ``public`` schema."""
    from store.db import make_engine

    settings = Settings(data_dir=tmp_path / "var", database_url=pg_url, _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("drop schema public cascade"))
        conn.execute(text("create schema public"))
    yield settings, engine
    engine.dispose()


def test_migrations_match_the_models_on_postgres(pg_engine: tuple[Settings, Engine]) -> None:
    from store.migrate import head_revision, schema_diff, upgrade_head

    _, engine = pg_engine
    assert upgrade_head(engine) == (None, head_revision())
    assert schema_diff(engine) == []
    assert upgrade_head(engine) == (head_revision(), head_revision())


def test_demo_loads_and_reloads_on_postgres(pg_engine: tuple[Settings, Engine],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import store.demo
    from store.migrate import upgrade_head

    settings, engine = pg_engine
    upgrade_head(engine)
    monkeypatch.setattr(store.demo, "N_COMPANIES", 60)
    first = store.demo.generate_demo(settings, engine, seed=9, today=DEMO_TODAY)
    before = fingerprint(engine)
    second = store.demo.generate_demo(settings, engine, seed=9, today=DEMO_TODAY)
    assert fingerprint(engine) == before and second.orders == first.orders > 0
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from orders")).scalar_one() == first.orders
        assert conn.execute(text("select count(*) from event")).scalar_one() == first.events


def test_online_retail_import_is_idempotent_on_postgres(pg_engine: tuple[Settings, Engine], tmp_path: Path) -> None:
    from store.importers import import_online_retail
    from store.migrate import upgrade_head

    _, engine = pg_engine
    upgrade_head(engine)
    source = shared_data_path("online_retail", "online_retail_2010-12_to_2011-09.csv.gz")
    path = tmp_path / "slice.csv.gz"
    with gzip.open(source, "rt", encoding="utf-8") as src, gzip.open(path, "wt", encoding="utf-8") as dst:
        dst.writelines(itertools.islice(src, 5_001))
    first = import_online_retail(engine, path)
    second = import_online_retail(engine, path)
    assert (first.orders, first.lines) == (second.orders, second.lines)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from orderline")).scalar_one() == first.lines
