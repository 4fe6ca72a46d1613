"""Cold start: questions for a customer we have no orders from yet."""

from __future__ import annotations

from typing import Literal

from sqlmodel import select

from store.models import Company, Product
from tools.context import RunContext
from tools.models import OnboardingQuestion

QUESTIONS = {
    "industry": {"en": "What kind of work does your company mostly do?",
                 "pl": "Czym głównie zajmuje się Państwa firma?"},
    "size": {"en": "How many people work in your company?",
             "pl": "Ile osób pracuje w Państwa firmie?"},
    "categories": {"en": "Which product groups do you buy most often?",
                   "pl": "Jakie grupy produktów kupują Państwo najczęściej?"},
}
SIZE_OPTIONS = ["1-9", "10-49", "50-249", "250+"]


def ask_onboarding_question(
    ctx: RunContext, topic: Literal["industry", "size", "categories"] | None = None,
) -> OnboardingQuestion:
    """Get the next question to ask a new customer (no order history) so recommendations can fit them.

    Args:
        topic: Which question to ask; empty picks the first thing we do not know yet.
    """
    company = ctx.company
    if topic is None:
        topic = "industry" if not company.industry else "size" if not company.size_band else "categories"
    if topic == "industry":
        rows = ctx.session.exec(select(Company.industry).where(Company.industry != None).distinct()).all()
        options = sorted({r for r in rows if r})[:8]
    elif topic == "size":
        options = SIZE_OPTIONS
    else:
        rows = ctx.session.exec(select(Product.category).where(Product.active == True).distinct()).all()
        options = sorted({r.split(" > ")[0] for r in rows if r})[:8]
    question = OnboardingQuestion(topic=topic, question=QUESTIONS[topic][ctx.language], options=options,
                                  language=ctx.language)
    ctx.questions.append(question)
    return question
