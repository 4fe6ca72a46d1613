"""Offline evaluations: golden conversations, seeded time splits and metrics for search, ranking, masking and the agent. Slow runs stay out of plain pytest."""
