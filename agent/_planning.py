"""What every intent handler shares: the turn being planned (state, reading, tools already run) and the small
steps handlers are made of (a tool call, a search, a product list answer, the product meant)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from agent._state import TurnState
from agent.models import AnswerPlan, Pick, ToolCall, ToolPlan
from agent.templates import product_lines
from agent.understand import Reading
from tools.catalog import catalogue_codes
from tools.models import ProductCard, ProductList

MAX_PICKS = 3
SEARCH_QUERY_CHARS = 200
"""The longest query ``search_catalog`` accepts (its schema): a longer description is cut, never refused."""
ORDER_MONTHS = 24
"""How far back "show our orders" looks."""


@dataclass(frozen=True)
class Turn:
    """One planning step: the turn's state, the reading of its message and the tools run so far."""

    state: TurnState
    reading: Reading
    ran: frozenset[str]

    @property
    def lang(self) -> Literal["pl", "en"]:
        """Return the customer's language."""
        return self.state.ctx.language

    @property
    def cold(self) -> bool:
        """Return True for a company with no orders yet (onboarding)."""
        return bool(self.state.profile.get("cold_start"))

    def cards(self, tool: str) -> list[ProductCard]:
        """Return the products a tool returned this turn (as remembered by the run context)."""
        out: list[ProductCard] = []
        for outcome in self.state.outcomes_of(tool):
            if isinstance(outcome.output, ProductList):
                out.extend(self.state.ctx.returned.get(c.sku, c) for c in outcome.output.items)
        return out

    def known_codes(self) -> list[str]:
        """Return the message's code tokens that are catalogue SKUs, as the catalogue spells them."""
        return catalogue_codes(self.state.ctx, self.reading.slots.codes)

    def meant(self) -> str | None:
        """Return the product "it" / "the second one" means: that place of the latest list when the message
        names one (None when the list is shorter), else the product in focus (the first one shown last)."""
        pos = self.reading.position
        latest = self.state.latest_list
        if pos:
            return latest[pos - 1] if len(latest) >= pos else None
        return self.state.previous_skus[0] if self.state.previous_skus else (latest[0] if latest else None)

    def search_again(self, k: int, query: str | None = None) -> ToolPlan | None:
        """Return the search to run next: with the category hint first, then without it if that found
        nothing; None when searching is done."""
        searches = [o for o in self.state.outcomes if o.call.name == "search_catalog"]  # failed ones too
        if not searches:
            return ToolPlan((search_call(query or self.reading.query, k, self.reading.category),))
        if not self.cards("search_catalog") and self.reading.category and len(searches) == 1 \
                and searches[0].error is None:
            return ToolPlan((search_call(query or self.reading.query, k, None),))
        return None


def call(name: str, args: dict[str, Any]) -> ToolCall:
    """Return a planner tool call."""
    return ToolCall(id=f"planner-{name}", name=name, arguments=json.dumps(args, ensure_ascii=False))


def search_call(query: str, k: int, category: str | None = None) -> ToolCall:
    """Return a ``search_catalog`` call (the query cut to the schema's length)."""
    args: dict[str, Any] = {"query": query[:SEARCH_QUERY_CHARS], "k": k}
    if category:
        args["category"] = category
    return call("search_catalog", args)


def list_answer(head: str, cards: list[ProductCard], lang: Literal["pl", "en"], *, stock: bool = False,
                tail: str = "") -> AnswerPlan:
    """Return an answer: a head line, one line per product (at most :data:`MAX_PICKS`), an optional tail."""
    chosen = cards[:MAX_PICKS]
    lines = [head, *product_lines(chosen, lang, stock=stock)] + ([tail] if tail else [])
    return AnswerPlan("\n".join(lines), picks=tuple(Pick(c.sku) for c in chosen))
