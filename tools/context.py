"""What every tool receives as its first argument (never shown to the model): the run context of the turn and the
process's resources (built once by ``salesagent.wiring`` and passed in)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.breaker import CircuitBreaker
from core.config import Settings
from store.conversations import add_conversation, get_conversation
from store.db import session_scope
from store.models import Company, Conversation
from tools.models import ApprovalTicket, OnboardingQuestion, ProductCard

if TYPE_CHECKING:
    from openai import OpenAI

    from guardrails.pii import PiiMasker, VaultStore
    from ranking import Recommender
    from retrieval.catalog import CatalogSearch

logger = logging.getLogger("salesagent.resources")


@dataclass
class Resources:
    """Everything a turn needs that is expensive to build; one instance per process (``salesagent.wiring``
    builds it for the CLI and the portal's lifespan; tests build it over their own engines)."""

    settings: Settings
    engine: Engine
    catalog: CatalogSearch
    """Hybrid catalogue search: ``search(query, filters, k) -> list[SearchHit]``."""
    recommender: Recommender
    """Personal picks, bought together, similar products, segment bestsellers."""
    masker: PiiMasker
    """PII masking: ``mask(text, vault) -> MaskResult``."""
    vaults: VaultStore
    """The per-conversation PII vaults, in this process's memory only."""
    llm: OpenAI | None = None
    """The OpenAI-compatible client, or None when no endpoint is configured (the rule planner answers). The
    agent's loop uses it; tools never call a model."""
    llm_breaker: CircuitBreaker | None = None
    """The endpoint's circuit breaker (one per process, like the client)."""
    notes: list[str] = field(default_factory=list)
    """What was built and how (shown by ``salesagent chat`` with ``--verbose`` and logged by the portal)."""

    def session(self) -> Session:
        """Return a new DB session on the shared engine (objects stay readable after a commit)."""
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Close the clients (the embedded vector engine must be closed before exit)."""
        for name, client in (("catalog", self.catalog), ("llm", self.llm)):
            if client is None:
                continue
            try:
                client.close()
            except Exception:  # pragma: no cover - closing is best effort
                logger.exception("closing %s failed", name)
        self.engine.dispose()


@dataclass
class RunContext:
    """Resources, the DB session and who is talking, plus what the tools returned during this turn."""

    resources: Resources
    """Everything built once at start-up (engine, catalogue search, recommender, masker, LLM client)."""
    session: Session
    """The turn's read session; writes go through :meth:`writing`."""
    company: Company
    """The customer company, detached from the session (a tool that changes it writes it through
    :meth:`writing`); tools read only its business fields (industry, size band, funnel stage)."""
    conversation_id: str
    """The conversation this turn belongs to."""
    contact_id: int | None = None
    """The person chatting (never shown to a model)."""
    language: Literal["pl", "en"] = "en"
    """The customer's language, detected from the message."""
    order_count: int = 0
    """How many orders the company has placed (read once at the start of the turn)."""
    returned: dict[str, ProductCard] = field(default_factory=dict)
    """Every product a tool returned this turn, by SKU (the only SKUs the answer may name)."""
    referenced: set[str] = field(default_factory=set)
    """SKUs a tool named without recommending them (the anchor of an accessory list, a price request's SKUs)."""
    approvals: list[ApprovalTicket] = field(default_factory=list)
    """Price approvals created this turn."""
    questions: list[OnboardingQuestion] = field(default_factory=list)
    """Onboarding questions asked this turn."""

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """Yield a short write transaction of its own, committed when the block ends.

        The turn's ``session`` only reads: a side effect the customer asked for (a price request, an onboarding
        answer, an objection to profiling) is written at once in its own transaction, and the turn's record at
        its end, so no database lock is held while the turn waits for a model. The read session's snapshot is
        renewed afterwards, so later reads of the turn see what was written."""
        with session_scope(self.resources.engine, expire_on_commit=False) as w:
            yield w
        self.session.commit()  # nothing pending in the read session: this only ends its snapshot

    def conversation_row(self, w: Session) -> Conversation:
        """Return this turn's conversation row in the write session ``w``, creating it on the turn's first write
        (a price request links to it before the turn's messages are written)."""
        conv = get_conversation(w, conversation_id=self.conversation_id)
        if conv is None:
            conv = add_conversation(w, conversation_id=self.conversation_id, company_id=self.company.id,
                                    contact_id=self.contact_id, language=self.language)
        return conv

    @property
    def returned_skus(self) -> set[str]:
        """The set of SKUs returned by tools this turn."""
        return set(self.returned)

    def remember(self, cards: list[ProductCard]) -> None:
        """Record returned products; premises from several tools for one SKU are merged."""
        for card in cards:
            seen = self.returned.get(card.sku)
            if seen is None:
                self.returned[card.sku] = card.model_copy(deep=True)
            else:
                texts = {p.text for p in seen.premises}
                seen.premises.extend(p for p in card.premises if p.text not in texts)
