"""The A/B experiment: which arm a company is in, and the one check every surface asks.

A company's arm comes from hashing its external id with the experiment's salt (``store.measurement.hash_arm``):
deterministic and sticky for as long as the experiment runs (salt and control share are recorded with its
start and end and never change; a new split is a new experiment). Companies that objected to profiling are
outside the experiment (they get the non-personalised results anyway and are reported separately), and so is
everyone while no experiment runs. The arm is never a model feature and never shown to a customer: the
surfaces use it only to choose between the personalised ranking and the baseline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session

from guardrails.consent import may_personalise
from store import measurement as store
from store.models import Company, Experiment

ArmOrOutside = Literal["treatment", "control", "outside"]
DEFAULT_CONTROL_SHARE = 0.10
DEFAULT_SALT = "salesagent-recs"
"""The salt ``salesagent kpi experiment start`` uses unless told otherwise (and ``kpi report --events`` for a
file without variants)."""


@dataclass(frozen=True)
class Split:
    """The parameters of one experiment: the salt, the control share and when it ran (open ends allowed)."""

    salt: str = DEFAULT_SALT
    control_share: float = DEFAULT_CONTROL_SHARE
    start: datetime | None = None
    end: datetime | None = None
    key: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.control_share <= 1.0:
            raise ValueError(f"control share must be between 0 and 1, not {self.control_share}")

    @classmethod
    def of(cls, row: Experiment) -> Split:
        """Return the split a recorded experiment made."""
        return cls(salt=row.salt, control_share=row.control_share, start=row.started_at, end=row.ended_at,
                   key=row.key)


def assign(company_key: str, split: Split) -> Literal["treatment", "control"]:
    """Return the arm of a company key under ``split`` (the salted hash; sticky)."""
    return store.hash_arm(company_key, salt=split.salt, control_share=split.control_share)


def arm_of(session: Session, company: Company, *, at: datetime | None = None) -> ArmOrOutside:
    """Return the arm a company's recommendations are served in now (or at ``at``): ``control`` gets the
    non-personalised baseline (segment or global bestsellers, same layout and wording), ``treatment`` the
    personalised ranking, ``outside`` (no experiment running, or the company objected to profiling) is served as
    it would be without any experiment."""
    if not may_personalise(company):
        return "outside"
    running = store.running_experiment(session, at=at)
    if running is None:
        return "outside"
    return assign(company.external_id, Split.of(running))


def assign_many(keys: Iterable[str], split: Split) -> dict[str, str]:
    """Return ``{company key: arm}`` for many keys (one hash per distinct key)."""
    return {k: assign(k, split) for k in dict.fromkeys(keys)}
