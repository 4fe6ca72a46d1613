"""The LLM planner: one chat-completions call per step, over any OpenAI-compatible endpoint.

Transport failures (timeout, connection, 5xx after the SDK's retries with backoff, 4xx) become
:class:`LLMUnavailableError`; unusable output or an exhausted token budget becomes :class:`ModelBehaviorError`.
Either way the loop hands the turn to the rule planner.
"""

from __future__ import annotations

import re
from typing import Any

from agent._state import TurnState
from agent.models import AnswerPlan, Plan, ToolCall, ToolPlan
from agent.prompt import system_prompt
from core.config import Settings
from core.errors import LLMUnavailableError, ModelBehaviorError
from tools import TOOLS

_TOOL_CALL_AS_TEXT = re.compile(r"\s*(?:functions\.\w+|<tool_call>|\{\s*[\"'&]|```(?:json)?\s*\{)")


class LLMPlanner:
    """Asks the model what to do next; the tools offered are exactly :data:`tools.TOOLS`."""

    name = "llm"

    def __init__(self, client: Any, settings: Settings) -> None:
        self.client = client
        self.model = settings.llm_model
        self.max_tokens = settings.agent_max_tokens
        self.max_steps = settings.agent_max_steps
        self.token_budget = settings.agent_max_tokens * settings.agent_max_steps
        """Completion tokens the model may write in one turn (each call is also capped at ``max_tokens``)."""
        self.specs = [tool.openai_spec() for tool in TOOLS.values()]

    def messages(self, state: TurnState) -> list[dict[str, Any]]:
        """Return the request messages: system prompt, masked history, masked message, this turn's tool work."""
        msgs: list[dict[str, Any]] = [{"role": "system", "content": system_prompt(state.profile, state.ctx.language)}]
        msgs += [{"role": role, "content": text} for role, text in state.history]
        msgs.append({"role": "user", "content": state.message})
        return msgs + state.transcript

    def plan(self, state: TurnState) -> Plan:
        """Return the model's next step (tool calls or the answer text)."""
        import openai

        if state.tokens_used >= self.token_budget:
            raise ModelBehaviorError(f"token budget of {self.token_budget} exhausted")
        last = state.steps >= self.max_steps and bool(state.transcript)  # the last step: answer with what you have
        try:
            response = self.client.chat.completions.create(
                model=self.model, messages=self.messages(state), tools=self.specs,
                tool_choice="none" if last else "auto", max_tokens=self.max_tokens, temperature=0.2,
            )
        except openai.APITimeoutError as err:
            raise LLMUnavailableError("the LLM timed out") from err
        except openai.APIConnectionError as err:
            raise LLMUnavailableError("the LLM endpoint is unreachable") from err
        except openai.APIStatusError as err:
            raise LLMUnavailableError(f"the LLM endpoint answered HTTP {err.status_code}") from err
        except openai.OpenAIError as err:
            raise LLMUnavailableError(f"the LLM call failed ({type(err).__name__})") from err
        usage = getattr(response, "usage", None)
        state.tokens_used += int(getattr(usage, "completion_tokens", 0) or 0)
        if not getattr(response, "choices", None):
            raise ModelBehaviorError("the LLM returned no choices")
        message = response.choices[0].message
        calls = list(message.tool_calls or [])
        if calls and last:
            raise ModelBehaviorError("the LLM kept calling tools on its last step")
        if calls:
            parsed = tuple(
                ToolCall(id=c.id or f"call-{i}", name=(c.function.name or "").strip(),
                         arguments=c.function.arguments or "")
                for i, c in enumerate(calls)
            )
            assistant = {
                "role": "assistant", "content": message.content or "",
                "tool_calls": [{"id": c.id, "type": "function",
                                "function": {"name": c.name, "arguments": c.arguments}} for c in parsed],
            }
            return ToolPlan(parsed, assistant_message=assistant)
        text = (message.content or "").strip()
        if not text:
            raise ModelBehaviorError("the LLM returned an empty answer")
        if _TOOL_CALL_AS_TEXT.match(text):
            raise ModelBehaviorError("the LLM wrote a tool call as its answer")
        return AnswerPlan(text, picks=None)
