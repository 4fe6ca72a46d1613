"""One step of the loop: ask the planner, run the tools it asked for through the tool guard, return a step result.

Malformed arguments, unknown tools, refused calls and failing tools become a short ``error: ...`` tool message
(never a crash, never a traceback); the planner sees it and may try again within the step bound.
"""

from __future__ import annotations

import json
import logging
from typing import Protocol

from agent._state import TurnState
from agent.guards import APPROVAL_TOOLS, guard_tool
from agent.models import (
    AnswerPlan,
    FinalOutput,
    NeedsApproval,
    Plan,
    RunAgain,
    StepResult,
    ToolCall,
    ToolOutcome,
)
from core.errors import ModelBehaviorError, SalesAgentError, ToolInputError
from guardrails.tool_gate import request_for_tool_call
from tools import TOOLS
from tools.models import ApprovalTicket

logger = logging.getLogger("salesagent.agent")
MAX_CALLS_PER_STEP = 6


class Planner(Protocol):
    """What the LLM planner and the rule planner share."""

    name: str

    def plan(self, state: TurnState) -> Plan: ...


def execute(state: TurnState, call: ToolCall) -> ToolOutcome:
    """Run one tool call through the tool guard; every failure becomes a model-readable error outcome."""
    ctx = state.ctx
    tool = TOOLS.get(call.name)
    if tool is None:
        return ToolOutcome(call, error=f"unknown tool {call.name[:60]!r}; available tools: {', '.join(TOOLS)}"
                           + (" (use request_price_change for prices)" if "pric" in call.name
                              or "discount" in call.name else ""))
    try:
        args = tool.parse_args(call.arguments)
    except ToolInputError as err:
        return ToolOutcome(call, error=str(err))
    verdict = guard_tool(state, call.name, args.model_dump(exclude_none=True))
    if verdict.action == "reject":
        return ToolOutcome(call, error=verdict.message or verdict.reason)
    if verdict.action == "require_approval" and call.name not in APPROVAL_TOOLS:
        with ctx.writing() as w:
            row = request_for_tool_call(w, verdict, tool_name=call.name, args=args.model_dump(),
                                        company_id=ctx.company.id or 0,
                                        conversation_id=ctx.conversation_row(w).id,
                                        ttl_hours=ctx.resources.settings.approval_ttl_hours)
        ticket = ApprovalTicket(approval_id=row.id or 0, status=str(getattr(row.status, "value", row.status)),
                                kind=row.kind, skus=list(row.product_skus), message=verdict.message)
        ctx.approvals.append(ticket)
        return ToolOutcome(call, output=ticket)
    try:
        return ToolOutcome(call, output=tool.invoke(ctx, args))
    except SalesAgentError as err:
        return ToolOutcome(call, error=str(err).splitlines()[0][:300])
    except Exception:  # a tool bug must not end the turn; the model gets a short note, the log the traceback
        logger.exception("tool %s failed", call.name)
        return ToolOutcome(call, error=f"{call.name} failed; try different arguments or another tool")


def run_step(planner: Planner, state: TurnState) -> StepResult:
    """Ask the planner once; run its tool calls; return the closed step result."""
    state.steps += 1
    plan = planner.plan(state)
    if isinstance(plan, AnswerPlan):
        return FinalOutput(plan.reply, plan.picks)
    ctx = state.ctx
    before = len(ctx.approvals)
    calls = plan.calls[:MAX_CALLS_PER_STEP]
    outcomes = tuple(execute(state, call) for call in calls)
    outcomes += tuple(ToolOutcome(c, error="too many tool calls in one step; this one was not run")
                      for c in plan.calls[MAX_CALLS_PER_STEP:])
    state.outcomes.extend(outcomes)
    state.transcript.append(plan.assistant_message or {
        "role": "assistant", "content": "",
        "tool_calls": [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                       for c in plan.calls],
    })
    state.transcript += [{"role": "tool", "tool_call_id": o.call.id, "content": o.as_text()} for o in outcomes]
    new = tuple(ctx.approvals[before:])
    return NeedsApproval(outcomes, new) if new else RunAgain(outcomes)


def run_planner(planner: Planner, state: TurnState, max_steps: int) -> FinalOutput:
    """Run steps until the planner answers; raise :class:`ModelBehaviorError` after ``max_steps``."""
    for _ in range(max_steps):
        result = run_step(planner, state)
        match result:
            case FinalOutput():
                return result
            case RunAgain() | NeedsApproval():
                continue
    raise ModelBehaviorError(f"{planner.name} did not answer within {max_steps} steps")


def summarise_calls(state: TurnState) -> list[str]:
    """Return ``name(args)`` for every call of the turn (for logs and the answer's ``tool_calls``)."""
    out = []
    for o in state.outcomes:
        try:
            args = json.loads(o.call.arguments or "{}")
        except json.JSONDecodeError:
            args = "<malformed>"
        out.append(f"{o.call.name}({args})" if o.error is None else f"{o.call.name}: error")
    return out
