"""The LLM variant of the advisor: with a model configured, the decision table's answer is given to it as the
result of a ``decision_table`` tool call, it writes the explanation for this shop, and its answer is checked
against the table (same architecture, same companions, a short plain text); otherwise the table's own answer
stands. The model sees the masked text only."""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from advisor.models import Advice, Architecture, DecisionTable

log = logging.getLogger("salesagent.advisor")

SYSTEM = ("You are salesagent's architecture advisor. The decision table's answer for this shop is in the tool "
          "result; you must not choose another architecture. Reply with one JSON object only: "
          '{"architecture": "<the table\'s architecture>", "also": ["<the table\'s companions>"], '
          '"why": "<two or three sentences for this shop, from its facts>"}.')
MAX_WHY_CHARS = 700


class ModelAdvice(BaseModel):
    """What the model must answer."""

    architecture: Architecture
    also: list[Architecture] = Field(default_factory=list)
    why: str = Field(min_length=20, max_length=MAX_WHY_CHARS)


def messages_for(masked_text: str, advice: Advice, table: DecisionTable) -> list[dict[str, Any]]:
    """Return the chat: the system rules, the operator's (masked) text, and the table's answer as a tool result."""
    row = next(r for r in table.rows if r.id == advice.rule)
    result = {"table_version": table.version, "row": row.model_dump(mode="json"),
              "facts": advice.facts.model_dump(mode="json"), "assumed": advice.assumed,
              "collect_next": [s.text for s in advice.collect_next]}
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": masked_text or "(the operator filled in the form only)"},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "call_table", "type": "function", "function": {
                "name": "decision_table", "arguments": json.dumps(advice.facts.model_dump(mode="json"))}}]},
            {"role": "tool", "tool_call_id": "call_table", "content": json.dumps(result, ensure_ascii=False)}]


def check(reply: str | None, advice: Advice) -> ModelAdvice | None:
    """Return the model's answer when it agrees with the table (architecture and companions), else None."""
    text = (reply or "").strip().removeprefix("```json").removeprefix("```").removesuffix("```").strip()
    try:
        answer = ModelAdvice.model_validate(json.loads(text))
    except (ValueError, ValidationError):
        return None
    if answer.architecture != advice.architecture or sorted(answer.also) != sorted(c.architecture
                                                                                   for c in advice.also):
        return None
    if "<" in answer.why or "http" in answer.why.lower():  # a placeholder or a link has no place in the answer
        return None
    return answer


def with_llm(llm: Any, model: str, masked_text: str, advice: Advice, table: DecisionTable, *,
             timeout_s: float) -> Advice:
    """Return ``advice`` with the model's explanation when its answer passes :func:`check`; on any failure or
    disagreement the table's answer, saying so in ``answered_by``/``llm_note`` (the reason, never the text)."""
    try:
        response = llm.chat.completions.create(model=model, messages=messages_for(masked_text, advice, table),
                                               temperature=0, max_tokens=400, timeout=timeout_s)
        reply = response.choices[0].message.content
    except Exception as err:  # noqa: BLE001 - any endpoint failure: the table answers
        log.warning("advisor: the model did not answer (%s); the table answers", type(err).__name__)
        return advice.model_copy(update={"llm_note": "the model did not answer; the decision table's own words"})
    answer = check(reply, advice)
    if answer is None:
        log.warning("advisor: the model's answer disagreed with the decision table; the table answers")
        return advice.model_copy(update={"llm_note": "the model's answer disagreed with the decision table"})
    return advice.model_copy(update={"why": answer.why, "answered_by": "llm"})
