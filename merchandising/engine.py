"""Applying merchandising rules to a ranked list: pure functions, no database, no clock of their own.

Order of work (docs/merchandising.md): the ranking's list comes in; the rules that are enabled, inside their
validity window and whose conditions hold are chosen; ``hide`` leaves products out, ``boost``/``bury`` move them
by weight on the list's normalised score, ``pin`` puts one product at a position; then the hard filters win over
every rule: an inactive product or one not sold to this customer is never shown, an out-of-stock one is never
promoted (and left out when the list is in-stock only). Every rule applied to a shown item is one of its premises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from merchandising.models import Dropped, Item, MerchContext, Outcome, Placed, Premise
from store.models import MerchAction, MerchSurface, MerchTarget

PROMOTED = "promoted by the shop"
LOWERED = "placed lower by the shop"


class RuleLike(Protocol):
    """What the engine reads of a rule (a stored ``MerchRule`` or any object with these attributes)."""

    id: int | None
    name: str
    action: MerchAction
    target: MerchTarget
    value: str
    attribute: str | None
    position: int | None
    weight: float
    query_is: str | None
    query_contains: str | None
    category: str | None
    segment: str | None
    surface: MerchSurface | None
    valid_from: datetime | None
    valid_to: datetime | None
    enabled: bool
    priority: int


def norm(text: str | None) -> str:
    """Return ``text`` case-folded with runs of whitespace collapsed (how queries and values are compared)."""
    return " ".join((text or "").split()).casefold()


def _aware(value: datetime | None, like: datetime) -> datetime | None:
    """Return ``value`` comparable with ``like`` (SQLite hands back naive UTC times)."""
    if value is None or (value.tzinfo is None) == (like.tzinfo is None):
        return value
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None else value.replace(tzinfo=None)


def is_live(rule: RuleLike, now: datetime) -> bool:
    """Return True when ``rule`` is enabled and ``now`` is inside its window (from inclusive, to exclusive)."""
    start, end = _aware(rule.valid_from, now), _aware(rule.valid_to, now)
    return rule.enabled and (start is None or start <= now) and (end is None or now < end)


def conditions_hold(rule: RuleLike, ctx: MerchContext) -> bool:
    """Return True when the list ``ctx`` describes is one the rule is for (every given condition holds)."""
    if rule.surface is not None and rule.surface.value != ctx.surface:
        return False
    query = norm(ctx.query)
    if rule.query_is is not None and query != norm(rule.query_is):
        return False
    if rule.query_contains is not None and norm(rule.query_contains) not in query:
        return False
    if rule.category is not None and norm(rule.category) not in norm(ctx.category):
        return False
    return rule.segment is None or (ctx.segment is not None and norm(rule.segment) == norm(ctx.segment))


def matches(rule: RuleLike, item: Item) -> bool:
    """Return True when ``item`` is what the rule targets (case-insensitive; a category is a part of the path)."""
    value = norm(rule.value)
    if rule.target is MerchTarget.sku:
        return norm(item.sku) == value
    if rule.target is MerchTarget.brand:
        return norm(item.brand) == value
    if rule.target is MerchTarget.category:
        return value in norm(item.category)
    found = item.attributes.get(rule.attribute or "")
    values = found if isinstance(found, list | tuple | set) else [found]
    return any(v is not None and norm(str(v)) == value for v in values)


def hard_block(item: Item, ctx: MerchContext) -> str | None:
    """Return why no rule may show ``item`` here (``inactive``, ``not_sold_to_customer``, ``out_of_stock``), or
    None. ``sold_to`` (an attribute: one industry or a list) restricts a product to those customers."""
    if not item.active:
        return "inactive"
    sold_to = item.attributes.get("sold_to")
    if sold_to:
        allowed = {norm(str(v)) for v in (sold_to if isinstance(sold_to, list | tuple) else [sold_to])}
        if norm(ctx.industry) not in allowed:
            return "not_sold_to_customer"
    if item.stock <= 0:
        return "out_of_stock"
    return None


def _dropped_by_filter(reason: str | None, ctx: MerchContext) -> bool:
    return reason in ("inactive", "not_sold_to_customer") or (reason == "out_of_stock" and ctx.in_stock_only)


def _premise(rule: RuleLike, text: str, **extra: Any) -> Premise:
    data: dict[str, Any] = {"rule_id": rule.id, "rule": rule.name, "action": rule.action.value,
                            "target": rule.target.value, "value": rule.value}
    if rule.attribute:
        data["attribute"] = rule.attribute
    return Premise(text=text, data=data | extra)


def _base_scores(ranked: Sequence[Item]) -> list[float]:
    """Return each item's place on a 0..1 scale, 1 - i/n (by position: the scores of one list may come from
    different models and need not be monotonic, and no rule must reorder what it does not touch)."""
    n = max(len(ranked), 1)
    return [1.0 - i / n for i in range(len(ranked))]


def select_rules(rules: Iterable[RuleLike], ctx: MerchContext) -> list[RuleLike]:
    """Return the rules that apply to the list ``ctx`` describes, highest priority first (then oldest)."""
    live = [r for r in rules if is_live(r, ctx.now) and conditions_hold(r, ctx)]
    return sorted(live, key=lambda r: (-r.priority, r.id or 0))


def apply_rules(rules: Iterable[RuleLike], ranked: Sequence[Item], ctx: MerchContext,
                extra: Mapping[str, Item] | None = None) -> Outcome:
    """Return the list after the rules and the hard filters. ``extra`` holds the catalogue rows of pinned SKUs
    the ranking did not return (a pin may bring a product in)."""
    chosen = select_rules(rules, ctx)
    extra = extra or {}
    block = {i.sku: hard_block(i, ctx) for i in [*ranked, *extra.values()]}
    dropped: list[Dropped] = []
    premises: dict[str, list[Premise]] = {}
    hidden: set[str] = set()
    for rule in (r for r in chosen if r.action is MerchAction.hide):
        for item in [*ranked, *extra.values()]:
            if item.sku not in hidden and matches(rule, item):
                hidden.add(item.sku)
                dropped.append(Dropped(sku=item.sku, reason="hidden", rule_id=rule.id))
    base = _base_scores(ranked)
    keyed: list[tuple[float, int, Item]] = []
    for position, (item, score) in enumerate(zip(ranked, base, strict=True)):
        if item.sku in hidden:
            continue
        for rule in (r for r in chosen if r.action in (MerchAction.boost, MerchAction.bury) and matches(r, item)):
            if rule.action is MerchAction.boost and block[item.sku] is not None:
                dropped.append(Dropped(sku=item.sku, reason="promotion_blocked", rule_id=rule.id,
                                       data={"because": block[item.sku]}))
                continue
            sign = 1.0 if rule.action is MerchAction.boost else -1.0
            score += sign * rule.weight
            premises.setdefault(item.sku, []).append(
                _premise(rule, PROMOTED if sign > 0 else LOWERED, weight=rule.weight))
        keyed.append((score, position, item))
    keyed.sort(key=lambda t: (-t[0], t[1]))
    order: list[tuple[Item, int | None]] = [(item, pos) for _, pos, item in keyed]
    ranked_at = {item.sku: pos for pos, item in enumerate(ranked)}
    pins = sorted((r for r in chosen if r.action is MerchAction.pin), key=lambda r: (r.position or 1, -r.priority))
    last_index = -1
    pinned: set[str] = set()
    for rule in pins:
        sku_item = next((i for i in [*ranked, *extra.values()] if matches(rule, i)), None)
        if sku_item is None or sku_item.sku in hidden or sku_item.sku in pinned:
            continue
        if block[sku_item.sku] is not None:
            dropped.append(Dropped(sku=sku_item.sku, reason="promotion_blocked", rule_id=rule.id,
                                   data={"because": block[sku_item.sku]}))
            continue
        order = [(i, p) for i, p in order if i.sku != sku_item.sku]
        index = min(max((rule.position or 1) - 1, last_index + 1), len(order))
        order.insert(index, (sku_item, ranked_at.get(sku_item.sku)))
        last_index = index
        pinned.add(sku_item.sku)
        premises.setdefault(sku_item.sku, []).append(_premise(rule, PROMOTED, position=rule.position))
    items: list[Placed] = []
    for item, pos in order:
        reason = block[item.sku]
        if _dropped_by_filter(reason, ctx):
            dropped.append(Dropped(sku=item.sku, reason=reason))  # type: ignore[arg-type]
            continue
        items.append(Placed(sku=item.sku, ranked_position=None if pos is None else pos + 1,
                            premises=premises.get(item.sku, [])))
    return Outcome(items=items, dropped=dropped, matched_rules=[r.id for r in chosen if r.id is not None])
