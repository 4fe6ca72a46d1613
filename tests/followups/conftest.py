"""Follow-up fixtures: the world of ``fu_world`` (a real SQLite store with known co-purchase counts) and the portal
app over it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fu_world import World, build_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = build_world(tmp_path / "var")
    yield w
    w.engine.dispose()


@pytest.fixture
def portal_client(world: World, resources: Any) -> Iterator[Any]:
    """The portal app over this world's engine and settings. The shared real resources of the test session
    (catalogue search, recommender, masker over the small store) fill the other fields: the follow-up routes
    use only the database."""
    from fastapi.testclient import TestClient

    from portal.app import create_app

    app = create_app(world.settings, replace(resources, settings=world.settings, engine=world.engine))
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client
