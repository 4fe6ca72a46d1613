"""The portal tests' world: one seeded SQLite database and the real resources built over it (shared by the
fixtures in ``conftest.py``; the schema test builds a second one of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal_dataset import Seeded, seed
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Settings, apply_offline_env


@dataclass(frozen=True)
class World:
    """Everything the portal tests share."""

    settings: Settings
    engine: Engine
    resources: Any
    ids: Seeded


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings for a test portal: a fresh data dir, no LLM (the rule planner answers), small message limit, and
    no rate limits unless a test asks for them (the shared app serves hundreds of requests per token)."""
    overrides.setdefault("rate_limits_enabled", False)
    s = Settings(data_dir=data_dir, _env_file=None, llm_base_url=None, max_message_chars=500,  # type: ignore[call-arg]
                 **overrides)
    s.ensure_dirs()
    apply_offline_env(s)
    return s


def build_world(data_dir: Path) -> World:
    """Seed a database in ``data_dir`` and build the real resources over it."""
    from salesagent.wiring import build_resources
    from store.db import create_all, make_engine

    settings = make_settings(data_dir)
    engine = make_engine(settings)
    create_all(engine)
    with Session(engine) as session:
        ids = seed(session)
    resources = build_resources(settings, engine=engine)
    return World(settings=settings, engine=engine, resources=resources, ids=ids)
