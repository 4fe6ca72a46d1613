"""Catalogue ingestion, embeddings and hybrid (dense + sparse) search in Qdrant, with filters and match premises.
Knows nothing of the agent or the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from salesagent.config import Settings

if TYPE_CHECKING:
    from retrieval.catalog import CatalogSearch
    from retrieval.embeddings import Embedder

EngineKind = Literal["edge", "local", "memory", "server"]


def build_catalog_search(settings: Settings, embedder: Embedder | None = None,
                         engine: EngineKind | None = None) -> CatalogSearch:
    """Return the catalogue search for ``settings``: a Qdrant server when ``qdrant_url`` is set, else the
    embedded engine (``embedded_engine``: qdrant-edge by default) on disk in the data dir.

    ``engine`` overrides the choice ("memory" is qdrant-client's in-memory local mode, for tests).
    """
    from retrieval.catalog import CatalogSearch
    from retrieval.embeddings import configure_llama_index, load_embedder

    kind = engine or ("server" if settings.qdrant_url else settings.embedded_engine)
    embedder = embedder or load_embedder(settings)
    configure_llama_index(embedder)  # type: ignore[arg-type]
    return CatalogSearch(_make_engine(settings, kind), embedder)


def _make_engine(settings: Settings, kind: str):  # type: ignore[no-untyped-def]
    from retrieval._client import ClientEngine
    from retrieval._edge import EdgeEngine

    name = settings.qdrant_collection
    if kind == "edge":
        return EdgeEngine(settings.qdrant_path / "edge" / name)
    if kind == "local":
        return ClientEngine(name, path=settings.qdrant_path / "local")
    if kind == "memory":
        return ClientEngine(name)
    if kind == "server":
        from salesagent.errors import ConfigError

        if not settings.qdrant_url:
            raise ConfigError("engine 'server' needs SALESAGENT_QDRANT_URL")
        return ClientEngine(name, url=settings.qdrant_url, api_key=settings.qdrant_api_key)
    raise ValueError(f"unknown engine {kind!r}")


__all__ = ["build_catalog_search"]
