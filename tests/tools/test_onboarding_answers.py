"""Onboarding answers: the words that name an industry or a size, and the tool that records them on the company."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from core.errors import ToolInputError
from store.models import AuditLog, Company
from tests.support.small_store import SmallStore
from tools import TOOLS, RunContext
from tools.onboarding import industry_from_answer, next_onboarding_topic, size_band_from_answer

KNOWN = ["construction", "electrical_installer", "energy_pv", "facility_management", "manufacturing", "retail",
         "hvac_installer"]


@pytest.mark.parametrize(("answer", "code"), [
    ("We install PV on rooftops", "energy_pv"), ("Jesteśmy instalatorem fotowoltaiki", "energy_pv"),
    ("Instalacje elektryczne w mieszkaniach", "electrical_installer"), ("We're electricians", "electrical_installer"),
    ("Generalny wykonawca, budownictwo", "construction"), ("Zakład produkcyjny", "manufacturing"),
    ("We run a shop", "retail"), ("HVAC installer", "hvac_installer"), ("Nie wiem", None), ("cheese", None),
])
def test_an_answer_names_a_known_industry(answer: str, code: str | None) -> None:
    assert industry_from_answer(answer, KNOWN) == code


def test_only_industries_the_store_knows_can_be_named() -> None:
    assert industry_from_answer("We install PV", ["retail", "construction"]) is None


@pytest.mark.parametrize(("answer", "band"), [
    ("about 15 people", "small"), ("7 osób", "micro"), ("10-49", "small"), ("1 200 pracowników", "large"),
    ("250+", "large"), ("120", "medium"), ("mała firma", "small"), ("Średnia", "medium"), ("no idea", None),
])
def test_an_answer_names_a_size_band(answer: str, band: str | None) -> None:
    assert size_band_from_answer(answer) == band


@pytest.fixture
def new_company(resources: Any, ids: SmallStore) -> Iterator[tuple[RunContext, Company]]:
    """A new company and a turn's context over it as the loop builds one (read session, company detached)."""
    with Session(resources.engine, expire_on_commit=False) as s:
        company = Company(external_id=f"NEW-{uuid.uuid4().hex[:8]}", name="Fresh")
        s.add(company)
        s.commit()
        s.expunge(company)
        yield RunContext(resources=resources, session=s, company=company, conversation_id=str(uuid.uuid4())), company


def call(ctx: RunContext, name: str, **args: Any) -> Any:
    tool = TOOLS[name]
    return tool.invoke(ctx, tool.parse_args(args))


def test_answers_are_recorded_on_the_company_in_order(new_company: tuple[RunContext, Company]) -> None:
    ctx, company = new_company
    assert call(ctx, "ask_onboarding_question").topic == "industry" == next_onboarding_topic(company)
    out = call(ctx, "record_onboarding_answer", topic="industry", answer="Mostly electrical installations")
    assert out.recorded == company.industry == "electrical_installer"
    assert call(ctx, "ask_onboarding_question").topic == "size"
    assert call(ctx, "record_onboarding_answer", topic="size", answer="about 20 people").recorded == "small"
    out = call(ctx, "record_onboarding_answer", topic="categories", answer="cables and glands for factories",
               product_groups_named=["Cables", "conduits & glands", "Teleporters"])
    assert company.interests == out.recorded == "Cables; Conduits & glands; cables and glands for factories"
    assert "Teleporters" in out.note and next_onboarding_topic(company) is None
    audit = ctx.session.exec(select(AuditLog).where(AuditLog.entity == "company", AuditLog.entity_id == str(company.id),
                                                    AuditLog.action == "onboarding_answer")).all()
    assert [a.details["topic"] for a in audit] == ["industry", "size", "categories"]


def test_an_answer_that_names_nothing_is_refused_with_the_choices(new_company: tuple[RunContext, Company]) -> None:
    ctx, company = new_company
    with pytest.raises(ToolInputError, match="names none of the industries: construction"):
        call(ctx, "record_onboarding_answer", topic="industry", answer="no idea")
    with pytest.raises(ToolInputError, match="no head count"):
        call(ctx, "record_onboarding_answer", topic="size", answer="we are growing")
    assert company.industry is None and company.size_band is None


def test_product_groups_are_offered_most_ordered_first(new_company: tuple[RunContext, Company]) -> None:
    """The question shows ten groups: alphabetical order once cut "Photovoltaics" from a PV installer's list."""
    ctx, company = new_company
    company.industry, company.size_band = "electrical_installer", "small"
    options = call(ctx, "ask_onboarding_question").options
    assert options[0] in ("Circuit protection", "DIN rail & busbars")  # the small store's most ordered groups
    assert len(options) == len(set(options)) <= 10
