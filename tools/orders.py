"""The customer's order history, summarised: counts, months and categories; no people, no addresses."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import Field

from store.orders import company_order_lines
from tools.context import RunContext
from tools.models import CategoryCount, OrderHistorySummary, ProductCount


def get_order_history(ctx: RunContext, months: Annotated[int, Field(ge=1, le=60)] = 24) -> OrderHistorySummary:
    """Summarise this customer's past orders: how many, when, top categories and repeatedly bought products.

    Args:
        months: How many months back to look.
    """
    since = datetime.now(UTC) - timedelta(days=31 * months)
    rows = [r for r in company_order_lines(ctx.session, company_id=ctx.company.id or 0)
            if _aware(r.ordered_at) >= since]
    if not rows:
        return OrderHistorySummary(order_count=0, note="no orders in this period (a new customer)")
    orders = {r[0]: _aware(r[1]) for r in rows}
    cats = Counter(r[4].split(" > ")[0] if r[4] else "other" for r in rows)
    per_product: dict[str, set[int]] = {}
    names: dict[str, tuple[str, str]] = {}
    for oid, _, sku, name, cat in rows:
        per_product.setdefault(sku, set()).add(oid)
        names[sku] = (name, cat)
    frequent = [(s, o) for s, o in sorted(per_product.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:5] if len(o) > 1]
    ctx.referenced.update(s for s, _ in frequent)  # the reply may name what the summary names
    return OrderHistorySummary(
        order_count=len(orders),
        first_order_month=min(orders.values()).strftime("%Y-%m"),
        last_order_month=max(orders.values()).strftime("%Y-%m"),
        top_categories=[CategoryCount(category=c, lines=n) for c, n in cats.most_common(5)],
        frequent_products=[ProductCount(sku=s, name=names[s][0], category=names[s][1], orders=len(o))
                           for s, o in frequent],
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
