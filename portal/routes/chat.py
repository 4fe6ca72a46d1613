"""``POST /chat``: one customer message, the agent's structured answer."""

from __future__ import annotations

from fastapi import APIRouter

from agent import AgentAnswerPublic
from portal import services
from portal.deps import CustomerDep, ResourcesDep, SessionDep, TurnGateDep
from portal.schemas import ChatRequest

router = APIRouter(tags=["customer"])


@router.post("/chat", response_model=AgentAnswerPublic,
             responses={401: {}, 403: {}, 404: {}, 413: {"description": "message over the size limit"}})
def post_chat(body: ChatRequest, user: CustomerDep, resources: ResourcesDep, session: SessionDep,
              gate: TurnGateDep) -> AgentAnswerPublic:
    """Send a message in a conversation (omit ``conversation_id`` to start one) and get the agent's answer."""
    return services.chat(resources, session, user, body, gate=gate)
