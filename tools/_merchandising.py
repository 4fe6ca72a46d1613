"""The merchandising hook of the tools (issue 24): a ranked list -> the shop's rules -> the hard filters -> cards.

``search_catalog`` and ``recommend_for_customer`` call :func:`merchandised_cards` where they built their cards
from the ranked list; without a live rule the list is the ranked one minus what the hard filters remove."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from merchandising import PREMISE_KIND, MerchContext, merchandise, select_rules
from merchandising.apply import rows_for
from merchandising.models import Surface
from store import merchandising as rules_store
from store.models import MerchAction, utcnow
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
    """Return up to ``k`` cards of ``fetch(n)``'s ranked items after the live rules and the hard filters, each
    with the ranking's premises and then one ``merchandising`` premise per rule applied; remember them.

    ``fetch`` is asked for twice ``k`` when a live rule hides or buries products (so the list stays full)."""
    rules = rules_store.live_rules(ctx.session, now=mctx.now)
    chosen = select_rules(rules, mctx)
    skip = set(exclude)
    more = any(r.action in (MerchAction.hide, MerchAction.bury) for r in chosen)
    ranked = [r for r in fetch(2 * k if more else k) if r.sku not in skip]
    rows = rows_for(ctx.session, ranked, mctx, chosen)
    outcome = merchandise(ctx.session, ranked, mctx, rules=chosen, rows=rows)
    by_sku = {r.sku: r for r in ranked}
    placed = [p for p in outcome.items if p.sku not in skip][:k]
    cards = []
    for p in placed:  # the outcome holds active products only (the hard filters)
        item = by_sku.get(p.sku)
        premises = [premise_out(x) for x in getattr(item, "premises", []) or []]
        premises += [PremiseOut(kind=PREMISE_KIND, text=m.text, data=m.data) for m in p.premises]
        cards.append(card_from_product(rows[p.sku], score=getattr(item, "score", None), premises=premises))
    ctx.remember(cards)
    return cards
