"""Personalisation of the offer (issue 24 part 1): the home page's declarative rules (``rules.toml``), the pure
choice of the section order from segment and role, and the wording per persona in PL and EN.

Inputs are only segment and role features (industry, size band, funnel stage, contact role); the rules cannot
name a protected attribute. Section contents come from the callers (ranking, store, approvals): this package
decides order and words only. See docs/personalisation.md.
"""

from __future__ import annotations

from personalisation.rules import (
    SECTIONS,
    HomeFeatures,
    HomePlan,
    HomeRules,
    Persona,
    Reason,
    SectionId,
    load_rules,
    parse_rules,
    plan_home,
)
from personalisation.wording import page_text, section_subtitle, section_title, value_proposition

__all__ = [
    "SECTIONS",
    "HomeFeatures",
    "HomePlan",
    "HomeRules",
    "Persona",
    "Reason",
    "SectionId",
    "load_rules",
    "page_text",
    "parse_rules",
    "plan_home",
    "section_subtitle",
    "section_title",
    "value_proposition",
]
