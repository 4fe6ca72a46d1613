"""Fixtures of the store tests: one demo database per test session (generated once, ~15 s), and helpers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from store_test_helpers import DEMO_SEED, DEMO_TODAY

from core.config import Settings
from store.demo import DemoReport, generate_demo


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Engine, DemoReport]]:
    """A migrated SQLite database with the seed-42 demo loaded (anchored on ``DEMO_TODAY``)."""
    from store.db import make_engine
    from store.migrate import upgrade_head

    settings = Settings(data_dir=tmp_path_factory.mktemp("demo") / "var", _env_file=None)  # type: ignore[call-arg]
    engine = make_engine(settings)
    upgrade_head(engine)
    report = generate_demo(settings, engine, seed=DEMO_SEED, today=DEMO_TODAY)
    yield settings, engine, report
    engine.dispose()
