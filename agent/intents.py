"""Keyword screens and product words (Polish and English): the category hints, list positions and search-word
cleaning the planner uses, and ``detect``, the cheap keyword reading kept for the portal's price-ask rate limit
and for checking a model-written reply. The rule planner's intent comes from ``agent.intent_model`` (issue 21)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Intent = Literal["opt_out", "identity", "explain", "popular", "alternatives", "price", "accessories", "orders", "out_of_scope",
                 "place_order", "onboarding", "recommend", "find", "greeting", "thanks"]

_RULES: list[tuple[Intent, tuple[str, ...]]] = [
    # first: the disclosure line promises that writing "no profiling" / "bez profilowania" opts out
    ("opt_out", ("no profiling", "bez profilowania", "stop profiling", "without profiling", "opt out of profiling",
                 "opt-out of profiling", "object to profiling", "don't profile", "dont profile", "do not profile",
                 "zrezygnowac z profilowania", "rezygnuje z profilowania", "rezygnacja z profilowania",
                 "wylacz profilowanie", "wylaczcie profilowanie", "nie profiluj", "sprzeciw wobec profilowania",
                 "sprzeciwiam sie profilowaniu")),
    # "who are you?" / "czy rozmawiam z człowiekiem?": the AI disclosure, said in words
    ("identity", ("who are you", "are you a bot", "are you human", "are you a human",
                  "are you a person", "are you a real", "are you a robot", "are you ai", "are you an ai",
                  "am i talking to", "am i chatting with", "real person", "kim jestes", "kim pan jest",
                  "kim pani jest", "czy jestes botem", "czy jestes czlowiek", "czy to bot", "czy rozmawiam z",
                  "z kim rozmawiam", "prawdziwa osoba", "prawdziwym czlowiek", "czy jestes ai", "czy jestes robotem")),
    ("explain", ("why", "dlaczego", "czemu", "skad ta", "what is this based on", "na jakiej podstawie",
                 "reason for", "uzasadni", "explain", "wyjasni")),
    # "what do companies like mine buy?": the segment's bestsellers, not this customer's own picks
    ("popular", ("companies like", "firms like", "businesses like", "companies similar", "similar companies",
                 "similar customers", "other companies", "other customers", "other firms", "firmy podobne",
                 "firm podobnych", "podobne firmy", "podobnych firm", "firmy jak", "firmy takie jak", "inne firmy",
                 "innych firm", "inni klienci", "innych klientow", "podobni klienci", "bestseller", "most popular",
                 "popular", "popularn", "najczesciej kupow", "best sell", "top sell", "co sie sprzedaje",
                 "what sells", "najlepiej sprzeda")),
    # before "price": "something cheaper than S201-B16" asks for another product, not a discount on that one
    ("alternatives", ("alternatyw", "alternative", "zamiennik", "odpowiednik", "substitute", "replacement for",
                      "instead of", "zamiast", "similar to", "podobny do", "podobne do", "podobnego do",
                      "podobnych do", "other brand", "innej marki", "innego producenta", "cheaper than",
                      "something cheaper", "anything cheaper", "cheaper one", "cheaper option", "cheaper model",
                      "cheaper product", "cheaper version", "taniej niz", "tansze niz", "tanszy niz", "tanszego",
                      "tanszych", "cos taniej", "czegos taniej")),
    ("price", ("discount", "rabat", "znizk", "upust", "cheaper", "taniej", "better price", "lepsz", "special price",
               "cena specjaln", "cene specjaln", "negotiat", "negocj", "quote", "wycen", "volume price", "price for",
               "cena za", "cene za", "best price", "najlepsz", "obniz", "lower the price", "promocj", "offer for",
               "my price", "our price", "moja cen", "nasza cen", "byc tansz", "tansza cen", "tanszej cen",
               "tansze cen", "nizsza cen", "nizszej cen", "lower price",
               # a claim that a price was granted: staff check it (a request is filed), the chat grants nothing
               "was approved", "were approved", "already approved", "approved a", "approved at", "approved price",
               "zatwierdzil", "zatwierdzon", "zgode kierownika", "zgoda kierownika", "confirm that price",
               "confirm the price", "potwierdzic cen", "potwierdzic to", "naliczyc")),
    ("accessories", ("accessor", "akcesori", "goes with", "go with", "do tego", "pasuje do", "pasujace", "bought together",
                     "kupowane razem", "what else", "co jeszcze", "complement", "dopasowan", "to go with",
                     "together with", "razem z", "cos jeszcze do", "need with", "potrzebne do", "potrzebuje do",
                     "do montazu", "for mounting", "osprzet")),
    ("orders", ("moje zamowienia", "nasze zamowienia", "historia zamowien", "historie zamowien", "historii zamowien",
                "ostatnie zamowienia", "co zamawialismy", "co zamawialem", "co kupowalismy", "co kupowalem",
                "my orders", "our orders", "order history", "past orders", "previous orders", "recent orders",
                "what did we order", "what did i order", "what have we ordered", "what did we buy",
                "what have we bought", "co zamawiam", "co zwykle zamawiam", "co zwykle zamawiamy",
                "what do we usually order", "what do i usually order")),
    # what the tools cannot answer: said plainly instead of a product search for "opening hours"
    ("out_of_scope", ("opening hours", "godziny otwarcia", "godziny pracy", "are you open", "delivery status",
                      "where is my order", "where is my delivery", "track my", "tracking number", "status dostawy",
                      "status zamowienia", "gdzie jest moje zamowienie", "gdzie jest moja", "kiedy dostawa",
                      "kiedy przyjdzie", "przesylk", "dostawa", "dostawy", "dostawe", "dostawie", "delivery",
                      "deliver ", "invoice", "faktur", "complaint", "reklamac", "refund",
                      "return an", "return a ", "return the", "return my", "return this", "return it", "returns",
                      "zwrot", "zwrocic", "zwracam", "oddac towar", "warranty", "gwarancj", "wymiana towaru",
                      "wymienic towar", "platnos", "payment", "zaplac", "przelew", "pay by", "pay with",
                      "credit limit", "limit kredyt", "kredyt kupiecki")),
    # the chat cannot place orders: said, with the product named
    ("place_order", ("chce zamowic", "chcialbym zamowic", "chcialabym zamowic", "chcielibysmy zamowic",
                     "chcemy zamowic", "zamawiam to", "zamawiam ten", "zamawiam te ", "zamawiam je", "zlozyc zamowienie", "zlozenie zamowienia", "do koszyka",
                     "add to cart", "add to my cart", "to my cart", "to the cart", "place an order", "place the order",
                     "i want to order", "i'd like to order", "id like to order", "i would like to order",
                     "we'd like to order", "we would like to order", "we want to order", "buy now")),
    ("recommend", ("recommend", "polec", "suggest", "zaproponuj", "propozycj", "what should i", "what should we",
                   "co powinien", "co powinn", "co kupic", "what to buy", "for me", "dla mnie", "dla nas",
                   "for us", "ideas", "pomysl", "usually buy", "zwykle kupuj",
                   "reorder", "again", "ponownie", "znowu", "co warto", "warto zamowic", "warto kupic",
                   "co zamowic", "co moglbym", "co moglibysmy", "co moge zamowic", "co mozemy zamowic", "cos jeszcze",
                   "co nowego", "what could i", "what could we", "what can i order", "what can we order",
                   "what to order", "should i order", "should we order", "worth ordering", "worth buying")),
    ("greeting", ("hello", "hi ", "dzien dobry", "witam", "czesc", "hey", "good morning")),
    ("thanks", ("thank", "dziekuj", "dzieki", "to wszystko", "that's all", "thats all", "that is all", "bye",
                "do widzenia", "do uslyszenia", "pozdrawiam")),
]

_FILLER = re.compile(
    r"\b(?:i'?m|i am|we are|we'?re|we|looking for|i need|we need|need|do you have|have you got|please|can you|could "
    r"you|show me|find me|find|search|szukam|szukamy|potrzebuj[eę]|potrzebujemy|czy macie|czy jest|czy s[aą]|masz|"
    r"prosz[eę] o|prosz[eę]|poprosz[eę]|pokaż|poka[zż]|znajd[zź]|mam|mamy|some|a|an|the|any|jaki[sś]|jakie[sś]|"
    r"jak[aą][sś]|jaki|jakie|jak[aą]|czego[sś]|co[sś]|something|anything|hi|hello|dzie[nń] dobry|witam|thanks|"
    r"dzi[eę]kuj[eę]|for a|for|do|dla|i|oraz|"
    r"and|with|z|na|me|mi|nam|us|nazywam si[eę]|jestem|this is|my name is|m[oó]j|my|e-?mail|mail|phone|tel\.?|"
    r"telefon|numer)\b",
    re.IGNORECASE,
)
CODE_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9./+-]*[A-Za-z0-9](?![\w-])")
PERCENT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?(?:%|proc|percent)", re.IGNORECASE)
QUANTITY = re.compile(r"(\d{1,6})\s?(?:szt|sztuk|pcs|pieces|units|x\b|op\b|rolek|m\b|metr)", re.IGNORECASE)
PLACEHOLDER = re.compile(r"<[A-Z_]+_\d+>")
_CHEAPER_WORDS = ("cheaper", "taniej", "tansz", "lower price", "nizszej cenie", "budget")
_SUBSTITUTE_WORDS = ("alternatyw", "alternative", "zamiennik", "odpowiednik", "substitute", "replacement",
                     "instead of", "zamiast", "other brand", "innej marki", "innego producenta")
_STOCK_WORDS = ("dostepn", "na stanie", "na magazynie", "w magazynie", "stan magazyn", "in stock", "available",
                "availability", "ile macie", "how many do you have", "stock level")
# "the second one", "drugi produkt", "nr 2", "#2": a position in the latest list (1-based), folded text
_PL_ADJ = "(?:y|a|e|ego|ej|ym|emu)"
_ORDINAL_WORDS: list[tuple[str, int]] = [
    *((rf"{word}(?: one)?", n) for n, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), start=1)), (rf"pierwsz{_PL_ADJ}", 1), (r"drug(?:i|a|ie|iego|iej|im)", 2),
    (r"trzec(?:i|ia|ie|iego|iej|im)", 3), (rf"czwart{_PL_ADJ}", 4), (rf"pi[aą]t{_PL_ADJ}", 5),
    (rf"sz[oó]st{_PL_ADJ}", 6), (rf"si[oó]dm{_PL_ADJ}", 7), (rf"[oó]sm{_PL_ADJ}", 8), (rf"dziewi[aą]t{_PL_ADJ}", 9),
    (rf"dziesi[aą]t{_PL_ADJ}", 10),
]
"""Whole ordinal words ("drugi", "trzeciego", "ósmy", "second"), not prefixes: "ośmiokątna" is no position."""
ORDINAL = re.compile(r"\b(?:" + "|".join(f"({p})" for p, _ in _ORDINAL_WORDS) + r")\b"
                     r"|(?:\b(?:nr|no\.?|numer|number)|#)\s?(\d{1,2})\b", re.IGNORECASE)


def _alternative_kind(folded: str) -> Literal["similar", "substitute", "cheaper"]:
    if any(k in folded for k in _CHEAPER_WORDS):
        return "cheaper"
    return "substitute" if any(k in folded for k in _SUBSTITUTE_WORDS) else "similar"


def position_named(text: str) -> int | None:
    """Return the list position a message names ("why the second one?", "dlaczego nr 2?"), or None."""
    m = ORDINAL.search(text)
    if not m:
        return None
    word = next((i for i in range(len(_ORDINAL_WORDS)) if m.group(i + 1)), None)
    if word is not None:
        return _ORDINAL_WORDS[word][1]
    return int(m.group(len(_ORDINAL_WORDS) + 1)) or None


def fold(text: str) -> str:
    """Return ``text`` lower-cased without diacritics (ł -> l), for keyword matching."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Product words (folded: no diacritics) -> category path prefix; first match wins, so specific words come first.
CATEGORY_WORDS: list[tuple[tuple[str, ...], str]] = [
    (("cable gland", "dlawnice kablowe", "dlawnic kablowych", "gland", "dlawnic"), "Conduits & glands"),
    (("conduit", "peszel", "rura ", "rurka"), "Conduits & glands"),
    (("cable tray", "koryt", "korytk"), "Cable trays & supports"),
    (("energy meter", "kwh meter", "licznik energii", "licznik"), "Energy meters"),
    (("rcbo", "rcd", "residual current", "roznicowopradow", "roznicowk"), "Residual current protection"),
    (("surge", "przepie", "spd"), "Surge protection"),
    (("circuit breaker", "mcb", "nadpradow", "overcurrent", "eska", "wylacznik b", "wylacznika b"),
     "Circuit protection"),
    (("distribution board", "consumer unit", "rozdzielnic", "enclosure", "obudow"), "Enclosures & distribution boards"),
    (("busbar", "szyna pradow", "szyny pradow", "grzebien", "din rail", "szyna din", "szyny din", "th35"),
     "DIN rail & busbars"),
    (("wallbox", "ev charger", "charging station", "ladowark", "stacja ladowania", "stacji ladowania", "ladowania",
      "samochod", "electric car", "electric vehicle", " ev "), "EV charging"),
    (("inverter", "falownik", "pv module", "solar panel", "panel pv", "fotowolt", "mc4"), "Photovoltaics"),
    (("contactor", "stycznik", "relay", "przekaznik"), "Contactors & relays"),
    (("emergency", "exit sign", "awaryjn", "ewakuacyj"), "Emergency lighting"),
    (("hermetyczn", "hermetic", "vapour proof", "vapour-proof", "vapor-proof", "vapor proof"),
     "LED lighting > Hermetic luminaires"),
    (("led panel", "panel led", "downlight", "floodlight", "naswietlacz", "led lamp", "zarowk", "oprawa",
      "high bay", "highbay", "led light"), "LED lighting"),
    (("power strip", "extension cord", "listwa zasilaj", "przedluzacz"), "Power strips & extension cords"),
    (("lever connector", "wago", "zlaczk", "terminal block", "zlacze"), "Connectors & terminal blocks"),
    (("socket", "gniazd", "switch", "lacznik", "ramk"), "Sockets & switches"),
    (("cable", "kabel", "kabla", "przewod", "ydy", "nym", "yky", "wire"), "Cables"),
]


def category_hints(text: str) -> list[str]:
    """Return every category path prefix the message's product words point to, in rule order; words a rule
    matched are used up, so "cable glands" is glands only, not glands and cables."""
    folded = f" {fold(text)} "
    found = []
    for words, category in CATEGORY_WORDS:
        hit = False
        for w in words:
            rx = _word_rx(w)
            if rx.search(folded):
                hit, folded = True, rx.sub(lambda m: " " * len(m.group()), folded)
        if hit:
            found.append(category)
    unique = list(dict.fromkeys(found))
    # "oprawa hermetyczna": the hermetic luminaires, not also all of LED lighting
    return [c for c in unique if not any(o != c and o.startswith(f"{c} >") for o in unique)]


@lru_cache(maxsize=512)
def _word_rx(word: str) -> re.Pattern[str]:
    """A category word matches at the start of a word ("łącznik", not the "łącznik" inside "wyłącznik")."""
    return re.compile(r"(?<![a-z0-9])" + re.escape(word.strip()) + (r"(?![a-z0-9])" if word.endswith(" ") else ""))


def category_hint(text: str) -> str | None:
    """Return the category path prefix the message's product words point to, or None."""
    found = category_hints(text)
    return found[0] if found else None


@dataclass(frozen=True)
class Detected:
    """The intent of a message and what it names."""

    intent: Intent
    codes: tuple[str, ...]
    """Tokens that look like product codes (checked against the catalogue by the planner)."""
    query: str
    """The message with filler words, placeholders and price words removed (a search query)."""
    category: str | None
    discount_percent: float | None
    quantity: int | None
    also: tuple[Intent, ...] = ()
    """Other asks in the same message, in rule order ("what goes with X, and a discount on it": price, also
    accessories)."""
    position: int | None = None
    """A position in the latest list the message names ("why the second one?"), 1-based."""
    asks_stock: bool = False
    """The message asks whether products are in stock ("czy jest dostępny?", "do you have it in stock?")."""
    alternative: Literal["similar", "substitute", "cheaper"] = "similar"
    """What an alternatives question asks for: "cheaper" (the same specification at a lower price: "something
    cheaper than S201-B16"), "substitute" ("zamiennik", "another brand"), or "similar" ("similar to X")."""


def detect(text: str) -> Detected:
    """Return the intent of a (masked) customer message."""
    folded = f" {fold(text)} "
    matched = [name for name, keys in _RULES if any(k in folded for k in keys)]
    intent: Intent = matched[0] if matched else "find"
    if intent in ("find", "recommend", "greeting") and PERCENT.search(text):
        intent = "price"  # "10% off", "5 proc."
    query = clean_query(text)
    if intent in ("greeting", "thanks", "popular") and query:
        intent = "find"  # "hi, I need a 30 mA RCD", "thanks, and YDY 3x1.5?", "popular cables": product words lead
    if intent == "recommend" and category_hint(query):
        intent = "find"  # "Jakie falowniki polecacie?" names a product type: the catalogue's inverters, not picks
    if intent == "alternatives" and "popular" in matched:
        intent = "popular"  # "firmy podobne do mojej" is about companies, not a product
    pct = PERCENT.search(text)
    qty = QUANTITY.search(text)
    codes = tuple(t for t in CODE_TOKEN.findall(PLACEHOLDER.sub(" ", text)) if any(c.isdigit() for c in t)
                  and any(c.isalpha() for c in t))
    return Detected(intent=intent, codes=codes, query=query, category=category_hint(query),
                    alternative=_alternative_kind(folded) if intent == "alternatives" else "similar",
                    discount_percent=float(pct.group(1).replace(",", ".")) if pct else None,
                    quantity=int(qty.group(1)) if qty else None,
                    also=tuple(m for m in matched if m != intent and m != "greeting"),
                    position=position_named(text), asks_stock=any(k in folded for k in _STOCK_WORDS))


_INTENT_WORDS = re.compile(
    r"\b(?:accessor\w*|akcesori\w*|recommend\w*|pole[cć]\w*|suggest\w*|discount\w*|rabat\w*|zni[zż]k\w*|"
    r"upust\w*|cheaper|taniej|price|cen[aęy]|quote|wycen\w*|what else|co jeszcze|goes with|bought together|"
    r"kupowane razem|pasuj\w*|zam[oó]wi\w*|order(?:ing)?|next|warto|jeszcze|m[oó][gż]\w*|co[sś]|"  # what to order
    r"jest|s[aą]|macie|dost[eę]pn\w*|stanie|magazyn\w*|available|availability|(?:in )?stock|have|"  # is it in stock
    r"ile|kosztuj\w*|how much|costs?|"  # catalogue price questions
    r"alternatyw\w*|alternatives?|zamiennik\w*|odpowiednik\w*|substitutes?|replacement|instead|zamiast|similar|"
    r"podobn\w*|brand|mark[ia]|producenta|cheaper|ta[nń]sz\w*|ni[zż]|than|"  # something cheaper than X
    r"popular\w*|popularn\w*|najpopularniejsz\w*|bestseller\w*|companies|company|firms?|firm[ay]?|businesses|"
    r"customers|klien\w*|inn[eiy]\w*|other|like|jak|takie|usually|buy|kupuj\w*|sprzeda\w*|sells?|mine|ours|"
    r"mojej|naszej|mojego|naszego|najcz[eę][sś]ciej|najlepiej|most|"  # what do companies like mine buy
    r"zam[oó]wi[cć]|zamawiam|koszyk\w*|cart|add|dodaj\w*|place|chcia[lł]\w*|chc[eę]|chcemy|want|like|"  # place an order
    + "|".join(p for p, _ in _ORDINAL_WORDS) + "|"
    r"(?:nr|no\.?|numer|number)\s?\d{1,2}|tego|tej|tym|tych|niego|niej|nich|these|those|them|"  # "the second one"
    r"thanks?|thank you|dzi[eę]kuj\w*|dzi[eę]ki|wszystko|all|bye|goodbye|widzenia|us[lł]yszenia|pozdrawiam|"
    r"\d{1,2}\s?%|could|would|can|did|do|does|you|give|dajcie|dacie|mo[zż]ecie|get|got|got|is|are|"
    r"there|what|which|kt[oó]re|co|czy|of|to|go|it|this|that|ten|ta|to|te)\b",
    re.IGNORECASE,
)


def clean_query(text: str) -> str:
    """Return a search query from a message: placeholders, filler and intent words dropped."""
    text = PLACEHOLDER.sub(" ", text)
    text = _INTENT_WORDS.sub(" ", text)
    text = _FILLER.sub(" ", text)
    text = re.sub(r"[?!;:()\"“”]", " ", text)
    text = re.sub(r"(?<!\d),|,(?!\d)", " ", text)
    text = re.sub(r"(?<!\d)\.(?!\d)", " ", text)
    return re.sub(r"\s+", " ", text).strip()
