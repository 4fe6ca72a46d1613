"""Catalogue ingestion, embeddings and hybrid (dense + sparse) search in Qdrant, with filters and match premises. Knows nothing of the agent or the portal."""
