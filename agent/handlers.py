"""One small handler per intent: the tools it runs and the answer it writes from their results.

A handler takes the :class:`~agent._planning.Turn` (state, reading, tools run so far) and returns the next
:class:`~agent.models.ToolPlan` or the :class:`~agent.models.AnswerPlan`. ``rule_planner.HANDLERS`` maps each
intent to its handler; a new intent is labelled examples plus one function here.
"""

from __future__ import annotations

from typing import Any

import messages
from agent._planning import MAX_PICKS, ORDER_MONTHS, Turn, call, list_answer
from agent.models import AnswerPlan, Pick, Plan, ToolPlan
from agent.templates import (
    approval_text,
    order_history_text,
    premise_text,
    price_text,
    product_lines,
    t,
)
from retrieval.text import category_levels
from tools.catalog import named_by_query
from tools.explain import NO_SUCH_POSITION
from tools.models import OrderHistorySummary, ProductList, ProfilingChoice


def which_product(turn: Turn) -> AnswerPlan:
    """Ask which product is meant (a position the latest list does not have, or nothing named)."""
    pos = turn.reading.position
    return AnswerPlan(t("explain_no_position", turn.lang, position=pos) if pos else t("which_product", turn.lang),
                      picks=())


def identity(turn: Turn) -> Plan:
    """"Am I talking to a human?": the AI disclosure in words."""
    return AnswerPlan(t("identity", turn.lang), picks=())


def out_of_scope(turn: Turn) -> Plan:
    """Weather, deliveries, invoices, jobs: a short polite answer in the customer's language, no products."""
    return AnswerPlan(t("out_of_scope", turn.lang), picks=())


def thanks(turn: Turn) -> Plan:
    """A closing line, nothing else asked."""
    return AnswerPlan(t("thanks", turn.lang), picks=())


def clarify(turn: Turn) -> Plan:
    """Not sure what the customer means: ask back, naming the two likeliest readings."""
    g = turn.reading.guess
    options = [t(f"intent_{i}", turn.lang) for i in (g.intent, g.runner_up) if i and messages.has("reply", f"intent_{i}", turn.lang)]
    if len(options) == 2 and options[0] != options[1]:
        return AnswerPlan(t("clarify_two", turn.lang, a=options[0], b=options[1]), picks=())
    return AnswerPlan(t("clarify", turn.lang), picks=())


def opt_out(turn: Turn) -> Plan:
    """An objection to profiling in any words: record it with the tool and say what changes."""
    if "object_to_profiling" not in turn.ran:
        return ToolPlan((call("object_to_profiling", {}),))
    done = [o.output for o in turn.state.outcomes_of("object_to_profiling") if isinstance(o.output, ProfilingChoice)]
    if not done:
        return AnswerPlan(t("opt_out_failed", turn.lang), picks=())
    return AnswerPlan(t("opt_out_already" if done[0].already else "opt_out_done", turn.lang), picks=())


def explain(turn: Turn) -> Plan:
    """"Why did you recommend these / the second one?": the stored premises of earlier recommendations."""
    if "explain_recommendations" not in turn.ran:
        args: dict[str, Any] = {"limit": MAX_PICKS}
        codes = turn.known_codes()
        if codes:
            args["sku"] = codes[0]
        elif turn.reading.position:
            args["position"] = turn.reading.position
        return ToolPlan((call("explain_recommendations", args),))
    outputs = [o.output for o in turn.state.outcomes_of("explain_recommendations")]
    items = [i for o in outputs for i in getattr(o, "items", [])]
    if not items and turn.reading.position and any(
            getattr(o, "note", "").startswith(NO_SUCH_POSITION) for o in outputs):
        return which_product(turn)
    if not items:
        return AnswerPlan(t("explain_none", turn.lang), picks=())
    lines = [t("explain", turn.lang, name=i.name, sku=i.sku,
               premises="; ".join(w for p in i.premises if (w := premise_text(p, turn.lang))) or i.justification)
             for i in items]
    return AnswerPlan("\n".join(lines), picks=())


def popular(turn: Turn) -> Plan:
    """"What do companies like mine buy?": the segment's bestsellers (overall ones when the segment is small or
    the company objected to profiling; the premises say which)."""
    if "segment_bestsellers" not in turn.ran:
        return ToolPlan((call("segment_bestsellers", {"k": MAX_PICKS}),))
    cards = turn.cards("segment_bestsellers")
    if not cards:
        return AnswerPlan(t("recommend_none", turn.lang), picks=())
    overall = all(p.kind != "segment_popularity" for p in cards[0].premises)
    return list_answer(t("popular_all" if overall else "popular", turn.lang), cards, turn.lang)


def orders(turn: Turn) -> Plan:
    """"Show our recent orders": the order-history summary in words."""
    if "get_order_history" not in turn.ran:
        return ToolPlan((call("get_order_history", {"months": ORDER_MONTHS}),))
    summaries = [o.output for o in turn.state.outcomes_of("get_order_history")
                 if isinstance(o.output, OrderHistorySummary)]
    return AnswerPlan(order_history_text(summaries[0] if summaries else None, ORDER_MONTHS, turn.lang), picks=())


def recommend(turn: Turn) -> Plan:
    """"What would you recommend?": personal picks (the words of the message steer them when there are any)."""
    if "recommend_for_customer" not in turn.ran:
        args: dict[str, Any] = {"k": MAX_PICKS}
        if turn.reading.query:
            args["query"] = turn.reading.query[:200]
        return ToolPlan((call("recommend_for_customer", args),))
    cards = turn.cards("recommend_for_customer")
    if not cards:
        return AnswerPlan(t("greeting" if turn.reading.intent == "greeting" else "recommend_none", turn.lang),
                          picks=())
    return list_answer(t("recommend", turn.lang), cards, turn.lang)


def greeting(turn: Turn) -> Plan:
    """A greeting with nothing else asked."""
    return AnswerPlan(t("greeting", turn.lang), picks=())


def anchor_product(turn: Turn, k: int = 1) -> tuple[str | None, ToolPlan | None]:
    """Return the product a question is about: a code written, else the top search hit when it is what the
    words describe (searching first), else the product meant by position or in focus."""
    codes = turn.known_codes()
    if codes:
        return codes[0], None
    if turn.reading.query and turn.reading.position is None and turn.reading.names_product:
        retry = turn.search_again(k)
        if retry is not None:
            return None, retry
        hit = next((c.sku for c in turn.cards("search_catalog")[:1] if named_by_query(c)), None)
        if hit:
            return hit, None
    return turn.meant(), None


ACCESSORY_POOL = 10
"""Bought-together products fetched (the tools' top k) when the ask names a type ("jakie dławnice pasują do X?")."""


def accessories(turn: Turn) -> Plan:
    """"What goes with X?": what is bought together with it, and its catalogue accessories. When the ask names
    the accessory's type ("Which glands fit ME-40030020-S?"), those of that type (found in use: a DIN rail and a
    conduit came first)."""
    anchor, plan = anchor_product(turn)
    if plan is not None:
        return plan
    if anchor is None:
        return which_product(turn)
    wanted = set(turn.reading.categories)
    if "bought_together" not in turn.ran:
        k = ACCESSORY_POOL if wanted else MAX_PICKS
        return ToolPlan((call("bought_together", {"sku": anchor, "k": k}),))
    cards = turn.cards("bought_together")
    if not cards:
        return AnswerPlan(t("accessories_none", turn.lang, anchor=anchor), picks=())
    lists = [o.output for o in turn.state.outcomes_of("bought_together") if isinstance(o.output, ProductList)]
    own = {level for lst in lists if lst.anchor is not None for level in category_levels(lst.anchor.category)}
    named = {w.lower() for w in wanted} - own  # a hint names a category path prefix, as the search filter reads it
    of_type = [c for c in cards if named & set(category_levels(c.category))]
    return list_answer(t("accessories", turn.lang, anchor=anchor), (of_type or cards)[:MAX_PICKS], turn.lang)


def alternatives(turn: Turn) -> Plan:
    """"Something cheaper than S201-B16" / "a substitute for it" / "something similar": products like the one
    named. Cheaper and substitutes share its specification; never a price request."""
    kind = "cheaper" if turn.reading.intent == "cheaper" else turn.reading.alternative
    if kind == "cheaper" and not turn.known_codes() and not turn.reading.position and turn.reading.query:
        return cheapest_of_type(turn)
    anchor, plan = anchor_product(turn)
    if plan is not None:
        return plan
    if anchor is None:
        return which_product(turn)
    lists = [o.output for o in turn.state.outcomes_of("similar_products") if isinstance(o.output, ProductList)]
    if not lists and "similar_products" in turn.ran:  # the tool refused the product
        return which_product(turn)
    if not lists:
        return ToolPlan((call("similar_products", {"sku": anchor, "k": MAX_PICKS, "kind": kind}),))
    named = lists[0].anchor
    if named is None:
        return which_product(turn)
    price = price_text(named.price, named.currency, turn.lang)
    if lists[0].items:
        head = {"cheaper": "cheaper", "substitute": "same_spec"}.get(kind, "alternatives")
        return list_answer(t(head, turn.lang, anchor=named.sku, price=price), lists[0].items, turn.lang)
    if kind == "substitute" and len(lists) == 1:  # none with its specification: the closest ones
        return ToolPlan((call("similar_products", {"sku": named.sku, "k": MAX_PICKS}),))
    if kind == "substitute" and lists[-1].items:
        return list_answer(t("same_spec_none", turn.lang, anchor=named.sku), lists[-1].items, turn.lang)
    none = "cheaper_none" if kind == "cheaper" else "alternatives_none"
    return AnswerPlan(t(none, turn.lang, anchor=named.sku, price=price), picks=())


CHEAPEST_POOL = 10
"""How many search hits "a cheaper RCD" looks at before listing the lowest-priced."""


def cheapest_of_type(turn: Turn) -> Plan:
    """"Do you have a cheaper RCD?" with no product named: the lowest-priced products of that type (what the
    words search finds), never a discount request."""
    retry = turn.search_again(CHEAPEST_POOL)
    if retry is not None:
        return retry
    cards = [c for c in turn.cards("search_catalog") if named_by_query(c)] or turn.cards("search_catalog")
    if not cards:
        return which_product(turn)
    cards = sorted(cards, key=lambda c: (c.price, c.sku))
    return list_answer(t("cheapest", turn.lang, query=turn.reading.query), cards, turn.lang)


def product_facts(turn: Turn, head: str) -> Plan:
    """One product meant (a code, a position, the one in focus, or the words' top hit), with its catalogue
    price and stock from ``get_product``; files nothing."""
    codes = turn.known_codes()
    skus = codes[:MAX_PICKS] if codes else []
    if not skus:
        meant = turn.meant() if (turn.reading.position or not turn.reading.names_product) else None
        if meant is None and turn.reading.position:
            return which_product(turn)
        if meant is not None:
            skus = [meant]
    if not skus:
        if not turn.reading.query:
            return which_product(turn)
        retry = turn.search_again(MAX_PICKS)
        if retry is not None:
            return retry
        cards = [c for c in turn.cards("search_catalog") if named_by_query(c)] or turn.cards("search_catalog")
        if not cards:
            return which_product(turn)
        return list_answer(t(head, turn.lang), cards, turn.lang, stock=True)
    if "get_product" not in turn.ran:
        return ToolPlan(tuple(call("get_product", {"sku": sku}) for sku in skus))
    cards = [turn.state.ctx.returned[s] for s in skus if s in turn.state.ctx.returned]
    if not cards:
        return which_product(turn)
    return list_answer(t(head, turn.lang), cards, turn.lang, stock=True)


def price_question(turn: Turn) -> Plan:
    """"Ile kosztuje S201-B16?" / "How much is the second one?": the catalogue price; files nothing. When the
    company has an open request for that product ("what is my price now?"), its status or approved price."""
    if turn.state.ctx.approvals or "request_price_change" in turn.ran:
        return discount_request(turn)
    skus = turn.known_codes() or ([m] if (m := turn.meant()) and turn.reading.position else [])
    if skus and has_open_request(turn, skus):
        return ToolPlan((call("request_price_change", {"skus": skus, "reason": "customer asked about the price"}),))
    return product_facts(turn, "price_answer")


def has_open_request(turn: Turn, skus: list[str]) -> bool:
    """Return True when the company has an approved, unexpired offer for exactly these products (then "what is
    my price?" is that offer; a pending request leaves the catalogue price, which the answer states)."""
    from guardrails.approvals import find_open_request

    company = turn.state.ctx.company.id or 0
    rows = [find_open_request(turn.state.ctx.session, company_id=company, skus=skus, kind=kind, proposed_change={})
            for kind in ("discount", "quote")]
    return any(r is not None and str(getattr(r.status, "value", r.status)) == "approved" for r in rows)


def product_info(turn: Turn) -> Plan:
    """"Tell me more about the second one": that product's card (price, stock, premises)."""
    return product_facts(turn, "meant")


def stock(turn: Turn) -> Plan:
    """"Czy S201-B16 jest dostępny?" / "Is it in stock?": the product's stock level."""
    return product_facts(turn, "meant")


def place_order(turn: Turn) -> Plan:
    """"Chcę zamówić 10 szt. S201-B16": the chat cannot order; say where to, with the product meant."""
    plan = product_facts(turn, "meant")
    if isinstance(plan, AnswerPlan):
        head = t("order_howto", turn.lang)
        if not plan.picks:
            return AnswerPlan(f"{head} {t('which_product', turn.lang)}", picks=())
        lines = plan.reply.split("\n")
        return AnswerPlan("\n".join([head, *lines[1:]]), picks=plan.picks)
    return plan


def discount_request(turn: Turn) -> Plan:
    """A discount, a better price or a quote: files an approval for the products named (by code, position,
    the one in focus, or words search really matches). A whole-order discount, or one naming no product, is
    asked about, never attached to a product the search happened to return."""
    state = turn.state
    r = turn.reading
    if state.ctx.approvals:
        ticket = state.ctx.approvals[-1]
        found = [c for c in turn.cards("search_catalog") if c.sku in ticket.skus][:1]
        lines = [*product_lines(found, turn.lang), approval_text(ticket, turn.lang)]
        if ticket.status == "pending":
            lines += short_stock(turn, ticket.skus)
        return AnswerPlan("\n".join(lines), picks=tuple(Pick(c.sku) for c in found))
    if "request_price_change" in turn.ran:  # the request failed (unknown SKU, gate refused)
        return which_product(turn)
    skus = turn.known_codes()
    if not skus and r.whole_order:
        return AnswerPlan(t("discount_whole_order", turn.lang), picks=())
    if not skus and (r.position or not r.names_product):
        meant = turn.meant()
        # nothing meant, or a question after a request with a product in focus (found in use: "Czy jest już
        # decyzja?" filed a new request for the focus): where the standing requests are
        if not r.position and (meant is None or r.asks_status and not r.slots.percent and not asked_quantity(turn)):
            status = request_status(turn)
            if status is not None:
                return status
        if meant is None and not r.position:
            return AnswerPlan(t("discount_which", turn.lang), picks=())
        if meant is None:
            return which_product(turn)
        skus = [meant]
    if not skus:
        retry = turn.search_again(1)
        if retry is not None:
            return retry
        skus = [c.sku for c in turn.cards("search_catalog")[:1] if named_by_query(c)]
    if not skus:
        return AnswerPlan(t("discount_which", turn.lang), picks=())
    quantity = asked_quantity(turn)
    args: dict[str, Any] = {"skus": skus, "kind": "quote" if quantity and not r.slots.percent else "discount",
                            "reason": "customer asked for a better price in chat"}
    if r.slots.percent and 0 < r.slots.percent <= 50:
        args["discount_percent"] = r.slots.percent
    if quantity:
        args["quantity"] = quantity
    return ToolPlan((call("request_price_change", args),))


def asked_quantity(turn: Turn) -> int | None:
    """Return the pieces a price request is for: the quantity slot ("x 20", "20 szt."), else a count above one."""
    r = turn.reading
    return r.slots.quantity or next((n for n, _ in r.slots.counts if n > 1), None)


def short_stock(turn: Turn, skus: list[str]) -> list[str]:
    """Return a sentence per product of a price request whose quantity is more than the stock ("40 of them, 12%
    off" with 16 in stock: found in use, the request was filed without a word about it)."""
    from store import catalog

    quantity = asked_quantity(turn)
    if not quantity:
        return []
    products = catalog.products_by_sku(turn.state.ctx.session, skus=skus, active_only=False)
    return [t("stock_short", turn.lang, sku=sku, stock=p.stock, quantity=quantity) for sku in skus
            if (p := products.get(sku)) is not None and p.stock is not None and p.stock < quantity]


def request_status(turn: Turn) -> AnswerPlan | None:
    """A discount ask that names no product while the company has a request in force ("Is there a decision on
    my discount?"): where the newest stands, else None. An untold decision is told by the decision notice that
    follows every reply, so the answer only leads in to it (found in use: it asked "which products?" above the
    notice)."""
    from agent._answer import decision_text
    from guardrails.approvals import recent_requests, untold_decisions
    from store import catalog
    from store.models import ApprovalStatus

    ctx = turn.state.ctx
    if ctx.company.id is None:
        return None
    rows = recent_requests(ctx.session, ctx.company.id)
    if not rows:
        return None
    if {r.id for r in untold_decisions(ctx.session, ctx.company.id)} & {r.id for r in rows}:
        return AnswerPlan(t("discount_news", turn.lang), picks=())
    newest = rows[0]
    skus = list(newest.product_skus or [])
    ctx.referenced.update(skus)
    if newest.status == ApprovalStatus.pending:
        text = t("discount_pending", turn.lang, id=newest.id, products=", ".join(skus))
    else:
        text = decision_text(newest, catalog.products_by_sku(ctx.session, skus=skus, active_only=False), turn.lang)
    return AnswerPlan(f"{text} {t('discount_other', turn.lang)}", picks=())


def discount_and_accessories(turn: Turn) -> Plan:
    """"What goes with X, and 5% off it?": the price request first, then the accessories, one answer."""
    price = discount_request(turn)
    if isinstance(price, ToolPlan):
        return price
    acc = accessories(turn)
    if isinstance(acc, ToolPlan):
        return acc
    if acc.reply == price.reply or not (acc.picks or price.picks or turn.state.ctx.approvals):
        return which_product(turn)  # neither found the product: ask once
    shown = tuple(acc.picks or ())
    picks = shown + tuple(p for p in price.picks or () if p.sku not in {q.sku for q in shown})
    return AnswerPlan(f"{acc.reply}\n{price.reply}", picks=picks)
