"""The planner's reading of a message: the few decisions taken around the classifier, with a classifier that
answers what each test needs (the protocol is all ``read`` depends on)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

import messages
from agent.intent_model import INTENTS, IntentGuess
from agent.understand import CLARIFY_BELOW, read


@dataclass
class Fixed:
    """An ``IntentClassifier`` that always gives one guess."""

    intent: str
    confidence: float
    runner_up: str = "find"
    version: str = "fixed"

    def classify(self, text: str) -> IntentGuess:
        return IntentGuess(self.intent, self.confidence, self.runner_up, min(self.confidence, 0.1))

    def classify_many(self, texts: Sequence[str]) -> list[IntentGuess]:
        return [self.classify(t) for t in texts]


def test_unsure_with_nothing_named_asks_back() -> None:
    assert read("hmm, no i co?", Fixed("recommend", CLARIFY_BELOW - 0.05)).intent == "clarify"


@pytest.mark.parametrize("text", ["Czy jest coś do ładowania samochodu elektrycznego?", "S201-B16 hmm"])
def test_unsure_with_a_product_named_searches(text: str) -> None:
    assert read(text, Fixed("company_info", CLARIFY_BELOW - 0.1)).intent == "find"


def test_the_promised_opt_out_words_always_opt_out() -> None:
    assert read("Bez profilowania, proszę.", Fixed("find", 0.9)).intent == "opt_out"
    assert read("no profiling please", Fixed("thanks", 0.9)).intent == "opt_out"


def test_a_percentage_off_a_named_product_is_a_discount_request() -> None:
    r = read("Any news on my 7% discount for S201-B16?", Fixed("orders", 0.6))
    assert r.intent == "discount_request" and r.slots.percent == 7 and r.slots.codes == ("S201-B16",)


def test_a_volume_at_the_best_price_is_a_discount_request() -> None:
    r = read("Jaka jest najlepsza cena za 200 szt. YDY-3x2.5-100?", Fixed("price_question", 0.6))
    assert r.intent == "discount_request" and r.slots.quantity == 200
    plain = read("Ile kosztuje YDY-3x2.5-100?", Fixed("price_question", 0.9))
    assert plain.intent == "price_question"


def test_a_greeting_or_thanks_with_product_words_is_a_request() -> None:
    """labels.md: "a greeting with nothing else asked"; with product words it is the request (found in use:
    "Dzień dobry, szukam kabla" was answered with the greeting line)."""
    assert read("Dzień dobry, szukam kabla YDY 3x2,5", Fixed("greeting", 0.6, runner_up="find")).intent == "find"
    assert read("Hi, what's the price of S201-B16?", Fixed("greeting", 0.6, runner_up="price_question")).intent \
        == "price_question"
    assert read("Dzięki, a jeszcze wyłącznik B16?", Fixed("thanks", 0.7, runner_up="opt_out")).intent == "find"
    assert read("Dzień dobry, tu dział zakupów", Fixed("greeting", 0.9)).intent == "greeting"


def test_an_unsure_out_of_scope_that_names_a_product_type_is_searched() -> None:
    assert read("I need a distribution board", Fixed("out_of_scope", 0.36, runner_up="find")).intent == "find"
    assert read("Jaka jest gwarancja na S201-B16?", Fixed("out_of_scope", 0.8)).intent == "out_of_scope"
    assert read("Jaka będzie jutro pogoda?", Fixed("out_of_scope", 0.4)).intent == "out_of_scope"


def test_a_confident_guess_is_kept_and_the_position_read() -> None:
    r = read("Tell me more about the second one", Fixed("product_info", 0.9))
    assert r.intent == "product_info" and r.position == 2 and not r.names_product


def test_every_intent_the_clarifying_question_may_name_has_words_in_both_languages() -> None:
    for intent in INTENTS:
        for lang in messages.LANGUAGES:
            assert messages.has("reply", f"intent_{intent}", lang), (intent, lang)
    assert all(messages.has("reply", key, lang) for key in ("clarify", "clarify_two") for lang in messages.LANGUAGES)


def test_a_thanks_with_a_question_is_the_question() -> None:
    """labels.md: thanks "with nothing else asked" (found in use: "Dziękuję, czy jest już decyzja w sprawie
    rabatu?" got the closing line); the classifier's runner-up is the question."""
    asked = read("Dziękuję, czy jest już decyzja w sprawie rabatu?", Fixed("thanks", 0.55, "discount_request"))
    assert asked.intent == "discount_request"
    assert read("Thanks, are you a bot?", Fixed("thanks", 0.6, "identity")).intent == "identity"
    assert read("Dziękuję, to wszystko.", Fixed("thanks", 0.6, "discount_request")).intent == "thanks"
    assert read("Dzięki, to wszystko?", Fixed("thanks", 0.6, "orders")).intent == "thanks"  # too short to ask


@pytest.mark.parametrize(("text", "category"), [
    ("Szukam różnicówki 4P 40A 30mA typ A do rozdzielnicy w warsztacie", "Residual current protection"),
    ("dławnice do obudowy IP65", "Conduits & glands"),
    ("a cable gland for the enclosure", "Conduits & glands"),
])
def test_a_product_type_in_a_purpose_phrase_is_where_it_goes(text: str, category: str) -> None:
    """Found in use: "różnicówki ... do rozdzielnicy" listed distribution boards."""
    assert read(text, Fixed("find", 0.9)).categories == (category,)


def test_a_purpose_phrase_alone_still_names_the_type() -> None:
    assert read("Szukam czegoś do rozdzielnicy", Fixed("find", 0.9)).categories == ("Enclosures & distribution boards",)
    both = read("Kabel YDY 3x2,5 i rozdzielnica 12 modułów", Fixed("find", 0.9)).categories
    assert set(both) == {"Cables", "Enclosures & distribution boards"}  # two products asked: both kept
