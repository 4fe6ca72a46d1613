"""Shared fixtures: real local resources (a SQLite file in a temp dir, embedded engines), never mocks."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.config import Settings, apply_offline_env

pytest_plugins = ["tests.support.agent_fixtures", "tests.support.browser"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@pytest.fixture(autouse=True)
def _no_remote_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that would open a connection to anything but this machine."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith(("127.", "/")) or host in ("localhost", "::1")
        ):
            raise RuntimeError(f"test tried to reach a remote endpoint: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose data dir is a fresh temp folder."""
    s = Settings(data_dir=tmp_path / "var", _env_file=None)  # type: ignore[call-arg]
    s.ensure_dirs()
    apply_offline_env(s)
    return s


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """A real SQLite engine with every table created."""
    from store.db import create_all, make_engine

    eng = make_engine(settings)
    create_all(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as s:
        yield s


def shared_data_path(*parts: str) -> Path:
    """Path under ../shared/data, or skip the test with a clear reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data set not found at {path} (../shared/data is absent on this machine)")
    return path
