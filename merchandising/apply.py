"""Applying the live rules to a ranked list read from the store: catalogue rows in, :class:`Outcome` out (the
engine does the work; this module only reads what it needs)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlmodel import Session

from merchandising.engine import RuleLike, apply_rules, select_rules
from merchandising.models import Item, MerchContext, Outcome, Placed, Premise
from store import catalog
from store import merchandising as store
from store.models import MerchAction, MerchTarget, Product


class Ranked(Protocol):
    """A ranked candidate: a search hit or a ranking item."""

    @property
    def sku(self) -> str: ...

    @property
    def score(self) -> float | None: ...


def item_of(product: Product, score: float | None = None) -> Item:
    """Return what the rules see of a catalogue row."""
    return Item(sku=product.sku, score=score, brand=product.brand, category=product.category,
                attributes=dict(product.attributes or {}), stock=product.stock, active=product.active)


def rows_for(session: Session, ranked: Sequence[Ranked], ctx: MerchContext,
             rules: Sequence[RuleLike]) -> dict[str, Product]:
    """Return the catalogue rows (active or not) of the ranked SKUs and of the SKUs the rules pin, one query."""
    pins = [r.value for r in select_rules(rules, ctx) if r.action is MerchAction.pin and r.target is MerchTarget.sku]
    return catalog.products_by_sku(session, skus=[*(r.sku for r in ranked), *pins], active_only=False)


def merchandise(session: Session, ranked: Sequence[Ranked], ctx: MerchContext,
                rules: Sequence[RuleLike] | None = None, rows: dict[str, Product] | None = None) -> Outcome:
    """Return ``ranked`` after the live rules (read at ``ctx.now`` unless given) and the hard filters.

    A SKU without a catalogue row is left out (as the cards of every list already do). ``rows``: the catalogue
    rows when the caller has read them already (:func:`rows_for`)."""
    rules = list(store.live_rules(session, now=ctx.now)) if rules is None else rules
    pins = [r.value for r in select_rules(rules, ctx) if r.action is MerchAction.pin and r.target is MerchTarget.sku]
    rows = rows_for(session, ranked, ctx, rules) if rows is None else rows
    items = [item_of(rows[r.sku], r.score) for r in ranked if r.sku in rows]
    seen = {i.sku for i in items}
    upper = {sku.casefold(): p for sku, p in rows.items()}
    extra = {p.sku: item_of(p) for v in pins if (p := upper.get(v.casefold())) is not None and p.sku not in seen}
    return apply_rules(rules, items, ctx, extra)


@dataclass(frozen=True)
class Shown:
    """One product of a merchandised list: its catalogue row, the ranked item it came from (None for a product a
    pin brought in) and the premises of the rules that moved it."""

    product: Product
    ranked: Ranked | None
    premises: list[Premise]


def merchandised(session: Session, fetch: Callable[[int], Sequence[Ranked]], ctx: MerchContext, *, k: int,
                 exclude: Iterable[str] = (), spare: int = 0) -> list[Shown]:
    """Return up to ``k`` products of ``fetch(n)``'s ranked items after the live rules and the hard filters (the
    hook of every surface that shows a list: search, the chat's recommendations, the widget).

    ``fetch`` is asked for ``k`` (twice ``k`` when a live rule hides or buries products, so the list stays full)
    plus ``spare`` (room for the ``exclude``d SKUs a caller knows will come back)."""
    rules = select_rules(store.live_rules(session, now=ctx.now), ctx)
    skip = set(exclude)
    more = any(r.action in (MerchAction.hide, MerchAction.bury) for r in rules)
    ranked = [r for r in fetch((2 * k if more else k) + spare) if r.sku not in skip]
    rows = rows_for(session, ranked, ctx, rules)
    outcome = merchandise(session, ranked, ctx, rules=rules, rows=rows)
    by_sku = {r.sku: r for r in ranked}
    placed = [p for p in outcome.items if p.sku not in skip][:k]  # the outcome holds active products only
    return [Shown(product=rows[p.sku], ranked=by_sku.get(p.sku), premises=list(p.premises)) for p in placed]


def without_rules(session: Session, ranked: Sequence[Ranked], ctx: MerchContext) -> Outcome:
    """Return ``ranked`` after the hard filters only (the dry run's "without the rules" list)."""
    return merchandise(session, ranked, ctx, rules=[])


__all__ = ["Placed", "Shown", "item_of", "merchandise", "merchandised", "rows_for", "without_rules"]
