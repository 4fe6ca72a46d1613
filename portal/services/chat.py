"""``POST /chat``: size check, conversation ownership, then one turn of the real agent."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from core.errors import NotFoundError, PermissionDeniedError
from portal.auth import Principal
from portal.errors import MessageTooLargeError
from portal.schemas import ChatAnswerPublic, ChatRequest
from portal.services._access import customer_ids, ensure_own_company
from portal.services.customer import refresh_customer_model
from portal.services.gate import TurnGate
from store.models import Conversation


def run_agent_turn(resources: Any, *, company_id: int, contact_id: int, conversation_id: str,
                   message: str) -> Any:
    """Return ``agent.run_turn(...)``: the only call from the portal into the agent."""
    import agent

    return agent.run_turn(resources, company_id=company_id, contact_id=contact_id,
                          conversation_id=conversation_id, message=message)


def _open_conversation(session: Session, principal: Principal, conversation_id: str | None) -> str:
    """Return the id of the caller's conversation, creating a new one when no id is given."""
    company_id, contact_id = customer_ids(principal)
    if conversation_id is None:
        conv = Conversation(id=str(uuid.uuid4()), company_id=company_id, contact_id=contact_id)
        session.add(conv)
        session.commit()
        return conv.id
    existing = session.get(Conversation, conversation_id)
    if existing is None:
        raise NotFoundError(f"conversation {conversation_id} not found")
    ensure_own_company(principal, existing.company_id, f"conversation {conversation_id}")
    if existing.contact_id is not None and existing.contact_id != contact_id:
        raise PermissionDeniedError(f"conversation {conversation_id} belongs to another contact")
    return existing.id


def _as_dict(answer: Any) -> dict[str, Any]:
    if isinstance(answer, dict):
        return answer
    if hasattr(answer, "model_dump"):
        return answer.model_dump()  # type: ignore[no-any-return]
    return dict(vars(answer))


def chat(resources: Any, session: Session, principal: Principal, request: ChatRequest, *,
         max_message_chars: int, gate: TurnGate | None = None) -> ChatAnswerPublic:
    """Return the agent's structured answer to one customer message (admitted through ``gate``).

    Raises ``MessageTooLargeError`` (413) over ``max_message_chars``, ``NotFoundError`` for an unknown
    conversation and ``PermissionDeniedError`` for someone else's conversation or a staff caller.
    """
    customer_ids(principal)
    if len(request.message) > max_message_chars:
        raise MessageTooLargeError(
            f"message is {len(request.message)} characters; the limit is {max_message_chars}")
    with (gate or TurnGate(None)).admit():
        conversation_id = _open_conversation(session, principal, request.conversation_id)
        session.close()  # the agent opens its own session; do not hold a read transaction during the turn
        answer = _as_dict(run_agent_turn(resources, company_id=principal.company_id,  # type: ignore[arg-type]
                                         contact_id=principal.contact_id,  # type: ignore[arg-type]
                                         conversation_id=conversation_id, message=request.message))
    answer.setdefault("conversation_id", conversation_id)
    if "object_to_profiling" in answer.get("tool_calls", []):  # "no profiling" in chat, as on the account page:
        refresh_customer_model(resources, principal)          # the loaded model drops the personal rows too
    return ChatAnswerPublic.model_validate(answer)
