"""page_session (server-side page sessions: the cookie holds a random id, never the API token) and
authtoken.expires_at (optional token expiry)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('page_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['token_id'], ['authtoken.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('page_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_session_session_hash'), ['session_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_page_session_token_id'), ['token_id'], unique=False)

    with op.batch_alter_table('authtoken', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('authtoken', schema=None) as batch_op:
        batch_op.drop_column('expires_at')

    with op.batch_alter_table('page_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_session_token_id'))
        batch_op.drop_index(batch_op.f('ix_page_session_session_hash'))

    op.drop_table('page_session')
