"""``POST /chat``: the conversation's ownership (the portal's check), then one turn of the real agent."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from agent import AgentAnswerPublic, run_turn
from core.errors import NotFoundError, PermissionDeniedError
from portal.auth import Customer
from portal.schemas import ChatRequest
from portal.services.customer import refresh_customer_model
from portal.services.gate import TurnGate
from store.conversations import get_conversation
from tools.context import Resources


def conversation_for(session: Session, customer: Customer, conversation_id: str | None) -> str:
    """Return the conversation id to answer in: a fresh one when none is given (the agent creates its row in
    the turn's own transaction), else the caller's own conversation; someone else's is refused (403), an
    unknown one is 404."""
    if conversation_id is None:
        return str(uuid.uuid4())
    existing = get_conversation(session, conversation_id=conversation_id)
    if existing is None:
        raise NotFoundError(f"conversation {conversation_id} not found")
    if existing.company_id != customer.company_id:
        raise PermissionDeniedError(f"conversation {conversation_id} belongs to another company")
    if existing.contact_id is not None and existing.contact_id != customer.contact_id:
        raise PermissionDeniedError(f"conversation {conversation_id} belongs to another contact")
    return existing.id


def chat(resources: Resources, session: Session, customer: Customer, request: ChatRequest, *,
         gate: TurnGate | None = None) -> AgentAnswerPublic:
    """Return the agent's answer to one customer message (admitted through ``gate``).

    Raises ``NotFoundError`` for an unknown conversation and ``PermissionDeniedError`` for someone else's;
    the agent's input guardrail refuses an empty or over-long message (``InputError`` 422 / 413).
    """
    conversation_id = conversation_for(session, customer, request.conversation_id)
    session.close()  # the agent opens its own session; do not hold a read transaction during the turn
    gate = gate or TurnGate(None)
    with gate.admit():  # released by the turn while it waits for a model: a slow endpoint delays no one else
        answer = run_turn(resources, company_id=customer.company_id, contact_id=customer.contact_id,
                          conversation_id=conversation_id, message=request.message, gate=gate)
    if "object_to_profiling" in answer.tool_calls:  # "no profiling" in chat, as on the account page:
        refresh_customer_model(resources, customer)  # the loaded model drops the personal rows too
    return AgentAnswerPublic.model_validate(answer.model_dump(include=set(AgentAnswerPublic.model_fields)))
