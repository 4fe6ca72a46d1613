"""The KPI report's JSON shape (a public interface, documented in docs/measurement.md). The keys the issue fixes
come first; the others add detail and may grow, never change. Undefined figures are ``null``, never NaN."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class Period(BaseModel):
    """The reported period, both days included (UTC)."""

    model_config = ConfigDict(populate_by_name=True)
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None


class ArmCounts(BaseModel):
    treatment: int = 0
    control: int = 0


class ArmFigures(BaseModel):
    treatment: float | None = None
    control: float | None = None


def _pair() -> list[float | None]:
    return [None, None]


class Uplift(BaseModel):
    """Treatment minus control; ``ci95`` bounds the absolute uplift, ``relative_ci95`` the relative one
    (delta method on the company-level ratio of means), ``p_value`` two-sided (Welch t)."""

    absolute: float | None = None
    relative: float | None = None
    ci95: list[float | None] = Field(default_factory=_pair)
    relative_ci95: list[float | None] = Field(default_factory=_pair)
    p_value: float | None = None


class UpliftBlock(BaseModel):
    conversion: Uplift = Field(default_factory=Uplift)
    revenue_per_session: Uplift = Field(default_factory=Uplift)


class Srm(BaseModel):
    """Sample-ratio mismatch: chi-square of the sessions per arm against the configured split, on the sessions'
    effective number given their clustering in companies (Kish); ``flag`` when p < 0.001."""

    p_value: float | None = None
    flag: bool = False
    expected_control_share: float = 0.10
    observed_control_share: float | None = None
    effective_sessions: float | None = None
    companies: ArmCounts = Field(default_factory=ArmCounts)


class Attribution(BaseModel):
    """What the attribution rule credited to a shown item, over the period."""

    window_days: float = 7.0
    clicks: int = 0
    add_to_cart: int = 0
    orders: int = 0
    revenue: float = 0.0
    unattributed_clicks: int = 0
    unattributed_orders: int = 0
    orders_by_surface: dict[str, int] = Field(default_factory=dict)
    revenue_by_surface: dict[str, float] = Field(default_factory=dict)


class Popularity(BaseModel):
    """Popularity bias of what was shown: the share of impressions taken by the top-10 bestsellers, and the Gini
    index of impressions over the catalogue (0: every SKU shown equally; near 1: a few SKUs take everything)."""

    top10: list[str] = Field(default_factory=list)
    top10_share: float | None = None
    gini: float | None = None
    lorenz: list[list[float]] = Field(default_factory=list)
    """Points ``[share of SKUs, share of impressions]`` of the Lorenz curve, least shown first (≤ 101 points)."""


class Outside(BaseModel):
    """Sessions outside the experiment (companies that objected to profiling, or no experiment running)."""

    sessions: int = 0
    companies: int = 0
    conversion: float | None = None
    revenue_per_session: float | None = None


class ExperimentInfo(BaseModel):
    key: str
    control_share: float
    started_at: datetime | None = None
    ended_at: datetime | None = None


class EventCounts(BaseModel):
    read: int = 0
    used: int = 0
    in_period: int = 0
    bad: dict[str, int] = Field(default_factory=dict)
    synthetic: int = 0
    """Events written by the demo's behaviour simulation (``source`` demo/synthetic)."""


class KpiReport(BaseModel):
    """Every figure of ``salesagent kpi report`` / ``GET /kpi``."""

    model_config = ConfigDict(populate_by_name=True)
    period: Period = Field(default_factory=Period)
    ctr: dict[str, float | None] = Field(default_factory=dict)
    sessions: ArmCounts = Field(default_factory=ArmCounts)
    conversion: ArmFigures = Field(default_factory=ArmFigures)
    revenue_per_session: ArmFigures = Field(default_factory=ArmFigures)
    uplift: UpliftBlock = Field(default_factory=UpliftBlock)
    srm: Srm = Field(default_factory=Srm)
    coverage: dict[str, float | None] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    # --- detail beyond the fixed keys ---
    impressions: dict[str, int] = Field(default_factory=dict)
    clicks: dict[str, int] = Field(default_factory=dict)
    ctr_by_week: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    ctr_by_month: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    ctr_by_segment: dict[str, float | None] = Field(default_factory=dict)
    companies: ArmCounts = Field(default_factory=ArmCounts)
    outside_experiment: Outside = Field(default_factory=Outside)
    attribution: Attribution = Field(default_factory=Attribution)
    popularity: Popularity = Field(default_factory=Popularity)
    currency: str | None = None
    catalogue_skus: int | None = None
    experiment: ExperimentInfo | None = None
    events: EventCounts = Field(default_factory=EventCounts)
    synthetic: bool = False
    """True when any event comes from the demo's behaviour simulation: the figures are then not real."""

    def to_json(self) -> str:
        """Return the report as JSON with the documented key names (``period.from``)."""
        return self.model_dump_json(by_alias=True, indent=2)
