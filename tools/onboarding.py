"""Cold start: questions for a customer we have no orders from yet, and its answers recorded on the company.

The industry and size band pick the segment whose bestsellers a new customer sees; what it buys or plans to build
(``Company.interests``) seeds content-based picks until it has an order history (``ranking.service``).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field

from core.errors import ToolInputError
from retrieval.text import normalise as fold
from store.audit import add_audit
from store.companies import known_industries
from store.models import Company
from store.orders import ordered_category_counts
from tools.context import RunContext
from tools.models import OnboardingAnswer, OnboardingQuestion

QUESTIONS = {
    "industry": {"en": "What kind of work does your company mostly do?",
                 "pl": "Czym głównie zajmuje się Państwa firma?"},
    "size": {"en": "How many people work in your company?",
             "pl": "Ile osób pracuje w Państwa firmie?"},
    "categories": {"en": "Which product groups do you buy most often?",
                   "pl": "Jakie grupy produktów kupują Państwo najczęściej?"},
}
SIZE_OPTIONS = ["1-9", "10-49", "50-249", "250+"]
SIZE_BANDS = (("micro", 9), ("small", 49), ("medium", 249), ("large", None))
"""Employees -> the stored size band (the EU's micro / small / medium / large enterprise limits)."""
SIZE_WORDS = {"micro": ("micro", "mikro", "jednoosobow", "sole trader", "one-man", "one man"),
              "small": ("small", "mala", "male", "niewielk"), "medium": ("medium", "sredni"),
              "large": ("large", "duza", "duze", "big", "korporac", "corporat")}
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    # most specific first: "we are a PV installer" is PV, not electrical installation
    "energy_pv": ("pv", "photovolt", "solar", "fotowolt", "panele slon", "panel slon", "oze", "renewable"),
    "facility_management": ("facility", "maintenance", "property manag", "zarzadzanie nieruchom", "zarzadca",
                            "utrzymanie ruchu", "administrac"),
    "manufacturing": ("manufactur", "factory", "production", "produkc", "fabryk", "zaklad"),
    "retail": ("retail", "shop", "store", "sklep", "handel", "hurtown", "resell", "odsprzed"),
    "construction": ("construction", "builder", "building contractor", "general contractor", "budow",
                     "generalny wykonawc", "deweloper", "developer"),
    "electrical_installer": ("electrical install", "installer", "electrician", "instalat", "elektryk",
                             "instalacje elektryczne", "instalacji elektrycznych"),
}
"""Words (folded: lower case, no diacritics) that name each of the demo's industries; any other stored industry
code is matched by its own words ("hvac_installer" -> "hvac installer")."""
OPTIONS_SHOWN = 10


def industry_from_answer(answer: str, known: list[str]) -> str | None:
    """Return the stored industry code an answer names ("Robimy instalacje fotowoltaiczne" -> "energy_pv"), or
    None; only industries the store knows (``known``) can be named."""
    folded = f" {fold(answer)} "
    # another deployment's codes first: they match only by their whole name ("hvac installer" is not electrical)
    ordered = sorted(c for c in known if c not in INDUSTRY_WORDS) + [c for c in INDUSTRY_WORDS if c in known]
    for code in ordered:
        words = (*INDUSTRY_WORDS.get(code, ()), code.replace("_", " "))
        if any(re.search(rf"(?<![a-z]){re.escape(w)}", folded) for w in words):
            return code
    return None


def size_band_from_answer(answer: str) -> str | None:
    """Return the size band an answer names: a head count ("about 15 people", "10-49") or a word ("mała")."""
    m = re.search(r"\d[\d\s]{0,6}", answer)
    if m:
        people = int(re.sub(r"\s", "", m.group(0)))
        return next(band for band, top in SIZE_BANDS if top is None or people <= top)
    folded = f" {fold(answer)} "
    return next((band for band, words in SIZE_WORDS.items()
                 if any(re.search(rf"(?<![a-z]){re.escape(w)}", folded) for w in words)), None)


def ask_onboarding_question(
    ctx: RunContext, topic: Literal["industry", "size", "categories"] | None = None,
) -> OnboardingQuestion:
    """Get the next question to ask a new customer (no order history) so recommendations can fit them.

    Args:
        topic: Which question to ask; empty picks the first thing we do not know yet.
    """
    company = ctx.company
    if topic is None:
        topic = next_onboarding_topic(company) or "categories"
    if topic == "industry":
        options = [r.replace("_", " ") for r in known_industries(ctx.session)][:OPTIONS_SHOWN]
    elif topic == "size":
        options = SIZE_OPTIONS
    else:
        options = product_groups(ctx)[:OPTIONS_SHOWN]
    question = OnboardingQuestion(topic=topic, question=QUESTIONS[topic][ctx.language], options=options,
                                  language=ctx.language)
    ctx.questions.append(question)
    return question


def next_onboarding_topic(company: Company) -> Literal["industry", "size", "categories"] | None:
    """Return the first thing a new customer has not told us yet, or None when it told us all three."""
    if not company.industry:
        return "industry"
    if not company.size_band:
        return "size"
    return None if company.interests else "categories"


def product_groups(ctx: RunContext) -> list[str]:
    """Return the catalogue's top-level product groups, the most ordered first (the question shows the first
    ten: alphabetical order once cut "Photovoltaics" from the list a PV installer was shown)."""
    counts: dict[str, int] = {}
    for category, n in ordered_category_counts(ctx.session).items():
        if category:
            group = category.split(" > ")[0]
            counts[group] = counts.get(group, 0) + int(n)
    return sorted(counts, key=lambda g: (-counts[g], g))


def record_onboarding_answer(
    ctx: RunContext,
    topic: Literal["industry", "size", "categories"],
    answer: Annotated[str, Field(min_length=1, max_length=300)],
    product_groups_named: Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=10)] | None = None,
) -> OnboardingAnswer:
    """Record a new customer's answer to an onboarding question, so recommendations fit it from now on.

    Args:
        topic: The question answered: "industry", "size" or "categories".
        answer: The customer's answer in their words (e.g. "we install PV on rooftops", "about 15 people").
        product_groups_named: For "categories": the product groups from the question's options the answer
            names (e.g. ["Photovoltaics"]).
    """
    company = ctx.company
    note = ""
    if topic == "industry":
        known = known_industries(ctx.session)
        value = industry_from_answer(answer, known)
        if value is None:
            raise ToolInputError(f"the answer names none of the industries: {', '.join(sorted(known))}")
        company.industry = value
    elif topic == "size":
        value = size_band_from_answer(answer)
        if value is None:
            raise ToolInputError("the answer gives no head count or size (e.g. 'about 15 people', 'small')")
        company.size_band = value
    else:
        groups = product_groups(ctx)
        by_name = {fold(g): g for g in groups}
        named = [by_name[fold(g)] for g in product_groups_named or [] if fold(g) in by_name]
        unknown = [g for g in product_groups_named or [] if fold(g) not in by_name]
        if unknown:
            note = f"not catalogue groups, left out: {', '.join(unknown)} (the groups are: {', '.join(groups)})"
        value = "; ".join(dict.fromkeys([*named, answer.strip()]))[:500]
        company.interests = value
    with ctx.writing() as w:  # the company object is the turn's (detached): later tools see the answer at once
        w.add(company)
        add_audit(w, actor=f"contact:{ctx.contact_id}", action="onboarding_answer", entity="company",
                  entity_id=str(company.id), details={"topic": topic, "via": "chat"})
    return OnboardingAnswer(topic=topic, recorded=value, note=note)
