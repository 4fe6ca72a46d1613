"""Tool guardrail for the agent loop: allow, reject with a message, or require a price approval.

:func:`guard_tool_call` is a pure function of the tool name and its arguments; the loop (not the tool) calls it
before running a tool and turns ``require_approval`` into a pending request (:func:`request_for_tool_call`),
which it reports to the planner as a ``NeedsApproval`` step: nothing is raised, the turn goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session

from guardrails.approvals import request_price_change
from store.models import PriceApproval

PRICE_AFFECTING_TOOLS: dict[str, str] = {
    "propose_discount": "discount", "request_discount": "discount", "apply_discount": "discount",
    "create_quote": "quote", "request_quote": "quote", "make_quote": "quote", "quote_price": "quote",
    "set_price": "price_change", "change_price": "price_change", "update_price": "price_change",
    "offer_price": "quote", "set_segment_price_range": "segment_price_range",
    "change_segment_price_range": "segment_price_range",
}
"""Tools whose effect changes what a customer pays, with the PriceApproval kind they create."""

PRICE_ARGUMENTS = frozenset({"discount", "discount_pct", "discount_percent", "new_price", "unit_price",
                             "price_override", "override_price", "special_price", "net_price", "rebate"})
"""Argument names that set a price; any tool carrying one needs approval, whatever its name."""

Action = Literal["allow", "reject", "require_approval"]


@dataclass(frozen=True)
class ToolGuardResult:
    """Verdict on one tool call: ``action``, a ``reason`` (for the audit) and ``message`` (for the model)."""

    action: Action
    reason: str
    message: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def tripped(self) -> bool:
        """True unless the call may run as is."""
        return self.action != "allow"


def _check_numbers(args: dict[str, Any]) -> str | None:
    for key in ("discount", "discount_pct", "discount_percent", "rebate"):
        if key in args:
            try:
                v = float(args[key])
            except (TypeError, ValueError):
                return f"{key} must be a number"
            if not 0 < v < 100:
                return f"{key} must be between 0 and 100 (got {v:g})"
    for key in ("new_price", "unit_price", "price_override", "override_price", "special_price", "net_price"):
        if key in args:
            try:
                if float(args[key]) <= 0:
                    return f"{key} must be positive"
            except (TypeError, ValueError):
                return f"{key} must be a number"
    return None


def guard_tool_call(tool_name: str, args: dict[str, Any], *,
                    known_tools: frozenset[str] | set[str] | None = None) -> ToolGuardResult:
    """Return allow / reject (with a model-visible message) / require_approval for one tool call."""
    if known_tools is not None and tool_name not in known_tools and tool_name not in PRICE_AFFECTING_TOOLS:
        return ToolGuardResult("reject", "unknown_tool", f"There is no tool called {tool_name!r}.")
    price_args = sorted(PRICE_ARGUMENTS & set(args))
    kind = PRICE_AFFECTING_TOOLS.get(tool_name) or ("price_change" if price_args else None)
    if kind is None:
        return ToolGuardResult("allow", "not_price_affecting")
    problem = _check_numbers(args)
    if problem:
        return ToolGuardResult("reject", "invalid_price_arguments", f"Cannot request this change: {problem}.",
                               {"kind": kind})
    skus = args.get("skus") or ([args["sku"]] if args.get("sku") else [])
    return ToolGuardResult(
        "require_approval", "price_affecting",
        "This changes a price, so a sales representative must approve it first; the customer will be told "
        "once it is decided.",
        {"kind": kind, "skus": list(skus), "price_arguments": price_args},
    )


def request_for_tool_call(session: Session, result: ToolGuardResult, *, tool_name: str, args: dict[str, Any],
                          company_id: int, conversation_id: str | None, reason: str = "",
                          ttl_hours: float | None = None) -> PriceApproval:
    """Turn a ``require_approval`` verdict into a pending PriceApproval (the loop reports it to the planner)."""
    if result.action != "require_approval":
        raise ValueError(f"tool call verdict is {result.action!r}, not require_approval")
    change = {k: v for k, v in args.items() if k not in ("sku", "skus")}
    change["tool"] = tool_name
    return request_price_change(session, company_id=company_id, conversation_id=conversation_id,
                                skus=list(result.info.get("skus", [])), kind=result.info["kind"],
                                proposed_change=change, reason=reason or f"agent called {tool_name}",
                                ttl_hours=ttl_hours)
