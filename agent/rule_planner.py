"""The deterministic planner: intent rules choose the tools, templates write the reply from their premises.

It answers when no LLM is configured and whenever the LLM fails, and it shares the LLM planner's interface:
``plan(state) -> ToolPlan | AnswerPlan``. It plans in phases from what it has already run this turn.
"""

from __future__ import annotations

import json
from typing import Any

from agent._state import TurnState
from agent.intents import Detected, category_hints, detect
from agent.models import AnswerPlan, Pick, Plan, ToolCall, ToolPlan
from agent.templates import (
    approval_text,
    onboarding_noted_text,
    order_history_text,
    premise_text,
    product_lines,
    question_text,
    t,
)
from tools.catalog import catalogue_codes, named_by_query
from tools.explain import NO_SUCH_POSITION
from tools.models import OnboardingAnswer, OrderHistorySummary, ProductCard, ProductList, ProfilingChoice
from tools.onboarding import QUESTIONS, next_onboarding_topic

MAX_PICKS = 3
SEARCH_QUERY_CHARS = 200
"""The longest query ``search_catalog`` accepts (its schema): a longer description is cut, never refused."""
ORDER_MONTHS = 24
"""How far back "show our orders" looks."""


class RulePlanner:
    """Intent rules over the same tools the LLM uses."""

    name = "planner"

    def plan(self, state: TurnState) -> Plan:
        """Return the next tools to run, or the answer once their outcomes are in."""
        d = detect(state.message)
        cold = bool(state.profile.get("cold_start"))
        lang = state.ctx.language
        ran = {o.call.name for o in state.outcomes}
        if d.intent == "opt_out":
            return self._opt_out(state, ran)
        if d.intent == "identity":
            return AnswerPlan(t("identity", lang), picks=())
        if d.intent == "explain":
            return self._explain(state, d, ran)
        if d.intent == "popular":
            return self._popular(state, ran)
        if d.intent == "alternatives":
            return self._alternatives(state, d, ran)
        if d.intent == "thanks":
            return AnswerPlan(t("thanks", lang), picks=())
        if d.intent == "price" and "accessories" in d.also:
            return self._price_and_accessories(state, d, ran)
        if d.intent == "price":
            return self._price(state, d, ran)
        if d.intent == "accessories":
            return self._accessories(state, d, ran)
        if d.intent == "orders":
            return self._orders(state, ran)
        if d.intent == "out_of_scope":  # no tool knows deliveries, invoices or opening hours: say so, list nothing
            return AnswerPlan(t("out_of_scope", lang), picks=())
        if d.intent == "place_order":
            return self._place_order(state, d, ran)
        if (d.position or d.asks_stock) and not d.query and d.intent in ("find", "recommend", "greeting"):
            return self._show_meant(state, d, ran)  # "Ile kosztuje drugi?", "Is it in stock?": that product
        if cold and d.intent in ("find", "recommend", "greeting"):  # an answer to the onboarding question?
            asked = _onboarding_topic_asked(state)
            if asked and "record_onboarding_answer" not in ran:
                args: dict[str, Any] = {"topic": asked, "answer": state.message.strip()[:300]}
                if asked == "categories":
                    args["product_groups_named"] = category_hints(state.message)
                return ToolPlan((_call("record_onboarding_answer", args),))
            recorded = [o.output for o in state.outcomes_of("record_onboarding_answer")
                        if isinstance(o.output, OnboardingAnswer)]
            if recorded:  # else it was no answer (a search, say): handled below like any message
                return self._onboarding_recorded(state, recorded[0], ran)
        if (cold and "ask_onboarding_question" not in ran and not state.history
                and next_onboarding_topic(state.ctx.company) is not None):
            calls = [_call("ask_onboarding_question", {}), _call("segment_bestsellers", {"k": MAX_PICKS})]
            if d.intent == "find" and d.query:
                calls.append(_search(d, MAX_PICKS))
            return ToolPlan(tuple(calls))
        if cold and "ask_onboarding_question" in ran:
            return self._onboarding_answer(state)
        kinds = category_hints(d.query) if d.intent == "find" and d.query else []
        if len(kinds) > 1:
            return self._find_several(state, d, kinds[:3], ran)
        if d.intent == "find" and d.query:
            retry = self._search_again(state, d, MAX_PICKS)
            if retry is not None:
                return retry
            cards = self._cards(state, "search_catalog")
            if not cards:
                return AnswerPlan(t("found_none", lang, query=d.query), picks=())
            # hits found by faint similarity alone are offered as a guess, with a question back
            head = "found" if any(named_by_query(c) for c in cards[:MAX_PICKS]) else "found_weak"
            return _list_answer(t(head, lang, query=d.query), cards, lang, stock=d.asks_stock)
        if "recommend_for_customer" not in ran:
            rec_args: dict[str, Any] = {"k": MAX_PICKS}
            if d.query:
                rec_args["query"] = d.query[:SEARCH_QUERY_CHARS]
            return ToolPlan((_call("recommend_for_customer", rec_args),))
        cards = self._cards(state, "recommend_for_customer")
        if not cards:
            return AnswerPlan(t("greeting" if d.intent == "greeting" else "recommend_none", lang), picks=())
        return _list_answer(t("recommend", lang), cards, lang)

    # --- intents --------------------------------------------------------------------------------------------

    def _explain(self, state: TurnState, d: Detected, ran: set[str]) -> Plan:
        lang = state.ctx.language
        if "explain_recommendations" not in ran:
            args: dict[str, Any] = {"limit": MAX_PICKS}
            codes = _known_codes(state, d.codes)
            if codes:
                args["sku"] = codes[0]
            elif d.position:
                args["position"] = d.position
            return ToolPlan((_call("explain_recommendations", args),))
        outputs = [o.output for o in state.outcomes_of("explain_recommendations")]
        items = [i for o in outputs for i in getattr(o, "items", [])]
        if not items and d.position and any(getattr(o, "note", "").startswith(NO_SUCH_POSITION) for o in outputs):
            return AnswerPlan(t("explain_no_position", lang, position=d.position), picks=())
        if not items:
            return AnswerPlan(t("explain_none", lang), picks=())
        lines = [t("explain", lang, name=i.name, sku=i.sku,
                   premises="; ".join(premise_text(p, lang) for p in i.premises) or i.justification)
                 for i in items]
        return AnswerPlan("\n".join(lines), picks=())

    def _opt_out(self, state: TurnState, ran: set[str]) -> Plan:
        """"No profiling": record the company's objection (the promise of the disclosure line) and say what
        changes."""
        if "object_to_profiling" not in ran:
            return ToolPlan((_call("object_to_profiling", {}),))
        done = [o.output for o in state.outcomes_of("object_to_profiling") if isinstance(o.output, ProfilingChoice)]
        if not done:
            return AnswerPlan(t("opt_out_failed", state.ctx.language), picks=())
        return AnswerPlan(t("opt_out_already" if done[0].already else "opt_out_done", state.ctx.language), picks=())

    def _popular(self, state: TurnState, ran: set[str]) -> Plan:
        """"What do companies like mine buy?": the bestsellers of the customer's segment (overall ones when the
        segment is unknown or too small, or the company objected to profiling; the premises say which)."""
        if "segment_bestsellers" not in ran:
            return ToolPlan((_call("segment_bestsellers", {"k": MAX_PICKS}),))
        cards = self._cards(state, "segment_bestsellers")
        if not cards:
            return AnswerPlan(t("recommend_none", state.ctx.language), picks=())
        overall = all(p.text.startswith("popular overall") for p in cards[0].premises)
        return _list_answer(t("popular_all" if overall else "popular", state.ctx.language), cards,
                            state.ctx.language)

    def _alternatives(self, state: TurnState, d: Detected, ran: set[str]) -> Plan:
        """"Something cheaper than S201-B16" / "a substitute for it" / "something similar": products like the one
        named (by code, by a description that search matches, or the first one shown earlier). Cheaper and
        substitutes share its specification; when no product does, a substitute question gets the similar ones.
        Never a price request: the customer asked for another product."""
        lang = state.ctx.language
        anchor = next(iter(_known_codes(state, d.codes)), None)
        if anchor is None and d.query:
            retry = self._search_again(state, d, 1)
            if retry is not None:
                return retry
            anchor = next((c.sku for c in self._cards(state, "search_catalog")[:1] if named_by_query(c)), None)
        anchor = anchor or _meant(state, d)
        if anchor is None:
            return AnswerPlan(t("which_product", lang), picks=())
        lists = [o.output for o in state.outcomes_of("similar_products") if isinstance(o.output, ProductList)]
        if not lists and "similar_products" in ran:  # the tool refused the product
            return AnswerPlan(t("which_product", lang), picks=())
        if not lists:
            return ToolPlan((_call("similar_products", {"sku": anchor, "k": MAX_PICKS, "kind": d.alternative}),))
        named = lists[0].anchor
        if named is None:
            return AnswerPlan(t("which_product", lang), picks=())
        price = f"{named.price:.2f} {named.currency}"
        if lists[0].items:
            head = {"cheaper": "cheaper", "substitute": "same_spec"}.get(d.alternative, "alternatives")
            return _list_answer(t(head, lang, anchor=named.sku, price=price), lists[0].items, lang)
        if d.alternative == "substitute" and len(lists) == 1:  # none with its specification: the closest ones
            return ToolPlan((_call("similar_products", {"sku": named.sku, "k": MAX_PICKS}),))
        if d.alternative == "substitute" and lists[-1].items:
            return _list_answer(t("same_spec_none", lang, anchor=named.sku), lists[-1].items, lang)
        none = "cheaper_none" if d.alternative == "cheaper" else "alternatives_none"
        return AnswerPlan(t(none, lang, anchor=named.sku, price=price), picks=())

    def _place_order(self, state: TurnState, d: Detected, ran: set[str]) -> Plan:
        """"Chciałbym zamówić 10 szt. S201-B16" / "add it to my cart": the chat cannot place orders, so the reply
        says where to order and shows the product meant (by code, by words that search matches, or the first one
        shown earlier), never the loose hits of a search for "add ... cart"."""
        lang = state.ctx.language
        meant = None if d.query else _meant(state, d)
        skus = _known_codes(state, d.codes) or ([meant] if meant else [])
        if skus:
            if "get_product" not in ran:
                return ToolPlan(tuple(_call("get_product", {"sku": sku}) for sku in skus[:MAX_PICKS]))
            cards = [state.ctx.returned[sku] for sku in skus if sku in state.ctx.returned]
        elif d.query:
            retry = self._search_again(state, d, MAX_PICKS)
            if retry is not None:
                return retry
            cards = [c for c in self._cards(state, "search_catalog") if named_by_query(c)]
        else:
            cards = []
        if not cards:
            return AnswerPlan(f"{t('order_howto', lang)} {t('which_product', lang)}", picks=())
        return _list_answer(t("order_howto", lang), cards, lang, stock=True)

    def _show_meant(self, state: TurnState, d: Detected, ran: set[str]) -> Plan:
        """"Ile kosztuje drugi?" / "Is the third one in stock?": that product of the latest list, with its
        catalogue price and stock (it once searched the catalogue for the word "drugi")."""
        lang = state.ctx.language
        meant = _meant(state, d)
        if meant is None:
            return AnswerPlan(t("explain_no_position", lang, position=d.position) if d.position
                              else t("which_product", lang), picks=())
        if "get_product" not in ran:
            return ToolPlan((_call("get_product", {"sku": meant}),))
        cards = [state.ctx.returned[meant]] if meant in state.ctx.returned else []
        if not cards:
            return AnswerPlan(t("which_product", lang), picks=())
        return _list_answer(t("meant", lang), cards, lang, stock=True)

    def _orders(self, state: TurnState, ran: set[str]) -> Plan:
        """"Show our recent orders": the order-history summary in words (counts, months, categories, repeats)."""
        if "get_order_history" not in ran:
            return ToolPlan((_call("get_order_history", {"months": ORDER_MONTHS}),))
        summaries = [o.output for o in state.outcomes_of("get_order_history")
                     if isinstance(o.output, OrderHistorySummary)]
        return AnswerPlan(order_history_text(summaries[0] if summaries else None, ORDER_MONTHS,
                                             state.ctx.language), picks=())

    def _price(self, state: TurnState, d: Detected, ran: set[str]) -> Plan:
        lang = state.ctx.language
        if state.ctx.approvals:
            ticket = state.ctx.approvals[-1]
            # A product found by this turn's search is shown too: the customer named it in words, so the reply
            # says which product the request is about (at its catalogue price; the request itself has none).
            found = [c for c in self._cards(state, "search_catalog") if c.sku in ticket.skus][:1]
            return AnswerPlan("\n".join([*product_lines(found, lang), approval_text(ticket, lang)]),
                              picks=tuple(Pick(c.sku) for c in found))
        if "request_price_change" in ran:  # the request failed (unknown SKU, gate refused)
            return AnswerPlan(t("which_product", lang), picks=())
        meant = _meant(state, d)
        skus = _known_codes(state, d.codes) or ([meant] if meant else [])
        if not skus and d.position:  # "5% off the fourth one" when the list had three: ask, file nothing
            return AnswerPlan(t("explain_no_position", lang, position=d.position), picks=())
        if not skus and d.query:
            retry = self._search_again(state, d, 1)
            if retry is not None:
                return retry
        if not skus:  # the top hit of the customer's description, if it really is what they described
            skus = [c.sku for c in self._cards(state, "search_catalog")[:1] if named_by_query(c)]
        if not skus:
            return AnswerPlan(t("which_product", lang), picks=())
        args: dict[str, Any] = {"skus": skus, "kind": "quote" if d.quantity and not d.discount_percent
                                else "discount", "reason": "customer asked for a better price in chat"}
        if d.discount_percent and 0 < d.discount_percent <= 50:
            args["discount_percent"] = d.discount_percent
        if d.quantity:
            args["quantity"] = d.quantity
        return ToolPlan((_call("request_price_change", args),))

    def _price_and_accessories(self, state: TurnState, d: Detected, ran: set[str]) -> Plan:
        """Both asks of "what goes with X, and can I get a discount on it?": the price request first (it needs
        the product), then the accessories of the same product, one answer for both."""
        price = self._price(state, d, ran)
        if isinstance(price, ToolPlan):
            return price
        accessories = self._accessories(state, d, ran)
        if isinstance(accessories, ToolPlan):
            return accessories
        if accessories.reply == price.reply:  # neither found the product: ask once
            return price
        shown = tuple(accessories.picks or ())
        picks = shown + tuple(p for p in price.picks or () if p.sku not in {q.sku for q in shown})
        return AnswerPlan(f"{accessories.reply}\n{price.reply}", picks=picks)

    def _accessories(self, state: TurnState, d: Detected, ran: set[str]) -> Plan:
        lang = state.ctx.language
        anchor = next(iter(_known_codes(state, d.codes)), None)
        if anchor is None and "search_catalog" in ran:  # only a hit that is what the customer described
            anchor = next((c.sku for c in self._cards(state, "search_catalog")[:1] if named_by_query(c)), None)
        if anchor is None and d.query:
            retry = self._search_again(state, d, 1)
            if retry is not None:
                return retry
        anchor = anchor or _meant(state, d)
        if anchor is None:
            return AnswerPlan(t("explain_no_position", lang, position=d.position) if d.position
                              else t("which_product", lang), picks=())
        if "bought_together" not in ran:
            return ToolPlan((_call("bought_together", {"sku": anchor, "k": MAX_PICKS}),))
        cards = self._cards(state, "bought_together")
        if not cards:
            return AnswerPlan(t("accessories_none", lang, anchor=anchor), picks=())
        return _list_answer(t("accessories", lang, anchor=anchor), cards, lang)

    def _onboarding_answer(self, state: TurnState) -> Plan:
        lang = state.ctx.language
        question = state.ctx.questions[-1] if state.ctx.questions else None
        found = self._cards(state, "search_catalog")
        best = [c for c in self._cards(state, "segment_bestsellers") if c.sku not in {f.sku for f in found}]
        parts = [t("welcome", lang)]
        if question is not None:
            parts.append(question_text(question))
        picks = (found + best)[:MAX_PICKS]
        if found:
            parts += [t("found", lang, query=detect(state.message).query), *product_lines(found[:MAX_PICKS], lang)]
        if best and len(found) < MAX_PICKS:
            parts += [t("bestsellers", lang), *product_lines(best[: MAX_PICKS - len(found)], lang)]
        return AnswerPlan("\n".join(parts), picks=tuple(Pick(c.sku) for c in picks))

    def _find_several(self, state: TurnState, d: Detected, kinds: list[str], ran: set[str]) -> Plan:
        """"RCDs and MCBs for a new flat", "kable i dławnice": one search per product type named, the best two
        of each (one search over all of them once answered with RCBOs only)."""
        lang = state.ctx.language
        if "search_catalog" not in ran:
            return ToolPlan(tuple(_call("search_catalog", {"query": d.query[:SEARCH_QUERY_CHARS], "k": 2,
                                                           "category": kind})
                                  for kind in kinds))
        cards = [c for o in state.outcomes_of("search_catalog") if isinstance(o.output, ProductList)
                 for c in o.output.items[:2]]
        if not cards:
            return AnswerPlan(t("found_none", lang, query=d.query), picks=())
        head = "found" if any(named_by_query(c) for c in cards) else "found_weak"
        return AnswerPlan("\n".join([t(head, lang, query=d.query),
                                     *product_lines(cards, lang, stock=d.asks_stock)]),
                          picks=tuple(Pick(c.sku) for c in cards))

    def _onboarding_recorded(self, state: TurnState, answer: OnboardingAnswer, ran: set[str]) -> Plan:
        """After a new customer's answer was recorded: say what was noted, ask the next thing we do not know, and
        show picks that already use it (its segment's bestsellers, products like what it said it buys)."""
        lang = state.ctx.language
        nxt = next_onboarding_topic(state.ctx.company)
        calls = []
        if nxt is not None and "ask_onboarding_question" not in ran:
            calls.append(_call("ask_onboarding_question", {"topic": nxt}))
        if "recommend_for_customer" not in ran:
            calls.append(_call("recommend_for_customer", {"k": MAX_PICKS}))
        if calls:
            return ToolPlan(tuple(calls))
        parts = [t("onboarding_noted", lang, what=onboarding_noted_text(answer, lang))]
        if state.ctx.questions:
            parts.append(question_text(state.ctx.questions[-1]))
        cards = self._cards(state, "recommend_for_customer")[:MAX_PICKS]
        if cards:
            parts += [t("onboarding_picks", lang), *product_lines(cards, lang)]
        return AnswerPlan("\n".join(parts), picks=tuple(Pick(c.sku) for c in cards))

    def _search_again(self, state: TurnState, d: Detected, k: int) -> ToolPlan | None:
        """Return the search to run next: with the category hint first, then without it if that found nothing."""
        searches = state.outcomes_of("search_catalog")
        if not searches:
            return ToolPlan((_search(d, k),))
        if not self._cards(state, "search_catalog") and d.category and len(searches) == 1:
            return ToolPlan((_search(d, k, with_category=False),))
        return None

    def _cards(self, state: TurnState, tool: str) -> list[ProductCard]:
        cards: list[ProductCard] = []
        for outcome in state.outcomes_of(tool):
            if isinstance(outcome.output, ProductList):
                cards.extend(state.ctx.returned.get(c.sku, c) for c in outcome.output.items)
        return cards


def _call(name: str, args: dict[str, Any]) -> ToolCall:
    return ToolCall(id=f"planner-{name}", name=name, arguments=json.dumps(args, ensure_ascii=False))


def _search(d: Detected, k: int, *, with_category: bool = True) -> ToolCall:
    args: dict[str, Any] = {"query": d.query[:SEARCH_QUERY_CHARS], "k": k}
    if with_category and d.category:
        args["category"] = d.category
    return _call("search_catalog", args)


def _list_answer(head: str, cards: list[ProductCard], lang: str, *, stock: bool = False) -> AnswerPlan:
    chosen = cards[:MAX_PICKS]
    return AnswerPlan("\n".join([head, *product_lines(chosen, lang, stock=stock)]),  # type: ignore[arg-type]
                      picks=tuple(Pick(c.sku) for c in chosen))


def _onboarding_topic_asked(state: TurnState) -> str | None:
    """Return the onboarding topic the assistant's last message asked about, if it asked one."""
    last = next((text for role, text in reversed(state.history) if role == "assistant"), "")
    return next((topic for topic, words in QUESTIONS.items() if any(q in last for q in words.values())), None)


def _meant(state: TurnState, d: Detected) -> str | None:
    """Return the product "it" / "the second one" means: that place of the latest list when the message names
    one (None when the list is shorter), else the first product recommended last."""
    if d.position:
        return state.latest_list[d.position - 1] if len(state.latest_list) >= d.position else None
    return state.previous_skus[0] if state.previous_skus else None


def _known_codes(state: TurnState, codes: tuple[str, ...]) -> list[str]:
    """Return the tokens that are catalogue SKUs (case-insensitive), in the order written."""
    return catalogue_codes(state.ctx, codes)
