"""The conversation loop: planner interface, LLM planner over any OpenAI-compatible endpoint, rule planner, prompts and masked memory. Composes the guardrails around the tools."""
