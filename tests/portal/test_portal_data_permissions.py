"""The data dir and the SQLite file are created readable by their owner only (issue 17: the database with
contacts' e-mails and NIPs was world-readable, 0644). Here with the portal tests because the portal is what
exposes the data; the code lives in ``core.config.Settings.ensure_dirs`` and ``store.db.make_engine``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from core.config import Settings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_and_database_are_owner_only(tmp_path: Path) -> None:
    from store.db import create_all, make_engine

    old = os.umask(0o022)  # the usual umask: without care files come out 0644 and folders 0755
    try:
        settings = Settings(data_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]
        engine = make_engine(settings)
        create_all(engine)
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        db = tmp_path / "var" / "salesagent.db"
        for path in (tmp_path / "var", settings.models_dir, settings.data_dir / "cache"):
            assert _mode(path) == 0o700, (path, oct(_mode(path)))
        for path in (db, db.with_name("salesagent.db-wal"), db.with_name("salesagent.db-shm")):
            assert path.exists() and _mode(path) == 0o600, (path, oct(_mode(path)))
        engine.dispose()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    from store.db import make_engine

    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    db = data / "salesagent.db"
    db.touch()
    db.chmod(0o644)
    make_engine(Settings(data_dir=data, _env_file=None)).dispose()  # type: ignore[call-arg]
    assert (_mode(data), _mode(db)) == (0o700, 0o600)
