"""Golden conversations for the agent and their runner (``salesagent eval golden``)."""
