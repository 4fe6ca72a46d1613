"""The merchandising hook of the tools (issue 24): a ranked list -> the shop's rules -> the hard filters -> cards.

``search_catalog`` and ``recommend_for_customer`` call :func:`merchandised_cards` where they built their cards
from the ranked list; without a live rule the list is the ranked one minus what the hard filters remove."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from merchandising import PREMISE_KIND, MerchContext
from merchandising.apply import merchandised
from merchandising.models import Surface
from store.models import utcnow
from tools._cards import card_from_product, premise_out
from tools.context import RunContext
from tools.models import PremiseOut, ProductCard


def merch_context(ctx: RunContext, surface: Surface, *, query: str | None = None, category: str | None = None,
                  in_stock_only: bool = False) -> MerchContext:
    """Return the rules' view of this list: segment rules only for a company that did not object to profiling."""
    from guardrails.consent import may_personalise

    industry = ctx.company.industry
    return MerchContext(surface=surface, now=utcnow(),
                        query=query, category=category, segment=industry if may_personalise(ctx.company) else None,
                        industry=industry, in_stock_only=in_stock_only)


def merchandised_cards(ctx: RunContext, fetch: Callable[[int], Sequence[Any]], mctx: MerchContext, *, k: int,
                       exclude: Iterable[str] = ()) -> list[ProductCard]:
    """Return up to ``k`` cards of ``fetch(n)``'s ranked items after the live rules and the hard filters
    (:func:`merchandising.apply.merchandised`), each with the ranking's premises and then one ``merchandising``
    premise per rule applied; remember them."""
    cards = []
    for shown in merchandised(ctx.session, fetch, mctx, k=k, exclude=exclude):
        premises = [premise_out(x) for x in getattr(shown.ranked, "premises", []) or []]
        premises += [PremiseOut(kind=PREMISE_KIND, text=m.text, data=m.data) for m in shown.premises]
        cards.append(card_from_product(shown.product, score=getattr(shown.ranked, "score", None), premises=premises))
    ctx.remember(cards)
    return cards
