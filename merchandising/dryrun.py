"""The dry run: one search's results without and with the rules (stored or drafts), for staff to check a rule
before customers see it. The search itself is passed in (``fetch(n)``), so this floor needs no retrieval."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import SimpleNamespace

from sqlmodel import Session

from merchandising.apply import Ranked, merchandise
from merchandising.engine import RuleLike
from merchandising.models import DryRun, DryRunItem, DryRunRequest, MerchContext, Outcome
from store import catalog
from store.models import utcnow


def _rows(session: Session, outcome: Outcome, k: int) -> list[DryRunItem]:
    placed = outcome.items[:k]
    products = catalog.products_by_sku(session, skus=[p.sku for p in placed], active_only=False)
    return [DryRunItem(position=n, sku=p.sku, name=products[p.sku].name, brand=products[p.sku].brand,
                       category=products[p.sku].category, stock=products[p.sku].stock,
                       ranked_position=p.ranked_position, premises=p.premises)
            for n, p in enumerate((p for p in placed if p.sku in products), start=1)]


def dry_run(session: Session, request: DryRunRequest, fetch: Callable[[int], Sequence[Ranked]]) -> DryRun:
    """Return the search's first ``k`` results without and with the rules (nothing is stored)."""
    at = request.at or utcnow()
    ctx = MerchContext(surface="search", now=at, query=request.query, category=request.category,
                       segment=request.segment, industry=request.segment, in_stock_only=request.in_stock_only)
    ranked = list(fetch(2 * request.k))
    drafts: list[RuleLike] | None = None
    if request.rules is not None:
        drafts = [SimpleNamespace(id=-(n + 1), **r.model_dump())
                  for n, r in enumerate(request.rules)]
    with_rules = merchandise(session, ranked, ctx, rules=drafts)
    without = merchandise(session, ranked, ctx, rules=[])
    return DryRun(query=request.query, at=at, without_rules=_rows(session, without, request.k),
                  with_rules=_rows(session, with_rules, request.k), matched_rules=with_rules.matched_rules,
                  dropped=with_rules.dropped)
