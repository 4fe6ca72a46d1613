"""Test support shared by tests/agent and tests/tools: a small real store and the scripted LLM server."""
