"""The database schema (SQLModel) and the data-access functions over it.

Knows nothing of the agent or the portal. Personal data (contacts) and protected attributes live here and only
here; :mod:`store.protected` is read by the equality audit alone.
"""
