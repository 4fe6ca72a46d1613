"""Snapshot of every tool's generated schema: a change to a signature or docstring must be deliberate.

Regenerate after an intended change: ``UPDATE_TOOL_SNAPSHOT=1 .venv/bin/pytest tests/tools/test_tool_schema_snapshot.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tools import TOOLS

SNAPSHOT = Path(__file__).parent / "snapshots" / "tool_schemas.json"


def current() -> str:
    specs = [tool.openai_spec() for tool in TOOLS.values()]
    return json.dumps(specs, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def test_tool_schemas_match_the_snapshot() -> None:
    if os.environ.get("UPDATE_TOOL_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current(), encoding="utf-8")
    assert SNAPSHOT.exists(), "snapshot missing: run with UPDATE_TOOL_SNAPSHOT=1 once"
    assert current() == SNAPSHOT.read_text(encoding="utf-8")


def test_every_tool_is_named_described_and_closed() -> None:
    assert set(TOOLS) >= {"search_catalog", "get_product", "recommend_for_customer", "bought_together",
                          "similar_products", "segment_bestsellers", "get_order_history", "request_price_change",
                          "ask_onboarding_question"}
    for name, tool in TOOLS.items():
        spec = tool.openai_spec()["function"]
        assert spec["name"] == name and len(spec["description"]) > 20
        assert spec["parameters"]["type"] == "object" and spec["parameters"]["additionalProperties"] is False
        for prop, body in spec["parameters"]["properties"].items():
            assert body.get("description"), f"{name}.{prop} has no description"


def test_price_tool_cannot_carry_a_price() -> None:
    props = TOOLS["request_price_change"].params_schema()["properties"]
    assert not {"price", "new_price", "unit_price", "special_price"} & set(props)
    assert "price" not in TOOLS["request_price_change"].returns.model_fields
