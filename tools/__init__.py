"""The agent's tools: typed functions ``(ctx: RunContext, ...) -> pydantic model`` with generated schemas.

``TOOLS`` maps each tool's name to its :class:`~tools._schema.FunctionTool`; the loop offers exactly these.
"""

from __future__ import annotations

from tools._schema import FunctionTool, function_tool
from tools.catalog import get_product, search_catalog, similar_products
from tools.context import RunContext
from tools.explain import explain_recommendations
from tools.onboarding import ask_onboarding_question, record_onboarding_answer
from tools.orders import get_order_history
from tools.pricing import request_price_change
from tools.privacy import object_to_profiling
from tools.recommend import bought_together, recommend_for_customer, segment_bestsellers

TOOLS: dict[str, FunctionTool] = {
    t.name: t
    for t in map(function_tool, [  # type: ignore[arg-type]
        search_catalog, get_product, recommend_for_customer, bought_together, similar_products,
        segment_bestsellers, get_order_history, request_price_change, ask_onboarding_question,
        record_onboarding_answer, explain_recommendations, object_to_profiling,
    ])
}
"""Every tool the agent may call, by name."""

__all__ = ["TOOLS", "FunctionTool", "RunContext", "function_tool"]
