"""``POST /tokens/rotate``: swap the caller's API token for a new one (the old one and its page sessions stop
working at once)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from portal.auth import Role, rotate_token, token_expiry
from portal.deps import CurrentUser, SessionDep, SettingsDep

router = APIRouter(prefix="/tokens", tags=["auth"])


class RotatedToken(BaseModel):
    """The new token, shown once (only its hash is stored), and when it expires (None: never)."""

    token: str
    role: Role
    expires_at: datetime | None = None


@router.post("/rotate", response_model=RotatedToken, responses={401: {}})
def rotate(user: CurrentUser, session: SessionDep, settings: SettingsDep) -> RotatedToken:
    """Issue a new token for the caller (customer contact or staff user) and revoke the one this request used.
    The new token lives ``SALESAGENT_API_TOKEN_TTL_DAYS`` (unset: until revoked or rotated)."""
    token, row = rotate_token(session, user, expires_at=token_expiry(settings))
    session.commit()
    return RotatedToken(token=token, role=user.role, expires_at=row.expires_at)
