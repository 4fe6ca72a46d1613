"""Catalogue ingestion, embeddings and hybrid (dense + sparse) search in Qdrant, with filters and match premises.
Knows nothing of the agent or the portal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from core.config import Settings

if TYPE_CHECKING:
    from retrieval.catalog import CatalogSearch
    from retrieval.embeddings import Embedder

EngineKind = Literal["edge", "local", "memory", "server"]


def build_catalog_search(settings: Settings, embedder: Embedder | None = None,
                         engine: EngineKind | None = None, learned: bool = True) -> CatalogSearch:
    """Return the catalogue search for ``settings``: a Qdrant server when ``qdrant_url`` is set, else the
    embedded engine (``embedded_engine``: qdrant-edge by default) on disk in the data dir.

    ``engine`` overrides the choice ("memory" is qdrant-client's in-memory local mode, for tests). With
    ``learned`` (the default) the search uses what ``salesagent train-search`` last learned for this data dir
    (fusion setting, reranker, "no match" model); without a trained model, or with a stale one (other feature
    code or other encoders: logged), the shipped defaults and no reranker. The eval commands pass
    ``learned=False``: they measure the catalogue they index, not the shop's.
    """
    from retrieval.catalog import CatalogSearch
    from retrieval.embeddings import configure_llama_index, load_embedder

    kind = engine or ("server" if settings.qdrant_url else settings.embedded_engine)
    embedder = embedder or load_embedder(settings)
    configure_llama_index(embedder)  # type: ignore[arg-type]
    search = CatalogSearch(_make_engine(settings, kind), embedder, dense_fields=settings.dense_text)
    if learned:
        search.use_model(_learned_model(settings, search.encoders))
    return search


def _learned_model(settings: Settings, encoders: str):  # type: ignore[no-untyped-def]
    import logging

    from retrieval.search_model import StaleSearchModelError, load_current, models_root

    try:
        return load_current(models_root(settings.data_dir), encoders)
    except StaleSearchModelError as err:
        logging.getLogger(__name__).warning("%s; searching with the shipped defaults", err)
        return None


def _make_engine(settings: Settings, kind: str):  # type: ignore[no-untyped-def]
    from retrieval._client import ClientEngine
    from retrieval._edge import EdgeEngine

    name = settings.qdrant_collection
    if kind in ("edge", "local"):
        path = settings.qdrant_path / kind
        try:
            return EdgeEngine(path / name) if kind == "edge" else ClientEngine(name, path=path)
        except Exception as err:  # both embedded engines lock their folder for one process
            if "WouldBlock" in str(err) or "already accessed by another instance" in str(err):
                from core.errors import ResourceBusyError

                raise ResourceBusyError(
                    f"the catalogue index in {settings.qdrant_path} is in use by another process (a running "
                    "portal or chat); stop it or use another data dir") from None
            raise
    if kind == "memory":
        return ClientEngine(name)
    if kind == "server":
        from core.errors import ConfigError

        if not settings.qdrant_url:
            raise ConfigError("engine 'server' needs SALESAGENT_QDRANT_URL")
        return ClientEngine(name, url=settings.qdrant_url, api_key=settings.qdrant_api_key)
    raise ValueError(f"unknown engine {kind!r}")


__all__ = ["build_catalog_search"]
