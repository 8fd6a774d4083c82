"""draft unit keys

Revision ID: 8c3f2a6d1e47
Revises: 5b1d0c9e7a21
Create Date: 2026-11-27 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '8c3f2a6d1e47'
down_revision = '5b1d0c9e7a21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('draft_commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_key', sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column('baseline_unit_key', sa.String(length=40), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('draft_commitment', schema=None) as batch_op:
        batch_op.drop_column('baseline_unit_key')
        batch_op.drop_column('unit_key')
