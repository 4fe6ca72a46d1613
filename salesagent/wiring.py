"""Resources built once from :class:`Settings` and passed in: engine, catalogue search, recommender, PII masker,
OpenAI client, and the per-conversation PII vaults (kept server-side, in memory).

Called by the CLI commands and the portal's lifespan; nothing else creates clients.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.config import Settings, apply_offline_env

logger = logging.getLogger("salesagent.wiring")


@dataclass
class Resources:
    """Everything a turn needs that is expensive to build; one instance per process."""

    settings: Settings
    engine: Engine
    catalog: Any
    """``retrieval.CatalogSearch``: ``search(query, filters, k) -> list[SearchHit]``."""
    recommender: Any
    """``ranking.Recommender``: personal picks, bought together, similar, segment bestsellers."""
    masker: Any
    """``guardrails.pii.PiiMasker``: ``mask(text, vault) -> MaskResult``."""
    vaults: Any
    """``guardrails.pii.VaultStore``: the per-conversation PII vaults, in this process's memory only."""
    llm: Any | None = None
    """``openai.OpenAI`` client, or None when no endpoint is configured (the rule planner answers)."""
    notes: list[str] = field(default_factory=list)
    """What was built and how (shown by ``salesagent chat`` with ``--verbose``)."""

    def session(self) -> Session:
        """Return a new DB session on the shared engine."""
        return Session(self.engine)

    def close(self) -> None:
        """Close the clients (the embedded vector engine must be closed before exit)."""
        for name in ("catalog", "llm"):
            client = getattr(self, name)
            if client is not None and hasattr(client, "close"):
                try:
                    client.close()
                except Exception:  # pragma: no cover - closing is best effort
                    logger.exception("closing %s failed", name)
        self.engine.dispose()


def build_llm_client(settings: Settings, http_client: Any = None) -> Any | None:
    """Return an ``openai.OpenAI`` client for the configured endpoint, or None when none is configured.

    Timeout and retries (the SDK's exponential backoff on connection errors, 408/409/429 and 5xx) come from
    the settings; ``http_client`` lets the golden runner watch what leaves the process.
    """
    if not settings.llm_enabled:
        return None
    from openai import OpenAI

    return OpenAI(base_url=settings.llm_base_url, api_key=settings.llm_api_key or "not-needed",
                  timeout=settings.llm_timeout_s, max_retries=settings.llm_max_retries, http_client=http_client)


def _product_codes(engine: Engine) -> list[str]:
    from store.models import Product

    with Session(engine) as s:
        rows = s.exec(select(Product.sku, Product.ean)).all()
    return [c for row in rows for c in row if c]


def build_resources(settings: Settings, *, engine: Engine | None = None, catalog: Any = None,
                    recommender: Any = None, masker: Any = None, llm: Any = None) -> Resources:
    """Return the resources for ``settings``; pass any of them to reuse one already built (tests, the portal)."""
    apply_offline_env(settings)
    from store.db import make_engine

    notes: list[str] = []
    engine = engine or make_engine(settings)
    if catalog is None:
        catalog = _build_catalog(settings, engine, notes)
    if recommender is None:
        recommender = _build_recommender(settings, engine, catalog, notes)
    if masker is None:
        masker = _build_masker(settings, engine, notes)
    from guardrails.pii import VaultStore

    return Resources(settings=settings, engine=engine, catalog=catalog, recommender=recommender, masker=masker,
                     vaults=VaultStore(), llm=llm if llm is not None else build_llm_client(settings),
                     notes=notes)


def _build_catalog(settings: Settings, engine: Engine, notes: list[str]) -> Any:
    from retrieval import build_catalog_search
    from retrieval.embeddings import load_embedder

    search = build_catalog_search(settings, load_embedder(settings))  # ResourceBusyError if another process has it
    with Session(engine) as s:
        report = search.sync_from_store(s)
    notes.append(f"catalog: hybrid search ({report.summary()})")
    return search


def _build_recommender(settings: Settings, engine: Engine, catalog: Any, notes: list[str]) -> Any:
    from ranking import load_recommender
    from retrieval.embeddings import load_embedder
    from store.models import Product

    embedder = load_embedder(settings)
    with Session(engine) as s:
        skus = list(s.exec(select(Product.sku).where(Product.active == True)).all())
    recommender = load_recommender(settings, engine, embed=embedder.encode, vectors=catalog.vectors_for(skus),
                                   reload_every=settings.model_reload_seconds or None)
    notes.append(f"recommender: ranking model {getattr(recommender, 'version', '?')}")
    return recommender


def _build_masker(settings: Settings, engine: Engine, notes: list[str]) -> Any:
    from guardrails.pii import build_masker

    notes.append("masker: guardrails.pii Presidio")
    return build_masker(settings, known_product_codes=_product_codes(engine))
