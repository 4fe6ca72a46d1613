"""Data access for conversations, their (masked) messages and the recommendations shown in them.

Functions take an explicit session and keyword arguments and never commit; the agent's turn commits once.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from store.models import Conversation, Message, Product, Recommendation


def get_conversation(session: Session, *, conversation_id: str) -> Conversation | None:
    """Return the conversation with this id, or None."""
    return session.get(Conversation, conversation_id)


def add_conversation(session: Session, *, conversation_id: str, company_id: int | None,
                     contact_id: int | None, language: str = "en") -> Conversation:
    """Create a conversation (flushed)."""
    conv = Conversation(id=conversation_id, company_id=company_id, contact_id=contact_id, language=language)
    session.add(conv)
    session.flush()
    return conv


def contact_conversations(session: Session, *, contact_id: int) -> list[Conversation]:
    """Return the contact's conversations, oldest first."""
    return list(session.exec(select(Conversation).where(Conversation.contact_id == contact_id)
                             .order_by(col(Conversation.started_at))).all())


def recent_messages(session: Session, *, conversation_id: str, limit: int,
                    roles: tuple[str, ...] = ("user", "assistant")) -> list[tuple[str, str]]:
    """Return the last ``limit`` (role, masked text) pairs of a conversation, oldest first."""
    rows = session.exec(
        select(Message.role, Message.masked_text).where(Message.conversation_id == conversation_id,
                                                        col(Message.role).in_(list(roles)))
        .order_by(col(Message.id).desc()).limit(limit)
    ).all()
    return [(role, text) for role, text in reversed(rows)]


def messages(session: Session, *, conversation_id: str) -> list[Message]:
    """Return every message of a conversation, oldest first."""
    return list(session.exec(select(Message).where(Message.conversation_id == conversation_id)
                             .order_by(col(Message.created_at), col(Message.id))).all())


def add_message(session: Session, *, conversation_id: str, role: str, masked_text: str,
                answered_by: str | None = None) -> Message:
    """Store one masked message (added, not flushed: it is written with the turn)."""
    msg = Message(conversation_id=conversation_id, role=role, masked_text=masked_text, answered_by=answered_by)
    session.add(msg)
    return msg


def add_recommendation(session: Session, *, company_id: int | None, product_id: int, rank: int, surface: str,
                       premises: list[dict[str, Any]], justification: str, model_version: str,
                       conversation_id: str | None = None) -> Recommendation:
    """Store one shown recommendation (flushed, so it has the id "why?" links use)."""
    row = Recommendation(company_id=company_id, conversation_id=conversation_id, surface=surface,
                         product_id=product_id, rank=rank, premises=premises, justification=justification,
                         model_version=model_version[:64])
    session.add(row)
    session.flush()
    return row


def get_recommendation(session: Session, *, recommendation_id: int) -> Recommendation | None:
    """Return the stored recommendation with this id, or None."""
    return session.get(Recommendation, recommendation_id)


def company_recommendations(session: Session, *, company_id: int) -> list[Recommendation]:
    """Return every recommendation shown to a company, oldest first."""
    return list(session.exec(select(Recommendation).where(Recommendation.company_id == company_id)
                             .order_by(col(Recommendation.id))).all())


def conversation_recommendations(session: Session, *, conversation_id: str, company_id: int,
                                 sku: str | None = None, limit: int) -> list[tuple[Recommendation, Product]]:
    """Return a conversation's stored recommendations with their products, newest first (of one SKU when
    given), at most ``limit`` rows."""
    query = (select(Recommendation, Product).join(Product, col(Product.id) == col(Recommendation.product_id))
             .where(Recommendation.conversation_id == conversation_id, Recommendation.company_id == company_id))
    if sku:
        query = query.where(Product.sku == sku)
    return list(session.exec(query.order_by(col(Recommendation.id).desc()).limit(limit)).all())


def chat_recommendations(session: Session, *, conversation_id: str,
                         company_id: int) -> list[tuple[Recommendation, Product]]:
    """Return the recommendations the chat showed in a conversation with their products, oldest first (the chat
    page puts each under the turn that showed it)."""
    query = (select(Recommendation, Product).join(Product, col(Product.id) == col(Recommendation.product_id))
             .where(Recommendation.conversation_id == conversation_id, Recommendation.company_id == company_id,
                    Recommendation.surface == "chat"))
    return list(session.exec(query.order_by(col(Recommendation.created_at), col(Recommendation.id))).all())


def latest_contact_conversation(session: Session, *, contact_id: int) -> Conversation | None:
    """Return the contact's most recently started conversation that has a message, or None."""
    has_message = select(Message.conversation_id).where(Message.conversation_id == Conversation.id).exists()
    return session.exec(select(Conversation).where(Conversation.contact_id == contact_id, has_message)
                        .order_by(col(Conversation.started_at).desc()).limit(1)).first()
