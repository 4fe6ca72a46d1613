"""The hard-coded denylist of protected attributes and the one filter every feature set passes through.

The list lives in code on purpose: it is not a file a user can edit at run time. Anything that builds features
for ranking or context for a model calls :func:`drop_protected` (or :func:`ensure_no_protected`), which removes
denylisted keys at any depth and records what it dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.errors import GuardrailTripped

logger = logging.getLogger("salesagent.audit.denylist")

PROTECTED_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "gender", "sex", "age", "age_band", "birth_date", "date_of_birth", "nationality", "citizenship",
        "ethnicity", "race", "religion", "religious_belief", "disability", "health", "marital_status",
        "pregnancy", "sexual_orientation", "political_opinion", "trade_union", "genetic_data", "biometric_data",
        "pesel", "ethnic_origin", "racial_origin", "religious_beliefs", "philosophical_beliefs", "sex_life",
        "criminal_record", "maiden_name", "family_status", "number_of_children", "age_group",
    }
)
"""Keys that must never reach ranking or a model (GDPR art. 9 special categories and the usual proxies)."""


def _normalise(key: str) -> str:
    key = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key)  # camelCase -> camel_case
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


_PROTECTED_TOKENS: tuple[tuple[str, ...], ...] = tuple(sorted({tuple(p.split("_")) for p in PROTECTED_ATTRIBUTES}))


def is_protected(key: str) -> bool:
    """True when ``key`` names a protected attribute anywhere in it, as whole words.

    Case, spaces, dashes, dots and camelCase are ignored: "Gender", "customer_gender", "contactAgeBand",
    "date-of-birth" and "company.owner.nationality" all match; "average_order_value" and "funnel_stage" do not.
    """
    tokens = _normalise(key).split("_")
    for prot in _PROTECTED_TOKENS:
        n = len(prot)
        if any(tuple(tokens[i:i + n]) == prot for i in range(len(tokens) - n + 1)):
            return True
    return False


@dataclass(frozen=True)
class DenylistResult:
    """The cleaned features and the dotted paths of everything that was dropped."""

    features: dict[str, Any]
    dropped: tuple[str, ...] = field(default_factory=tuple)


def _clean(value: Any, path: str, dropped: list[str]) -> Any:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            sub = f"{path}.{k}" if path else str(k)
            if is_protected(str(k)):
                dropped.append(sub)
                continue
            out[str(k)] = _clean(v, sub, dropped)
        return out
    if isinstance(value, list | tuple):
        return [_clean(v, f"{path}[{i}]", dropped) for i, v in enumerate(value)]
    return value


def drop_protected(features: Mapping[str, Any], *, source: str = "features", session: Any = None) -> DenylistResult:
    """Return ``features`` without protected attributes (at any depth), auditing each drop.

    Every drop is logged on ``salesagent.audit.denylist``; with a ``session`` an AuditLog row is added too (the
    caller commits). Only the keys' paths are recorded, never the values.
    """
    if not isinstance(features, Mapping):
        raise TypeError(f"features must be a mapping, not {type(features).__name__}")
    dropped: list[str] = []
    cleaned = _clean(features, "", dropped)
    if dropped:
        logger.warning("dropped protected attributes from %s: %s", source, ", ".join(dropped))
        if session is not None:
            from store.audit import add_audit

            add_audit(session, actor="guardrails", action="denylist.dropped", entity="features", entity_id=source,
                      details={"dropped": dropped})
    return DenylistResult(features=cleaned, dropped=tuple(dropped))


def ensure_no_protected(features: Mapping[str, Any], *, source: str = "features", session: Any = None) -> None:
    """Raise :class:`GuardrailTripped` when ``features`` carries a protected attribute (strict mode)."""
    result = drop_protected(features, source=source, session=session)
    if result.dropped:
        raise GuardrailTripped(f"protected attributes in {source}: {', '.join(result.dropped)}", result)
