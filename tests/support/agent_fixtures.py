"""Agent and tools fixtures: one real small store and its resources per test session (built once: embedder,
masker), registered for the whole suite by ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings, apply_offline_env
from tests.support.small_store import SmallStore, build_small_store


@pytest.fixture(scope="session")
def agent_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = Path(tmp_path_factory.mktemp("agent")) / "var"
    s = Settings(data_dir=data, _env_file=None, llm_base_url=None)  # type: ignore[call-arg]
    s.ensure_dirs()
    apply_offline_env(s)
    return s


@pytest.fixture(scope="session")
def agent_world(agent_settings: Settings) -> Iterator[tuple[object, SmallStore]]:
    """Resources (no LLM) over the small store; shared by the agent and tools tests."""
    from salesagent.wiring import build_resources
    from store.db import create_all, make_engine

    engine = make_engine(agent_settings)
    create_all(engine)
    ids = build_small_store(engine)
    resources = build_resources(agent_settings, engine=engine)
    from agent.intent_model import classifier_for

    # wait for the intent classifier the warm-up is fitting, as a server is warm before /ready: a test's first
    # LLM turn otherwise spent its 8 s model budget waiting for the embedder the fit holds
    classifier_for(agent_settings.models_dir, getattr(resources.catalog, "embedder", None))  # type: ignore[attr-defined]
    yield resources, ids
    resources.close()


@pytest.fixture(scope="session")
def resources(agent_world: tuple[object, SmallStore]) -> object:
    return agent_world[0]


@pytest.fixture(scope="session")
def ids(agent_world: tuple[object, SmallStore]) -> SmallStore:
    return agent_world[1]


@pytest.fixture(scope="session")
def demo_resources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Resources over the full generated demo (seed 42): the golden set and the browser test on demo data."""
    from salesagent.wiring import build_resources
    from store.db import create_all, make_engine
    from store.demo import generate_demo

    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("golden")) / "var", _env_file=None,  # type: ignore[call-arg]
                        llm_base_url=None)
    settings.ensure_dirs()
    apply_offline_env(settings)
    engine = make_engine(settings)
    create_all(engine)
    generate_demo(settings, engine, seed=42)
    res = build_resources(settings, engine=engine)
    yield res
    res.close()
