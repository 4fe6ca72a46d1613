"""Agent fixtures: one real small store and its resources per test session (built once: embedder, masker)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/ is on sys.path (rootdir conftest): put the repo root first so ``tests.support`` and the real packages
# (not the test folders of the same name) are imported.
_ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)
for _name in ("agent", "tools"):
    if _name in sys.modules and getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]

from salesagent.config import Settings, apply_offline_env
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
    yield resources, ids
    resources.close()


@pytest.fixture(scope="session")
def resources(agent_world: tuple[object, SmallStore]) -> object:
    return agent_world[0]


@pytest.fixture(scope="session")
def ids(agent_world: tuple[object, SmallStore]) -> SmallStore:
    return agent_world[1]
