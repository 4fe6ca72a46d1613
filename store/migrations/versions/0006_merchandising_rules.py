"""merch_rule (merchandising rules: pin, boost, bury, hide, with conditions, a validity window and an enabled
flag; every change is audited in auditlog, entity ``merch_rule``)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENUMS = ('merchaction', 'merchtarget', 'merchsurface')


def upgrade() -> None:
    op.create_table('merch_rule',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('action', sa.Enum('pin', 'boost', 'bury', 'hide', name='merchaction'), nullable=False),
    sa.Column('target', sa.Enum('sku', 'brand', 'category', 'attribute', name='merchtarget'), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('attribute', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('query_is', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('query_contains', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('segment', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('surface', sa.Enum('search', 'recommendations', name='merchsurface'), nullable=True),
    sa.Column('valid_from', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('valid_to', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('merch_rule')
    if op.get_bind().dialect.name == "postgresql":
        for name in ENUMS:
            sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
