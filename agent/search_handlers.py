"""The handlers that search the catalogue for what the customer describes: ``find`` (with "did you mean …?" for
a mistyped code, "we don't carry this" when search says no product of that type exists, "a wersja 4P?" as a
variant of the product in focus) and ``project_need`` (a short bill of materials by category)."""

from __future__ import annotations

import re

from agent._planning import MAX_PICKS, Turn, call, list_answer, search_call
from agent.intent_model import fold
from agent.models import AnswerPlan, Pick, Plan, ToolPlan
from agent.slots import near_codes
from agent.templates import product_lines, t
from core.errors import SalesAgentError
from store import catalog
from tools.catalog import named_by_query
from tools.models import ProductCard, ProductList

BOM: dict[str, list[tuple[str, str, str]]] = {
    "installation": [("sockets", "socket outlet gniazdo", "Sockets & switches"),
                     ("boxes", "flush box puszka", "Conduits & glands > Installation boxes"),
                     ("cable", "YDYp 3x2,5", "Cables > Installation cables"),
                     ("mcb", "B16 1P", "Circuit protection > Miniature circuit breakers (MCB)"),
                     ("rcd", "RCD 4P 40A 30mA", "Residual current protection > RCD")],
    "pv": [("pv_modules", "PV module", "Photovoltaics > PV modules"),
           ("inverter", "inverter", "Photovoltaics > Inverters"),
           ("dc_cable", "solar cable", "Cables > Solar cables"),
           ("dc_spd", "DC surge arrester", "Surge protection > PV DC surge arresters"),
           ("mounting", "mounting", "Photovoltaics > Mounting systems")],
    "ev": [("wallbox", "wallbox 11 kW", "EV charging"), ("cable", "YKY 5x6", "Cables"),
           ("rcd", "RCD type A 4P", "Residual current protection > RCD"),
           ("mcb", "C20 3P", "Circuit protection > Miniature circuit breakers (MCB)")],
    "lighting": [("luminaires", "LED panel 60x60", "LED lighting"),
                 ("emergency", "emergency luminaire", "Emergency lighting"),
                 ("cable", "YDYp 3x1,5", "Cables > Installation cables"),
                 ("mcb", "B10 1P", "Circuit protection > Miniature circuit breakers (MCB)")],
}
"""What a project of each kind usually needs: (item, search words, category), one product of each shown."""
_PROJECT_WORDS = [("pv", ("fotowolt", "pv", "solar", "falownik", "inverter", "panele")),
                  ("ev", ("wallbox", "ladowark", "ladowani", "charger", "charging", "electric car", "samochod")),
                  ("lighting", ("oswietl", "lighting", "lights", "lampy", "hala", "warehouse", "magazyn"))]


def _search_words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def find(turn: Turn) -> Plan:
    """A product described by type, specification or code: the catalogue's best matches, said honestly."""
    r = turn.reading
    known = turn.known_codes()
    if r.slots.codes and not known:
        guess = did_you_mean(turn)
        if guess is not None:
            return guess
    focus = variant_of(turn) if not known else None
    if focus is not None:
        return focus
    if len(r.categories) > 1 and not known:
        return find_several(turn)
    query = r.query or " ".join(r.slots.codes)
    if not query:
        return AnswerPlan(t("greeting", turn.lang), picks=())
    retry = turn.search_again(MAX_PICKS, query)
    if retry is not None:
        return retry
    cards = turn.cards("search_catalog")
    if not cards:
        return AnswerPlan(t("found_none", turn.lang, query=query), picks=())
    if not known and not_carried(turn, query):
        return AnswerPlan(t("not_carried", turn.lang, query=query), picks=())
    unmet = unmet_specs(turn, cards[:MAX_PICKS])
    if unmet:
        return list_answer(t("spec_unmet", turn.lang, specs=", ".join(unmet)), cards, turn.lang,
                           stock=r.asks_stock)
    head = "found" if any(named_by_query(c) for c in cards[:MAX_PICKS]) else "found_weak"
    return list_answer(t(head, turn.lang, query=query), cards, turn.lang, stock=r.asks_stock)


SPEC_ATTRIBUTES: dict[str, tuple[str, str]] = {
    "current_a": ("rated_current_a", "{} A"), "poles": ("poles", "{}P"), "curve": ("curve", "{}"),
    "breaking_ka": ("breaking_capacity_ka", "{} kA"), "residual_ma": ("residual_current_ma", "{} mA"),
    "ip": ("ip_rating", "IP{}"), "power_kw": ("power_kw", "{} kW"), "power_w": ("power_w", "{} W"),
}
"""Slot -> (catalogue attribute, how the buyer wrote it): the specifications checked against what is shown."""


def _same(value: object, wanted: str) -> bool:
    text = str(value).strip().upper().removeprefix("IP")
    try:
        return float(text.replace(",", ".")) == float(wanted.replace(",", "."))
    except ValueError:
        return text == wanted.strip().upper()


def unmet_specs(turn: Turn, cards: list[ProductCard]) -> list[str]:
    """Return the stated specifications ("10 kA") that none of the shown products has, where they state it:
    the answer says so before showing the nearest ones."""
    specs = turn.reading.slots.specs
    if not specs or not cards:
        return []
    rows = catalog.products_by_sku(turn.state.ctx.session, skus=[c.sku for c in cards])
    out = []
    for slot, wanted in specs.items():
        if slot not in SPEC_ATTRIBUTES:
            continue
        key, shape = SPEC_ATTRIBUTES[slot]
        stated = [(row.attributes or {}).get(key) for row in rows.values()]
        stated = [v for v in stated if v is not None]
        if stated and not any(_same(v, wanted) for v in stated):
            out.append(shape.format(wanted))
    return out


def not_carried(turn: Turn, query: str) -> bool:
    """Return True when search says the shop carries no product of the type asked for (retrieval's "no match"
    call: the best hits are not that kind of product)."""
    search_result = getattr(turn.state.ctx.resources.catalog, "search_result", None)
    if search_result is None:
        return False
    from retrieval.models import CatalogFilters

    searches = turn.state.outcomes_of("search_catalog")
    if searches and '"category"' in searches[-1].call.arguments:
        return False  # the words named a category of ours and the hits are from it: it is carried
    try:
        result = search_result(query, CatalogFilters(), k=MAX_PICKS, explain=False)
    except SalesAgentError:  # the verdict is a courtesy: a refused query must not fail the answer
        return False
    if not getattr(result, "no_match", False):
        return False
    # The verdict alone also fires on thin catalogues and vague asks. "We don't carry it" needs a word no product
    # has ("powerwall"), no hit that matches several of the words or specs, and a thing named, not "something".
    if not getattr(result, "unknown_words", None) or _VAGUE.search(fold(turn.state.message)):
        return False
    return not any(_named_strongly(c) for c in turn.cards("search_catalog"))


_VAGUE = re.compile(r"\b(?:cos|czegos|czyms|cokolwiek|something|anything|jakies|jakis)\b")


def _named_strongly(card: ProductCard) -> bool:
    """Return True when a hit is an identifier match or matches at least three of the query's words/specs."""
    for p in card.premises:
        if p.kind != "search":
            continue
        reason = p.data.get("reason")
        if reason == "exact" or (reason == "matches" and
                                 len(p.data.get("attributes") or []) + len(p.data.get("terms") or []) >= 3):
            return True
    return False


def did_you_mean(turn: Turn) -> Plan | None:
    """"S2O1-B16 x 20", "S201-B61": a code that is no SKU but one edit (or a look-alike letter) from one gets
    "did you mean …?" with that product shown; None when no code is that close."""
    code = turn.reading.slots.codes[0]
    guesses = near_codes(code, catalog.active_skus(turn.state.ctx.session))
    if not guesses:
        return None
    if "get_product" not in turn.ran:
        return ToolPlan(tuple(call("get_product", {"sku": g}) for g in guesses[:2]))
    cards = [turn.state.ctx.returned[g] for g in guesses[:2] if g in turn.state.ctx.returned]
    if not cards:
        return None
    head = t("did_you_mean", turn.lang, code=code, skus=" / ".join(c.sku for c in cards))
    if turn.reading.slots.quantity:
        head += " " + t("did_you_mean_qty", turn.lang, quantity=turn.reading.slots.quantity)
    return list_answer(head, cards, turn.lang, stock=True)


VARIANT_WORDS = 3
"""At most this many words besides the specifications in a variant follow-up ("A wersja 4P?" has one, "What
about the 2P version?" two); a message with more describes a product of its own."""


def variant_of(turn: Turn) -> Plan | None:
    """"A wersja 4P?" / "and in 40 A?": the product in focus with another specification, searched in its
    category; None when the message names a product type of its own or nothing is in focus."""
    r = turn.reading
    if r.categories or r.slots.codes or not r.slots.specs or r.position:
        return None
    if len(re.findall(r"\b[^\W\d_]+\b", r.query)) > VARIANT_WORDS:
        return None  # "I need LED high bay lights for a warehouse, 150 W": a request of its own, not a variant
    focus = turn.meant()
    row = catalog.product_by_sku(turn.state.ctx.session, sku=focus) if focus else None
    if row is None:
        return None
    query = variant_query(row.name, r.slots.specs)
    if "search_catalog" not in turn.ran:
        return ToolPlan((search_call(query, MAX_PICKS, row.category),))
    cards = [c for c in turn.cards("search_catalog") if c.sku != row.sku]
    if not cards:
        return AnswerPlan(t("found_none", turn.lang, query=query), picks=())
    return list_answer(t("variant", turn.lang, query=query), cards, turn.lang)


_NAME_SPECS: dict[str, tuple[str, str]] = {
    "poles": (r"\b\d(?:P|-pole)\b", "{}P"), "current_a": (r"\b\d{1,3} ?A\b", "{} A"),
    "residual_ma": (r"\b\d{1,4} ?mA\b", "{} mA"), "breaking_ka": (r"\b\d{1,3} ?kA\b", "{} kA"),
    "ip": (r"\bIP\d{2}\b", "IP{}"), "curve": (r"\b[BCD](?=\d)", "{}"),
    "power_w": (r"\b\d{1,5} ?W\b", "{} W"), "power_kw": (r"\b\d{1,4}(?:[.,]\d)? ?kW\b", "{} kW"),
    "voltage_v": (r"\b\d{2,4} ?V\b", "{} V"), "modules": (r"\b\d{1,3} (?:modules|mod\.?)\b", "{} modules"),
}
"""How a specification is written in a product name, to swap it for the one asked ("a wersja 4P?")."""


def variant_query(name: str, specs: dict[str, str]) -> str:
    """Return the focus product's name with the asked specifications swapped in (or added)."""
    out = name
    for slot, value in specs.items():
        if slot not in _NAME_SPECS:
            continue
        pattern, shape = _NAME_SPECS[slot]
        new = shape.format(value)
        n = 0
        if slot == "current_a":  # "MCB B16": the current rides on the curve letter
            out, n = re.subn(r"\b([BCDK])\d{1,3}\b", rf"\g<1>{value}", out, count=1)
        if not n:
            out, n = re.subn(pattern, new, out, count=1)
        if not n:
            out = f"{out} {new}"
    return _search_words(out)


def find_several(turn: Turn) -> Plan:
    """"RCDs and MCBs for a new flat": one search per product type named, the best two of each."""
    r = turn.reading
    if "search_catalog" not in turn.ran:
        return ToolPlan(tuple(search_call(r.query, 2, kind) for kind in r.categories[:3]))
    cards = [c for o in turn.state.outcomes_of("search_catalog") if isinstance(o.output, ProductList)
             for c in o.output.items[:2]]
    if not cards:
        return AnswerPlan(t("found_none", turn.lang, query=r.query), picks=())
    head = "found" if any(named_by_query(c) for c in cards) else "found_weak"
    return AnswerPlan("\n".join([t(head, turn.lang, query=r.query),
                                 *product_lines(cards, turn.lang, stock=r.asks_stock)]),
                      picks=tuple(Pick(c.sku) for c in cards))


def project_kind(text: str) -> str:
    """Return which bill of materials a project description needs (an electrical installation by default)."""
    folded = f" {fold(text)} "
    for kind, words in _PROJECT_WORDS:
        if any(re.search(rf"(?<![a-z]){re.escape(w)}", folded) for w in words):
            return kind
    return "installation"


def fixed_queries() -> list[str]:
    """The search queries the planner writes itself (one per bill-of-materials line), whatever the customer said:
    the start-up embeds them once, so a project question (five searches) waits for no query embedding."""
    return sorted({query.strip() for items in BOM.values() for _, query, _ in items})


def project_need(turn: Turn) -> Plan:
    """"I'm wiring a small office, 20 sockets, what do I need?": one product of each category such a project
    needs (boxes, cable, MCBs, RCD, board ...), and the questions that would size it (and the board it goes in)."""
    kind = project_kind(turn.state.message)
    items = BOM[kind]
    if "search_catalog" not in turn.ran:
        return ToolPlan(tuple(search_call(q, 1, cat) for _, q, cat in items))
    outcomes = turn.state.outcomes_of("search_catalog")
    lines = [t("project_head", turn.lang)]
    picks: list[Pick] = []
    counts = {word: n for n, word in turn.reading.slots.counts}
    for (item, _, _), outcome in zip(items, outcomes, strict=False):
        found = outcome.output.items[:1] if isinstance(outcome.output, ProductList) else []
        label = t(f"bom_{item}", turn.lang)
        n = next((v for w, v in counts.items() if fold(w)[:4] in fold(label)), None)
        label = f"{label} (× {n})" if n else label
        if found and len(picks) < 5:  # at most five recommendations a turn
            card = turn.state.ctx.returned.get(found[0].sku, found[0])
            lines.append(f"{label}:")
            lines += product_lines([card], turn.lang)
            picks.append(Pick(card.sku))
    lines.append(t(f"project_questions_{kind}", turn.lang))
    return AnswerPlan("\n".join(lines), picks=tuple(picks[:5]))
