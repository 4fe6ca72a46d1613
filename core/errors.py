"""One small hierarchy of domain errors, named by who is at fault, mapped to HTTP or exit codes once at the edge."""

from __future__ import annotations

import math
from typing import Any


class SalesAgentError(Exception):
    """Root of every error salesagent raises on purpose. ``str(err)`` is one readable line."""

    exit_code: int = 1
    http_status: int = 500


class ConfigError(SalesAgentError):
    """The configuration is wrong or incomplete (bad URL, missing model, unreadable data dir)."""

    exit_code = 3
    http_status = 500


class ResourceBusyError(ConfigError):
    """A resource one process may hold at a time (the embedded vector index) is held by another process."""


class InputError(SalesAgentError):
    """The caller's input is malformed: a bad file, a bad row, a bad argument."""

    exit_code = 2
    http_status = 422


class InputTooLargeError(InputError):
    """The input is longer than the configured limit (a chat message over ``max_message_chars``)."""

    http_status = 413


class RateLimitedError(SalesAgentError):
    """Too many requests of one kind from one caller (token, IP or company) in a window: HTTP 429 with
    ``Retry-After``. ``retry_after`` is the number of seconds after which the same request can succeed."""

    exit_code = 9
    http_status = 429

    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))


class StartingUpError(SalesAgentError):
    """The service is still loading what the request needs (models, the catalogue index): HTTP 503 with
    ``Retry-After``; or it failed to load them, and says why."""

    exit_code = 3
    http_status = 503

    def __init__(self, message: str, retry_after: float = 2.0) -> None:
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))


class NotFoundError(SalesAgentError):
    """A referenced entity (product, company, approval, recommendation) does not exist."""

    exit_code = 4
    http_status = 404


class PermissionDeniedError(SalesAgentError):
    """The caller may not do this (wrong role, another company's data)."""

    exit_code = 5
    http_status = 403


class ConflictError(SalesAgentError):
    """The action conflicts with the current state (an approval already decided, expired)."""

    exit_code = 6
    http_status = 409


class ToolInputError(SalesAgentError):
    """A tool got arguments it cannot use; the message goes back to the model as text."""

    exit_code = 2
    http_status = 422


class ModelBehaviorError(SalesAgentError):
    """The LLM did something unusable: unknown tool, invalid JSON, too many steps."""

    exit_code = 7
    http_status = 502


class LLMUnavailableError(SalesAgentError):
    """The LLM endpoint failed or timed out; the rule planner takes over."""

    exit_code = 7
    http_status = 503


class GuardrailTripped(SalesAgentError):
    """A guardrail blocked something; ``result`` carries the guardrail's verdict."""

    exit_code = 8
    http_status = 422

    def __init__(self, message: str, result: Any = None) -> None:
        super().__init__(message)
        self.result = result


class ModelFitError(SalesAgentError):
    """A ranking model could not be trained (empty matrix, NaN factors)."""

    exit_code = 10
    http_status = 500
