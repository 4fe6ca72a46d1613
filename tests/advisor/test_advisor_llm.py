"""The LLM variant: the model gets the table's answer as a tool result and explains it; an answer that disagrees
with the table, malformed JSON or a failing endpoint leave the table's own answer. Only masked text leaves the
process, and nothing of it reaches the logs."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from openai import OpenAI

from advisor import AdvisorRequest, advise
from tests.support.fake_llm import FakeLLMServer, say

EMAIL = "marek.zielinski@sklep-przyklad.pl"
TEXT = f"Marek Zieliński, {EMAIL}: 5,000 customers, 200,000 orders, 12,000 SKUs with descriptions."
WHY = ("With 5,000 customers and 200,000 order lines your co-purchase patterns are strong enough for collaborative "
       "filtering; semantic search over the descriptions finds products asked for in words.")


def _run(server: FakeLLMServer, masker: Any, text: str = TEXT) -> Any:
    client = OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
    return advise(AdvisorRequest(text=text), masker, llm=client, model="test-model", timeout_s=5)


def test_the_model_explains_the_tables_answer(resources: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answer = {"architecture": "collaborative_filtering", "also": ["semantic_search"], "why": WHY}
    with FakeLLMServer([say(json.dumps(answer))]) as server:
        advice = _run(server, resources.masker)
        sent = server.bodies_text()
    assert (advice.answered_by, advice.why, advice.rule) == ("llm", WHY, "cf-described")
    assert '"name": "decision_table"' in sent and "cf-described" in sent  # the table went as a tool result
    assert EMAIL not in sent and "Zieliński" not in sent and "5,000 customers" in sent
    assert EMAIL not in caplog.text and "Zieliński" not in caplog.text and "5,000 customers" not in caplog.text


@pytest.mark.parametrize("reply", [
    say(json.dumps({"architecture": "agent_memory", "also": [], "why": WHY})),  # disagrees with the table
    say(json.dumps({"architecture": "collaborative_filtering", "also": [], "why": WHY})),  # companions differ
    say("I think you should use collaborative filtering."),  # not JSON
    {"status": 500},
])
def test_a_disagreeing_or_failing_model_leaves_the_tables_answer(resources: Any, reply: dict[str, Any]) -> None:
    with FakeLLMServer([reply]) as server:
        advice = _run(server, resources.masker)
    table_only = advise(AdvisorRequest(text=TEXT), resources.masker)
    assert advice.answered_by == "table" and advice.llm_note
    assert advice.model_dump(exclude={"llm_note"}) == table_only.model_dump(exclude={"llm_note"})
