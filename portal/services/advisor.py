"""The architecture advisor behind ``POST /advisor`` and ``/ui/advisor``: free text is masked by the process's
masker before the advisor reads it, and nothing of a request is stored or logged (zero retention)."""

from __future__ import annotations

from typing import Any, get_args

from advisor import Advice, AdvisorFacts, AdvisorRequest, advise
from advisor.models import Descriptions, LegalBasis, Segmentation, Stability
from portal.services.pages import parse_form
from tools.context import Resources

FORM_CHOICES: dict[str, tuple[str, ...]] = {
    "descriptions": get_args(Descriptions), "stability": get_args(Stability),
    "segmentation": get_args(Segmentation), "legal_basis": get_args(LegalBasis),
}
"""The page's select fields and their values (an empty choice means "I don't know")."""


def advice_for(resources: Resources, request: AdvisorRequest) -> Advice:
    """Return the advice for one request (the text is masked first; nothing is kept); with a model configured it
    explains the table's answer, checked against the table."""
    settings = resources.settings
    return advise(request, resources.masker, llm=resources.llm, model=settings.llm_model or "",
                  timeout_s=settings.llm_turn_budget_s)


def request_from_form(fields: dict[str, str]) -> AdvisorRequest:
    """Return the request a page form describes: blank fields are unknown; a bad value is a readable 422."""
    given: dict[str, Any] = {k: v.strip() for k, v in fields.items() if v is not None and v.strip()}
    text = given.pop("text", None)
    if "behaviour_collected" in given:
        given["behaviour_collected"] = given["behaviour_collected"] == "yes"
    facts = parse_form(AdvisorFacts, **given)
    return parse_form(AdvisorRequest, facts=facts, text=text)
