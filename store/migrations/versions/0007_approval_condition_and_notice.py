"""priceapproval.min_quantity (an approval's condition: "for 50 pieces or more") and
priceapproval.customer_notified_at (when the assistant told the customer about the decision in a reply)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('priceapproval', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_quantity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('customer_notified_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('priceapproval', schema=None) as batch_op:
        batch_op.drop_column('customer_notified_at')
        batch_op.drop_column('min_quantity')
