"""page version: counters whose sum versions the public pages

Revision ID: 5b1e0c7d9a31
Revises: 16e9c19ee0ae
Create Date: 2026-11-27 07:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '5b1e0c7d9a31'
down_revision = '16e9c19ee0ae'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'page_version',
        sa.Column('shard', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('shard', name=op.f('pk_page_version')),
    )


def downgrade() -> None:
    op.drop_table('page_version')
