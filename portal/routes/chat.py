"""``POST /chat``: one customer message, the agent's structured answer."""

from __future__ import annotations

from fastapi import APIRouter, Request

from agent import AgentAnswerPublic
from portal import services
from portal.deps import (
    ChatLimited,
    CustomerDep,
    RateLimitsDep,
    ResourcesDep,
    SessionDep,
    TurnGateDep,
    client_ip,
)
from portal.schemas import ChatRequest

router = APIRouter(tags=["customer"])


@router.post("/chat", response_model=AgentAnswerPublic, dependencies=[ChatLimited],
             responses={401: {}, 403: {}, 404: {}, 413: {"description": "message over the size limit"},
                        429: {"description": "too many messages or price requests; see Retry-After"}})
def post_chat(request: Request, body: ChatRequest, user: CustomerDep, resources: ResourcesDep, session: SessionDep,
              gate: TurnGateDep, limits: RateLimitsDep) -> AgentAnswerPublic:
    """Send a message in a conversation (omit ``conversation_id`` to start one) and get the agent's answer.
    Chat messages are limited per token and per address, new price requests too (429 with ``Retry-After``)."""
    limits.before_turn(user.principal.token_id, client_ip(request), body.message)
    answer = services.chat(resources, session, user, body, gate=gate)
    limits.after_turn(user.principal.token_id, client_ip(request), answer.approvals)
    return answer
