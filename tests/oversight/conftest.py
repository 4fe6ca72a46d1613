"""Fixtures of the oversight tests: a fresh SQLite store per module (built by ``oversight_world``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from core.config import Settings, apply_offline_env


@pytest.fixture(scope="module")
def make_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Engine]]:
    """Return a factory of empty stores (every table created); disposed after the module."""
    from store.db import create_all, make_engine

    engines: list[Engine] = []

    def make() -> Engine:
        settings = Settings(data_dir=Path(tmp_path_factory.mktemp("oversight")) / "var",  # type: ignore[call-arg]
                            _env_file=None)
        settings.ensure_dirs()
        apply_offline_env(settings)
        engine = make_engine(settings)
        create_all(engine)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()
