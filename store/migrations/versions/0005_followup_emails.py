"""followup_email (the follow-up e-mail outbox: one row per contact and triggering session) and email_consent
(a contact's own choice about commercial e-mail, e.g. withdrawn by the unsubscribe link)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ('queued', 'sending', 'retry', 'sent', 'failed', 'cancelled', 'skipped', 'control')


def upgrade() -> None:
    op.create_table('email_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('via', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('email_consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_email_consent_contact_id'), ['contact_id'], unique=True)

    op.create_table('followup_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='followupstatus'), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('arm', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('visit_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('visit_ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('viewed_sku', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('skus', sa.JSON(), nullable=False),
    sa.Column('premises', sa.JSON(), nullable=False),
    sa.Column('rec_request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], ),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('contact_id', 'session_id')
    )
    with op.batch_alter_table('followup_email', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_email_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_email_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_email_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_email_rec_request_id'), ['rec_request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_email_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('followup_email', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_email_status'))
        batch_op.drop_index(batch_op.f('ix_followup_email_rec_request_id'))
        batch_op.drop_index(batch_op.f('ix_followup_email_due_at'))
        batch_op.drop_index(batch_op.f('ix_followup_email_contact_id'))
        batch_op.drop_index(batch_op.f('ix_followup_email_company_id'))
    op.drop_table('followup_email')
    with op.batch_alter_table('email_consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_email_consent_contact_id'))
    op.drop_table('email_consent')
    if op.get_bind().dialect.name == "postgresql":
        sa.Enum(name='followupstatus').drop(op.get_bind(), checkfirst=True)
