"""The composition root: the resources built once from :class:`Settings` (engine, catalogue search,
recommender, PII masker, OpenAI client, the per-conversation PII vaults) for the CLI and the portal's lifespan.
Nothing else creates clients.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from core.config import Settings, apply_offline_env
from tools.context import Resources

if TYPE_CHECKING:
    from fastapi import FastAPI
    from openai import OpenAI

    from guardrails.pii import PiiMasker
    from ranking import Recommender
    from retrieval.catalog import CatalogSearch

__all__ = ["Resources", "build_llm_client", "build_resources", "portal_app", "portal_app_from_env"]


def build_llm_client(settings: Settings, http_client: Any = None) -> OpenAI | None:
    """Return an ``openai.OpenAI`` client for the configured endpoint, or None when none is configured.

    Timeout and retries (the SDK's exponential backoff on connection errors, 408/409/429 and 5xx) come from
    the settings; ``http_client`` (a client of the HTTP library the installed SDK uses: ``httpx2`` for openai
    3.x) lets the golden runner watch what leaves the process.
    """
    if not settings.llm_enabled:
        return None
    from openai import OpenAI, Timeout

    # the planner sets each call's timeouts from the turn's budget and does its own (bounded) retries
    return OpenAI(base_url=settings.llm_base_url, api_key=settings.llm_api_key or "not-needed",
                  timeout=Timeout(settings.llm_first_token_timeout_s, connect=settings.llm_connect_timeout_s),
                  max_retries=0, http_client=http_client)


def build_resources(settings: Settings, *, engine: Engine | None = None, catalog: CatalogSearch | None = None,
                    recommender: Recommender | None = None, masker: PiiMasker | None = None,
                    llm: OpenAI | None = None) -> Resources:
    """Return the resources for ``settings``; pass any of them to reuse one already built (tests, the portal)."""
    apply_offline_env(settings)
    from agent.llm_planner import new_breaker
    from guardrails.pii import VaultStore
    from store.db import make_engine

    notes: list[str] = []
    engine = engine or make_engine(settings)
    own_catalog = catalog is None
    if catalog is None:
        catalog = _build_catalog(settings, engine, notes)
    if recommender is None:
        recommender = _build_recommender(settings, engine, catalog, notes)
    if masker is None:
        masker = _build_masker(settings, engine, notes)
    llm = llm if llm is not None else build_llm_client(settings)
    if own_catalog:
        _embed_fixed_queries(catalog)
    threading.Thread(target=_warm_up, args=(settings, catalog), name="warm-up", daemon=True).start()
    return Resources(settings=settings, engine=engine, catalog=catalog, recommender=recommender, masker=masker,
                     vaults=VaultStore(), llm=llm, llm_breaker=new_breaker(settings) if llm is not None else None,
                     notes=notes)


def _embed_fixed_queries(catalog: CatalogSearch) -> None:
    """Embed the planner's own search queries (its bills of materials, 18 texts, 0.2-0.4 s) into the embedder's
    recent-texts cache, so a project question's five searches wait for no query embedding. On the calling
    thread: torch inside a daemon thread that is still running at exit aborts the process (exit code 134)."""
    from agent.search_handlers import fixed_queries

    embedder = getattr(catalog, "embedder", None)
    if embedder is not None:
        for query in fixed_queries():
            embedder.encode_one(query)


def _warm_up(settings: Settings, catalog: CatalogSearch) -> None:
    """Load in the background what the first chat turn of a process would otherwise wait for: the Polish
    analyser and stemmer (3 s) and the intent classifier (loaded from the models dir, or fitted there once:
    seconds to a minute on a busy machine) and the locales and templates of the message catalogues. A turn that
    arrives meanwhile waits for the same load, never a second one."""
    import messages
    from agent.intent_model import classifier_for
    from retrieval import morphology

    try:
        morphology.warm()
        messages.warm()
        classifier_for(settings.models_dir, getattr(catalog, "embedder", None))
    except Exception:  # the turn that needs it will load it again and report the error itself
        logging.getLogger(__name__).exception("warm-up failed")


def _build_catalog(settings: Settings, engine: Engine, notes: list[str]) -> CatalogSearch:
    from sqlmodel import Session

    from retrieval import build_catalog_search
    from retrieval.embeddings import load_embedder

    search = build_catalog_search(settings, load_embedder(settings))  # ResourceBusyError if another process has it
    with Session(engine) as s:
        report = search.sync_from_store(s)
    notes.append(f"catalog: hybrid search ({report.summary()})")
    return search


def _build_recommender(settings: Settings, engine: Engine, catalog: CatalogSearch, notes: list[str]) -> Recommender:
    from sqlmodel import Session

    from ranking import load_recommender
    from retrieval.embeddings import load_embedder
    from store.catalog import active_skus

    embedder = load_embedder(settings)
    with Session(engine) as s:
        skus = active_skus(s)
    recommender = load_recommender(settings, engine, embed=embedder.encode, vectors=catalog.vectors_for(skus),
                                   reload_every=settings.model_reload_seconds or None)
    notes.append(f"recommender: ranking model {recommender.version}")
    return recommender


def _build_masker(settings: Settings, engine: Engine, notes: list[str]) -> PiiMasker:
    from sqlmodel import Session

    from guardrails.pii import build_masker
    from store.catalog import product_codes

    notes.append("masker: guardrails.pii Presidio")
    with Session(engine) as s:
        codes = product_codes(s)
    return build_masker(settings, known_product_codes=codes)


def portal_app(settings: Settings, resources: Resources | None = None, *, background: bool = False) -> FastAPI:
    """Return the portal over ``resources``, or over resources its lifespan builds with :func:`build_resources`
    (``background``: in a thread, so ``/health`` answers at once and ``/ready`` tells when it can serve)."""
    from portal.app import create_app

    return create_app(settings, resources, build=None if resources is not None else build_resources,
                      background=background)


def portal_app_from_env() -> Any:
    """Return the portal for the process-wide settings (the uvicorn factory of ``salesagent serve --workers``),
    imported and built in the background (``portal.startup.DeferredApp``) so each worker answers /health at once."""
    from core.config import get_settings
    from portal.startup import DeferredApp

    return DeferredApp(lambda: portal_app(get_settings(), background=True))
