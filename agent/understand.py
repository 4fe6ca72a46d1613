"""What one message asks, as the rule planner reads it: the classifier's intent, the slots of its tokens, the
search words left once the asking words are gone, the list position it names.

Only two things are decided without the classifier, both promises made elsewhere: the disclosure line says that
writing "no profiling" / "bez profilowania" opts out, so those words always do; and a message that is nothing
but product codes is a search for them. Three readings are corrected where a slip would cost a buyer: a
greeting or thanks that names a product is the request it carries (``labels.md``), one followed by a question
(:data:`ASKS_AFTER_SOCIAL` words or more) is that question, and an unsure ``out_of_scope`` (below
:data:`SURE_OUT_OF_SCOPE`) of a message naming a product type or code is searched rather than turned away. A
product type named only in a purpose phrase ("do rozdzielnicy") is not a second product asked for. Below :data:`CLARIFY_BELOW` confidence, and with no product named, the planner asks a short question back
instead of guessing (intent ``clarify``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from agent.intent_model import IntentClassifier, IntentGuess, fold
from agent.intents import category_hints, clean_query, detect, position_named
from agent.slots import Slots, extract

CLARIFY_BELOW = 0.3
"""Below this probability of the best intent the planner does not trust it: it searches for what the message
names (a code, a product type, any search words left) and otherwise asks back."""

SURE_OUT_OF_SCOPE = 0.5
"""Below this probability an ``out_of_scope`` reading of a message that names a product type or code is not
trusted (the answer would turn a buyer away without products)."""

_PROMISED_OPT_OUT = ("no profiling", "bez profilowania")
_WHOLE_ORDER = re.compile(r"\b(?:cal[eay]\w* zamowien\w*|cal[aey]\w* (?:koszyk|faktur)\w*|wszystk\w+ produkt\w*|"
                          r"whole order|entire order|full order|all products|everything|all items|"
                          r"cale zakupy|calosc)\b")
_CHEAPER = ("cheaper", "taniej", "tansz", "lower price", "nizszej cenie", "budget")
_SUBSTITUTE = ("alternatyw", "alternative", "zamiennik", "odpowiednik", "substitute", "replacement",
               "instead of", "zamiast", "other brand", "innej marki", "innego producenta", "equivalent")
_NOT_SEARCH = re.compile(r"(?<![\w-])\d{1,3}(?:[ \u00a0]?\d{3})*(?:[.,]\d+)?\s?(?:%|proc\w*|percent|zł|zl|pln|eur|"
                         r"€|złotych|zlotych)(?!\w)", re.IGNORECASE)
_STOCK = ("dostepn", "na stanie", "na magazynie", "w magazynie", "stan magazyn", "in stock", "available",
          "availability", "ile macie", "how many do you have", "stock")

_STATUS = ("decyzj", "decision", "status", "news", "wiesci", "update", "aktualizac", "odpowiedz", "answer",
           "heard back", "zatwierdzil", "zatwierdzon", "rozpatrz", "wiadomo", "any word")
"""Words of a question after a request already made ("Czy jest już decyzja w sprawie rabatu?", "any news?")."""

_BETTER_PRICE = ("best price", "better price", "special price", "najlepsz", "lepsz", "specjaln", "best you can")
_PRICE_ASKS = ("price_question", "orders", "explain", "product_info", "find", "clarify", "discount_request")
"""Readings a percentage off a named product overrides (a discount ask, whatever else the words suggest)."""

_PRODUCT_ASKS = ("find", "product_info", "price_question", "discount_request", "cheaper", "alternatives",
                 "accessories", "stock", "place_order", "project_need")
"""Readings of a message about products: what a greeting with product words, or an unsure out-of-scope one, is
taken for when the classifier ranks it second (otherwise ``find``)."""


ASKS_AFTER_SOCIAL = 4
"""A greeting or thanks with a question of at least this many words in all asks something ("Thanks, are you a
bot?"); "Dzięki, to wszystko?" (three) stays a closing line."""


def _product_reading(guess: IntentGuess) -> str:
    """Return the classifier's runner-up when it is a product reading, else ``find``."""
    return guess.runner_up if guess.runner_up in _PRODUCT_ASKS else "find"

Alternative = Literal["similar", "substitute", "cheaper"]


@dataclass(frozen=True)
class Reading:
    """The planner's reading of one (masked) message."""

    intent: str
    """A label of ``agent.intent_model.INTENTS``, or ``clarify``."""
    guess: IntentGuess
    slots: Slots
    query: str
    """Search words: asking words, filler, placeholders, percentages and money removed."""
    categories: tuple[str, ...]
    """Category path prefixes the product words point to, in rule order."""
    position: int | None
    alternative: Alternative
    asks_stock: bool
    whole_order: bool
    """A discount on the whole order ("na całe zamówienie"), not on one product."""
    asks_status: bool = False
    """Asks after a request already made ("is there a decision on my discount?"), not for a new one."""
    also: tuple[str, ...] = ()
    """A second ask in the same message ("what goes with X, and 5% off it?"): ``discount_request`` or
    ``accessories``."""

    @property
    def category(self) -> str | None:
        """Return the first category hint, or None."""
        return self.categories[0] if self.categories else None

    @property
    def names_product(self) -> bool:
        """Return True when the message names a product: a code, a product type or a specification."""
        return bool(self.slots.codes or self.categories or self.slots.specs)


_PURPOSE = re.compile(r"\b(?:do|dla|pod|for|into|in)\s+(?:the\s+|a\s+|an\s+|my\s+|our\s+|naszej\s+|nowej\s+)?"
                      r"[^\W\d_]+", re.IGNORECASE)
"""A purpose phrase: "różnicówka do rozdzielnicy", "a gland for the enclosure" (what the product is for)."""


def _categories(text: str) -> tuple[str, ...]:
    """Return the category hints of a message's search words. A product type named only in a purpose phrase ("do
    rozdzielnicy", "for the board") is where the product goes, not a second product asked for, so it counts only
    when nothing else names a type ("rura do rozdzielnicy" is conduits; "coś do rozdzielnicy" is boards)."""
    query = clean_query(text)
    if not query:
        return ()
    found = tuple(category_hints(query))
    if len(found) > 1:
        main = tuple(category_hints(clean_query(_PURPOSE.sub(" ", text))))
        if main:
            return main
    return found


def read(message: str, classifier: IntentClassifier) -> Reading:
    """Return the reading of a (masked) customer message."""
    slots = extract(message)
    folded = fold(message)
    searchable = _NOT_SEARCH.sub(" ", message)
    query = clean_query(searchable)
    categories = _categories(searchable)
    guess = classifier.classify(message)
    intent = guess.intent
    words = re.findall(r"[^\W_]+", folded)
    if any(p in f" {folded} " for p in _PROMISED_OPT_OUT):
        intent = "opt_out"
    elif slots.codes and len(words) <= 2 * len(slots.codes) + 1 and intent in ("greeting", "thanks", "clarify"):
        intent = "find"
    elif intent in ("greeting", "thanks") and (slots.codes or categories or slots.specs):
        # labels.md: a greeting or thanks with product words is a request ("Dzień dobry, szukam kabla YDY")
        intent = _product_reading(guess)
    elif (intent in ("greeting", "thanks") and "?" in message and len(words) >= ASKS_AFTER_SOCIAL and
          guess.runner_up not in (None, "greeting", "thanks")):
        # labels.md: thanks "with nothing else asked"; "Dziękuję, czy jest już decyzja w sprawie rabatu?" asks
        # (found in use: it got the closing line)
        intent = str(guess.runner_up)
    elif intent == "out_of_scope" and guess.confidence < SURE_OUT_OF_SCOPE and (categories or slots.codes):
        # turning a product request away costs more than a search ("I need a distribution board")
        intent = _product_reading(guess)
    elif slots.percent and (slots.codes or position_named(message)) and intent in _PRICE_ASKS:
        intent = "discount_request"  # "any news on my 7% discount for S201-B16?": a percentage off a product
    elif intent == "price_question" and slots.quantity and any(w in folded for w in _BETTER_PRICE):
        intent = "discount_request"  # labels.md: a volume with "best / better / special price" asks for an offer
    elif guess.confidence < CLARIFY_BELOW:  # unsure: search what it names, else ask back
        described = len(re.findall(r"[^\W\d_]{4,}", query)) >= 2  # "nowej hali produkcyjnej"
        intent = "find" if (slots.codes or categories or slots.specs or described) else "clarify"
        intent = "project_need" if guess.intent == "project_need" and query else intent
    keyword = detect(message)
    also: list[str] = []
    if intent == "accessories" and ("price" in keyword.also or keyword.intent == "price") and slots.percent:
        also.append("discount_request")
    if intent == "discount_request" and ("accessories" in keyword.also or keyword.intent == "accessories"):
        also.append("accessories")
    alternative: Alternative = ("cheaper" if intent == "cheaper" or any(k in folded for k in _CHEAPER) and
                                intent == "alternatives" else
                                "substitute" if any(k in folded for k in _SUBSTITUTE) else "similar")
    return Reading(intent=intent, guess=guess, slots=slots, query=query, categories=categories,
                   position=position_named(message), alternative=alternative,
                   asks_stock=intent == "stock" or any(k in folded for k in _STOCK),
                   whole_order=bool(_WHOLE_ORDER.search(folded)), also=tuple(also),
                   asks_status=any(k in folded for k in _STATUS))
