"""``POST /chat``: one customer message, the agent's structured answer."""

from __future__ import annotations

from fastapi import APIRouter

from portal import services
from portal.deps import CustomerDep, ResourcesDep, SessionDep, SettingsDep, TurnGateDep
from portal.schemas import ChatAnswerPublic, ChatRequest

router = APIRouter(tags=["customer"])


@router.post("/chat", response_model=ChatAnswerPublic,
             responses={401: {}, 403: {}, 404: {}, 413: {"description": "message over the size limit"}})
def post_chat(body: ChatRequest, user: CustomerDep, resources: ResourcesDep, session: SessionDep,
              settings: SettingsDep, gate: TurnGateDep) -> ChatAnswerPublic:
    """Send a message in a conversation (omit ``conversation_id`` to start one) and get the agent's answer."""
    return services.chat(resources, session, user, body, max_message_chars=settings.max_message_chars,
                         gate=gate)
