"""measurement_event (impressions, clicks, carts, orders of the recommendation measurement) and experiment

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0001 created the Postgres type ``legalbasis`` already: reuse it instead of creating it a second time
LEGAL_BASIS = sa.Enum('consent', 'legitimate_interest', 'none', name='legalbasis').with_variant(
    postgresql.ENUM('consent', 'legitimate_interest', 'none', name='legalbasis', create_type=False), 'postgresql')


def upgrade() -> None:
    op.create_table('experiment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('salt', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('control_share', sa.Float(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('experiment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experiment_key'), ['key'], unique=True)

    op.create_table('measurement_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('ts', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('session_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('company', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('type', sa.Enum('impression', 'click', 'add_to_cart', 'order', name='measurementeventtype'),
              nullable=False),
    sa.Column('sku', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('rec_request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('surface', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('revenue', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=True),
    sa.Column('variant', sa.Enum('treatment', 'control', 'outside', name='variant'), nullable=True),
    sa.Column('legal_basis', LEGAL_BASIS, nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('measurement_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurement_event_company'), ['company'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurement_event_event_id'), ['event_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_measurement_event_rec_request_id'), ['rec_request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurement_event_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurement_event_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurement_event_ts'), ['ts'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('measurement_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurement_event_ts'))
        batch_op.drop_index(batch_op.f('ix_measurement_event_source'))
        batch_op.drop_index(batch_op.f('ix_measurement_event_session_id'))
        batch_op.drop_index(batch_op.f('ix_measurement_event_rec_request_id'))
        batch_op.drop_index(batch_op.f('ix_measurement_event_event_id'))
        batch_op.drop_index(batch_op.f('ix_measurement_event_company'))
    op.drop_table('measurement_event')
    with op.batch_alter_table('experiment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experiment_key'))
    op.drop_table('experiment')
    if op.get_bind().dialect.name == "postgresql":
        for enum in ("measurementeventtype", "variant"):
            sa.Enum(name=enum).drop(op.get_bind(), checkfirst=True)
