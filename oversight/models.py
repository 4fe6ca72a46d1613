"""The public shapes of the oversight reports (pydantic): the equality audit's JSON (docs/oversight.md) and the
drift monitor's."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

GroupValues = dict[str, float | int | None]
"""One group's metrics: ``{METRIC: value or null, "n": companies}``."""


class Flag(BaseModel):
    """A gap that is statistically clear (Holm-adjusted p below alpha) and larger than the metric's threshold."""

    dimension: str
    metric: str
    groups: list[str]
    """``[lowest group, highest group]``."""
    gap: float
    ci95: list[float]
    ratio: float | None = None
    ratio_ci95: list[float] | None = None
    p_value: float
    p_adjusted: float
    threshold: float
    disadvantaged: str | None = None
    """The group on the worse side, for metrics where a direction is better (else null)."""


class TooSmall(BaseModel):
    """A group (``metric`` null) or a group's metric with fewer companies than the minimum: not reported, never
    flagged."""

    dimension: str
    group: str
    metric: str | None = None
    n: int


class DisparityOut(BaseModel):
    """The disparity of one metric over one dimension's groups (those large enough)."""

    groups: list[str]
    gap: float
    ci95: list[float]
    ratio: float | None = None
    ratio_ci95: list[float] | None = None
    p_value: float
    p_adjusted: float
    threshold: float
    flagged: bool
    compared: int
    """How many groups were compared."""


class MetricInfo(BaseModel):
    """What a metric means (its definition is in ``oversight.units`` and docs/oversight.md)."""

    label: str
    family: str
    kind: str
    better: str | None = None
    unit: str
    population: str
    threshold: float


class Period(BaseModel):
    """The audited month and the next one (whose purchases the quality metrics score)."""

    from_: str = Field(alias="from")
    to: str
    next_to: str

    model_config = {"populate_by_name": True}


class EqualityReport(BaseModel):
    """The equality audit of one month. Fixed keys: ``month``, ``groups``, ``flags``, ``too_small``; the rest
    may grow, never change."""

    month: str
    groups: dict[str, dict[str, GroupValues]]
    flags: list[Flag]
    too_small: list[TooSmall]
    disparities: dict[str, dict[str, DisparityOut]] = Field(default_factory=dict)
    overall: dict[str, float | None] = Field(default_factory=dict)
    metrics: dict[str, MetricInfo] = Field(default_factory=dict)
    period: Period
    population: dict[str, int] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    synthetic: bool = False
    generated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-able report (``period.from`` by its alias)."""
        return json.loads(self.model_dump_json(by_alias=True))

    def to_json(self) -> str:
        """Return the report as indented JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


class SignalResult(BaseModel):
    """One monitored signal: the reference and the recent window compared."""

    name: str
    side: str
    """``input`` or ``output``."""
    kind: str
    """``categorical`` (shares of categories), ``binary`` (a share), ``numeric`` (a distribution) or
    ``coverage``."""
    status: str
    """``ok``, ``alert``, ``insufficient`` (too few observations) or ``not_recorded`` (the store has no data of
    this signal)."""
    reference_n: int = 0
    window_n: int = 0
    psi: float | None = None
    test: str | None = None
    p_value: float | None = None
    reference_value: float | None = None
    window_value: float | None = None
    """A share (binary), a mean (numeric) or the coverage; null for categorical signals."""
    change: float | None = None
    """``window_value - reference_value`` (binary, numeric, coverage)."""
    reference_shares: dict[str, float] = Field(default_factory=dict)
    window_shares: dict[str, float] = Field(default_factory=dict)
    note: str = ""


class DriftReport(BaseModel):
    """The drift monitor's answer: every signal and whether any alerts."""

    generated_at: datetime
    window: dict[str, str]
    reference: dict[str, str]
    alert: bool
    alerts: list[str]
    signals: list[SignalResult]
    settings: dict[str, Any] = Field(default_factory=dict)

    def to_json(self) -> str:
        """Return the report as indented JSON."""
        return json.dumps(json.loads(self.model_dump_json()), ensure_ascii=False, indent=2)
