"""The LLM planner: one chat-completions call per step, over any OpenAI-compatible endpoint, inside the turn's
time budget.

Each call gets the time left of the turn's budget (``llm_turn_budget_s``), a connect timeout and a first-byte
timeout; a call still running when the budget is spent is abandoned (it ends in the background within its own
timeouts). A circuit breaker (:class:`CircuitBreaker`) stops calling an endpoint after ``llm_breaker_failures``
failures in a row and tries it again after ``llm_breaker_reset_s``. While a call waits, the turn lets go of its
admission gate, so other customers are served meanwhile. Transport failures (and an answer that is no
completion) become :class:`LLMUnavailableError`; unusable output becomes :class:`ModelBehaviorError`. Either way
the loop hands the turn to the rule planner.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, Protocol, cast

from agent._state import TurnState
from agent.models import AnswerPlan, Plan, ToolCall, ToolPlan
from agent.prompt import system_prompt
from core.breaker import CircuitBreaker
from core.config import Settings
from core.errors import LLMUnavailableError, ModelBehaviorError
from tools import TOOLS

if TYPE_CHECKING:
    from openai import OpenAI
    from openai.types.chat import ChatCompletion, ChatCompletionMessageFunctionToolCall

_TOOL_CALL_AS_TEXT = re.compile(r"\s*(?:functions?\.\w+|<tool_call>|\{\s*[\"'&]|```(?:json)?\s*\{)")
PLAIN_ANSWER_ASK = {
    "en": "What the shop's tools returned for this conversation:\n{results}\nAnswer the customer's last message in "
          "plain words from these results only. Do not call a tool.",
    "pl": "Wyniki narzędzi sklepu w tej rozmowie:\n{results}\nOdpowiedz na ostatnią wiadomość klienta zwykłymi "
          "słowami, tylko na podstawie tych wyników. Nie wywołuj narzędzi.",
}
"""The one retry of a model that wrote a tool call as its answer (small local models copy the chat template's
``functions.name:`` lines): the tool work as plain text, no tool definitions."""
PLAIN_RESULTS_CHARS = 6000
MIN_CALL_SECONDS = 0.25
"""A call is not started (nor retried) with less of the budget left than this."""


class Releasable(Protocol):
    """The turn's admission gate, as far as the planner needs it."""

    def released(self) -> AbstractContextManager[None]: ...


def new_breaker(settings: Settings) -> CircuitBreaker:
    """Return the circuit breaker of one endpoint (built once per process, with the client)."""
    return CircuitBreaker(fail_max=settings.llm_breaker_failures, reset_timeout=settings.llm_breaker_reset_s)


class LLMPlanner:
    """Asks the model what to do next; the tools offered are exactly :data:`tools.TOOLS`."""

    name = "llm"

    def __init__(self, client: OpenAI, settings: Settings, *, breaker: CircuitBreaker | None = None,
                 gate: Releasable | None = None) -> None:
        self.client = client
        self.model = settings.llm_model
        self.max_tokens = settings.agent_max_tokens
        self.max_steps = settings.agent_max_steps
        self.budget = settings.llm_turn_budget_s
        self.connect_timeout = settings.llm_connect_timeout_s
        self.first_token_timeout = settings.llm_first_token_timeout_s
        self.max_retries = settings.llm_max_retries
        self.breaker = breaker
        self.gate = gate
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
        if state.tokens_used >= self.token_budget:
            raise ModelBehaviorError(f"token budget of {self.token_budget} exhausted")
        last = state.steps >= self.max_steps and bool(state.transcript)  # the last step: answer with what you have
        request = {"model": self.model, "messages": self.messages(state), "tools": self.specs,
                   "tool_choice": "none" if last else "auto", "max_tokens": self.max_tokens, "temperature": 0.2}
        deadline = state.deadline if state.deadline is not None else time.monotonic() + self.budget
        message = self._message(request, state, deadline)
        raw = list(message.tool_calls or [])
        if any(getattr(c, "function", None) is None for c in raw):
            raise ModelBehaviorError("the LLM made a kind of tool call this agent does not offer")
        calls = [cast("ChatCompletionMessageFunctionToolCall", c) for c in raw]
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
            if not state.transcript:
                raise ModelBehaviorError("the LLM wrote a tool call as its answer")
            text = self._plain_answer(state, deadline)
        return AnswerPlan(text, picks=None)

    def plain_request(self, state: TurnState) -> dict[str, Any]:
        """Return the retry request of :meth:`_plain_answer`: the system prompt, the history and the message, then
        this turn's tool results as one plain message, and no tools (so no ``functions.x:`` pattern to copy)."""
        results = "\n".join(str(m.get("content") or "") for m in state.transcript if m.get("role") == "tool")
        msgs = self.messages(state)[:-len(state.transcript)]
        ask = PLAIN_ANSWER_ASK["pl" if state.ctx.language == "pl" else "en"]
        msgs.append({"role": "user", "content": ask.format(results=results[:PLAIN_RESULTS_CHARS])})
        return {"model": self.model, "messages": msgs, "max_tokens": self.max_tokens, "temperature": 0.2}

    def _plain_answer(self, state: TurnState, deadline: float) -> str:
        """Ask once more, in plain words, after the model wrote a tool call as its answer; the same output checks
        judge what comes back. Raise ``ModelBehaviorError`` when it is a tool call again or the budget is gone."""
        if state.tokens_used >= self.token_budget:
            raise ModelBehaviorError("the LLM wrote a tool call as its answer")
        message = self._message(self.plain_request(state), state, deadline)
        text = (message.content or "").strip()
        if not text or _TOOL_CALL_AS_TEXT.match(text) or message.tool_calls:
            raise ModelBehaviorError("the LLM wrote a tool call as its answer")
        return text

    def _message(self, request: dict[str, Any], state: TurnState, deadline: float) -> Any:
        """Return the completion's first message, its tokens counted against the turn's budget."""
        response = self._call(request, deadline)
        usage = getattr(response, "usage", None)
        state.tokens_used += int(getattr(usage, "completion_tokens", 0) or 0)
        if not getattr(response, "choices", None):
            raise ModelBehaviorError("the LLM returned no choices")
        return response.choices[0].message

    def _call(self, request: dict[str, Any], deadline: float) -> ChatCompletion:
        """Return the completion, retrying a transport failure while the budget lasts; through the breaker."""
        attempts = 0
        while True:
            if self.breaker is not None:
                self.breaker.admit()  # CircuitOpenError: not retried, the planner answers
            try:
                response = self._once(request, deadline)
            except LLMUnavailableError:
                if self.breaker is not None:
                    self.breaker.failed()
                attempts += 1
                if attempts > self.max_retries or deadline - time.monotonic() < MIN_CALL_SECONDS:
                    raise
                continue
            except BaseException:
                if self.breaker is not None:
                    self.breaker.failed()  # an unexpected error must not leave a half-open trial running forever
                raise
            if self.breaker is not None:
                self.breaker.succeeded()
            return response

    def _once(self, request: dict[str, Any], deadline: float) -> ChatCompletion:
        """One call with the time left; the gate is let go while it waits."""
        import openai

        left = deadline - time.monotonic()
        if left < MIN_CALL_SECONDS:
            raise LLMUnavailableError(f"the turn's time budget for the model ({self.budget:.0f} s) is spent")
        client = self.client.with_options(
            timeout=openai.Timeout(min(self.first_token_timeout, left), connect=min(self.connect_timeout, left)),
            max_retries=0)
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["response"] = client.chat.completions.create(**request)
            except BaseException as err:  # noqa: BLE001 - handed to the waiting thread below
                box["error"] = err

        worker = threading.Thread(target=work, name="llm-call", daemon=True)
        with self.gate.released() if self.gate is not None else nullcontext():
            worker.start()
            worker.join(left)
        if worker.is_alive():  # abandoned: it ends on its own timeouts; the planner answers now
            raise LLMUnavailableError(f"the LLM did not answer within the turn's budget ({self.budget:.0f} s)")
        err = box.get("error")
        if err is None:
            return box["response"]  # type: ignore[no-any-return]
        if isinstance(err, openai.APITimeoutError):
            raise LLMUnavailableError("the LLM timed out") from err
        if isinstance(err, openai.APIConnectionError):
            raise LLMUnavailableError("the LLM endpoint is unreachable") from err
        if isinstance(err, openai.APIStatusError):
            raise LLMUnavailableError(f"the LLM endpoint answered HTTP {err.status_code}") from err
        if isinstance(err, openai.OpenAIError):
            raise LLMUnavailableError(f"the LLM call failed ({type(err).__name__})") from err
        if isinstance(err, ValueError | TypeError | KeyError | AttributeError):  # a 200 that is no completion
            raise LLMUnavailableError(f"the LLM endpoint answered something that is not a completion "
                                      f"({type(err).__name__})") from err
        raise err
