"""Oversight: the guardrails that look at the system from outside."""
