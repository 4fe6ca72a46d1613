"""The architecture advisor (issue 24, part 3): from a short form or free text about the catalogue, the customers,
the order history and the behaviour data, the architecture to start with, following the documented decision
table (``decision_table.toml``, drawn in docs/advisor.md).

Zero retention: the free text is PII-masked before anything reads it, and nothing of a request is stored or
logged (no database, no log line); the answer goes back to the caller only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from advisor.models import Advice, AdvisorFacts, AdvisorRequest, DecisionTable
from advisor.parse import parse_text
from advisor.table import decide, default_table, load_table

if TYPE_CHECKING:
    from guardrails.pii import PiiMasker


QUIET_LOGGERS = ("presidio-analyzer", "presidio-anonymizer", "openai._base_client")
"""Presidio writes the text it analyses into its DEBUG records (the context words around each finding); the
OpenAI SDK writes a request's messages into its own."""
_quiet: ContextVar[bool] = ContextVar("advisor_quiet", default=False)


class _DropWhileQuiet(logging.Filter):
    """Drop records below WARNING while this thread or task handles an advisor text."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (_quiet.get() and record.levelno < logging.WARNING)


_FILTER = _DropWhileQuiet()


@contextmanager
def _zero_retention() -> Iterator[None]:
    """Keep the text being masked out of every log, whatever the log level (other turns log as before)."""
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def facts_of(request: AdvisorRequest, masker: PiiMasker | None) -> tuple[AdvisorFacts, int, str]:
    """Return the request's facts (form fields win over the text's), how many PII entities the text had and the
    masked text.

    The text is masked first and only the masked copy is parsed; without a masker free text is refused."""
    if not request.text or not request.text.strip():
        return request.facts, 0, ""
    if masker is None:
        from core.errors import ConfigError

        raise ConfigError("free text needs the PII masker; describe the shop in the form fields instead")
    with _zero_retention():
        masked = masker.mask(request.text)
    from_text = parse_text(masked.text)
    given = request.facts.model_dump(exclude_none=True)
    facts = AdvisorFacts.model_validate(from_text.model_dump(exclude_none=True) | given)
    return facts, len(masked.entities), masked.text


def advise(request: AdvisorRequest, masker: PiiMasker | None, table: DecisionTable | None = None, *,
           llm: Any = None, model: str = "", timeout_s: float = 8.0) -> Advice:
    """Return the advice for ``request`` (nothing is stored or logged). With ``llm`` (an OpenAI-compatible
    client) the model explains the table's answer, checked against it (``advisor.llm``)."""
    facts, masked, masked_text = facts_of(request, masker)
    table = table or default_table()
    advice = decide(facts, table, masked_entities=masked)
    if llm is None:
        return advice
    from advisor.llm import with_llm

    with _zero_retention():
        return with_llm(llm, model, masked_text, advice, table, timeout_s=timeout_s)


__all__ = ["Advice", "AdvisorFacts", "AdvisorRequest", "DecisionTable", "advise", "decide", "default_table",
           "facts_of", "load_table", "parse_text"]
