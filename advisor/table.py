"""The decision table: loaded from ``decision_table.toml`` and validated once, evaluated by pure functions."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from advisor.models import (
    Advice,
    AdvisorFacts,
    Architecture,
    Behaviour,
    Condition,
    DecisionTable,
    Derived,
    NextStep,
    Reason,
)
from core.errors import ConfigError

TABLE_PATH = Path(__file__).with_name("decision_table.toml")
USABLE_BASES = frozenset({"consent", "legitimate_interest", "contract"})
_BOUNDS = ("skus", "customers", "order_rows", "years")
_CHOICES = ("descriptions", "stability", "segmentation", "behaviour")


def load_table(path: Path = TABLE_PATH) -> DecisionTable:
    """Return the decision table at ``path``, validated (a broken file is a ``ConfigError`` naming it)."""
    try:
        with path.open("rb") as f:
            table = DecisionTable.model_validate(tomllib.load(f))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as err:
        raise ConfigError(f"advisor decision table {path}: {str(err).splitlines()[0]}") from None
    if table.rows[-1].when != Condition():
        raise ConfigError(f"advisor decision table {path}: the last row must have no condition (the fallback)")
    return table


@lru_cache(maxsize=1)
def default_table() -> DecisionTable:
    """Return the shipped table (read once per process)."""
    return load_table()


def behaviour_of(collected: bool | None, basis: str | None) -> Behaviour | None:
    """Return how the table sees behaviour data: none, collected without a legal basis, or usable."""
    if collected is None:
        return None if basis is None else ("usable" if basis in USABLE_BASES else None)
    if not collected:
        return "none"
    return "usable" if basis in USABLE_BASES else "collected_no_basis"


def derive(facts: AdvisorFacts, table: DecisionTable) -> tuple[Derived, list[str]]:
    """Return the facts with the table's defaults filled in, and the names of the fields that were assumed."""
    given: dict[str, object] = {k: v for k, v in facts.model_dump().items()
                                if v is not None and k not in ("behaviour_collected", "legal_basis")}
    behaviour = behaviour_of(facts.behaviour_collected, facts.legal_basis)
    if behaviour is not None:
        given["behaviour"] = behaviour
    defaults = table.defaults.model_dump()
    assumed = [name for name in defaults if name not in given]
    return Derived.model_validate(defaults | given), assumed


def check(when: Condition, facts: Derived, architecture: Architecture | None = None) -> list[Reason] | None:
    """Return the reasons ``when`` holds for ``facts`` (one per bound or list), or None when it does not."""
    reasons: list[Reason] = []
    for name in _BOUNDS:
        value = getattr(facts, name)
        low, high = getattr(when, f"{name}_min"), getattr(when, f"{name}_max")
        if low is not None:
            if value < low:
                return None
            reasons.append(Reason(kind="at_least", data={"field": name, "value": value, "threshold": low}))
        if high is not None:
            if value >= high:
                return None
            reasons.append(Reason(kind="below", data={"field": name, "value": value, "threshold": high}))
    for name in _CHOICES:
        allowed = getattr(when, name)
        if allowed is not None:
            if getattr(facts, name) not in allowed:
                return None
            reasons.append(Reason(kind="one_of", data={"field": name, "value": getattr(facts, name),
                                                       "allowed": list(allowed)}))
    if when.architecture is not None and architecture not in when.architecture:
        return None
    return reasons


def decide(facts: AdvisorFacts, table: DecisionTable | None = None, *, masked_entities: int = 0) -> Advice:
    """Return the advice of the first row whose condition holds, with every hint that applies (pure)."""
    table = table or default_table()
    derived, assumed = derive(facts, table)
    for row in table.rows:
        reasons = check(row.when, derived)
        if reasons is not None:
            break
    else:  # pragma: no cover - load_table guarantees a fallback row
        raise ConfigError("advisor decision table has no fallback row")
    if not reasons:
        reasons = [Reason(kind="fallback", data={"rule": row.id})]
    hints = [NextStep(id=h.id, text=h.text) for h in table.hints
             if check(h.when, derived, row.architecture) is not None]
    names = table.names
    also = " plus ".join(f"{names[c.architecture]} {c.on}".strip() for c in row.also)
    summary = f"Start with {names[row.architecture]}" + (f", plus {also}" if also else "") + "."
    return Advice(architecture=row.architecture, name=names[row.architecture], also=list(row.also),
                  summary=summary, rule=row.id, why=row.why, reasons=reasons, key_data=list(row.key_data),
                  collect_next=hints, effort=row.effort, facts=derived, assumed=assumed,
                  masked_entities=masked_entities, table_version=table.version)
