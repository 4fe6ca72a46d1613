"""The home page's rules: a versioned TOML file validated by pydantic on load, and the pure function that turns
a contact's segment and role into the order of the sections.

Only four features are inputs (industry, size band, funnel stage, role); the models forbid any other key, and
the protected-attribute denylist is checked on top, so a rule cannot be written over a protected attribute.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import ConfigError
from guardrails.denylist import is_protected

SectionId = Literal["reorder", "recommended", "new_in_categories", "popular_like_yours", "offers"]
SECTIONS: tuple[SectionId, ...] = ("reorder", "recommended", "new_in_categories", "popular_like_yours", "offers")
Persona = Literal["purchasing", "engineer", "manager", "default"]
RULES_FILE = Path(__file__).resolve().parent / "rules.toml"


class HomeFeatures(BaseModel):
    """What the rules may look at: the company's segment and the contact's role, nothing else."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    industry: str | None = Field(default=None, max_length=64)
    size_band: str | None = Field(default=None, max_length=32)
    funnel_stage: str | None = Field(default=None, max_length=32)
    role: str | None = Field(default=None, max_length=32)


class Condition(BaseModel):
    """Each given feature must be one of the listed values; an absent one matches anything."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    industry: list[str] | None = None
    size_band: list[str] | None = None
    funnel_stage: list[str] | None = None
    role: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_protected_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            bad = sorted(k for k in data if is_protected(str(k)))
            if bad:
                raise ValueError(f"protected attribute(s) cannot be a rule input: {', '.join(bad)}")
        return data

    def matches(self, features: HomeFeatures) -> bool:
        """True when every listed feature of the condition holds for ``features``."""
        for key in ("industry", "size_band", "funnel_stage", "role"):
            allowed: list[str] | None = getattr(self, key)
            if allowed is not None and getattr(features, key) not in allowed:
                return False
        return True


def _unique_sections(order: list[SectionId]) -> list[SectionId]:
    if len(set(order)) != len(order):
        raise ValueError(f"a section is listed twice in {order}")
    return order


class Rule(BaseModel):
    """One rule: a name (shown to staff as the reason), a condition and the section order it gives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    when: Condition
    order: list[SectionId] = Field(min_length=1)

    _unique = field_validator("order")(_unique_sections)


class HomeRules(BaseModel):
    """The whole rules file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1, max_length=40)
    default_order: list[SectionId] = Field(min_length=1)
    history_sections: list[SectionId] = Field(default_factory=list)
    personas: dict[Literal["purchasing", "engineer", "manager"], list[str]] = Field(default_factory=dict)
    rule: list[Rule] = Field(default_factory=list)

    _unique = field_validator("default_order", "history_sections")(_unique_sections)

    @model_validator(mode="after")
    def _complete_default(self) -> HomeRules:
        missing = [s for s in SECTIONS if s not in self.default_order]
        if missing:
            raise ValueError(f"default_order must list every section; missing {', '.join(missing)}")
        roles = [r for members in self.personas.values() for r in members]
        if len(roles) != len(set(roles)):
            raise ValueError("a role belongs to two personas")
        return self

    def persona_of(self, role: str | None) -> Persona:
        """Return the wording group of a contact role ("default" for an unknown or missing role)."""
        for persona, roles in self.personas.items():
            if role in roles:
                return persona
        return "default"


def parse_rules(text: str, *, source: str = "rules") -> HomeRules:
    """Return the rules of a TOML text; raise ``ConfigError`` with one readable line when it is invalid."""
    try:
        return HomeRules.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{source}: not valid TOML: {err}") from None
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise ConfigError(f"{source}: {where}: {first['msg']}") from None


@cache
def load_rules(path: Path = RULES_FILE) -> HomeRules:
    """Return the validated rules of a file (cached per path: the file ships with the code)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"cannot read the home rules {path}: {err.strerror}") from None
    return parse_rules(text, source=str(path))


class Reason(BaseModel):
    """Why the page looks as it does, as data (``kind`` + ``data``), for staff and the JSON answer."""

    kind: Literal["rule", "default", "control_arm", "profiling_objection"]
    data: dict[str, Any] = Field(default_factory=dict)


class HomePlan(BaseModel):
    """The decision: which sections in which order, the wording group, and the reasons."""

    rules_version: str
    persona: Persona
    order: list[SectionId]
    rule: str | None = None
    reasons: list[Reason] = Field(default_factory=list)


def plan_home(rules: HomeRules, features: HomeFeatures, *, control: bool = False,
              may_profile: bool = True) -> HomePlan:
    """Return the section order for a contact (pure).

    ``control``: the company is in the experiment's control arm, so it sees the default order (the KPI report
    then measures the rules' effect). ``may_profile`` False: the company objected to profiling, so the default
    order without the history-based sections. Sections a rule leaves out follow in the default order.
    """
    persona = rules.persona_of(features.role)
    reasons: list[Reason] = []
    chosen: Rule | None = None
    if control:
        reasons.append(Reason(kind="control_arm"))
    elif not may_profile:
        reasons.append(Reason(kind="profiling_objection", data={"dropped": list(rules.history_sections)}))
    else:
        chosen = next((r for r in rules.rule if r.when.matches(features)), None)
    base = list(chosen.order) if chosen else list(rules.default_order)
    order = base + [s for s in rules.default_order if s not in base]
    if not may_profile:
        order = [s for s in order if s not in rules.history_sections]
    if chosen is not None:
        reasons.append(Reason(kind="rule", data={"name": chosen.name}))
    elif not reasons:
        reasons.append(Reason(kind="default"))
    return HomePlan(rules_version=rules.version, persona=persona, order=order,
                    rule=chosen.name if chosen else None, reasons=reasons)
