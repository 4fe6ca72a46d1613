"""CLI commands of this area; registered on import by ``salesagent.cli``."""

from __future__ import annotations
