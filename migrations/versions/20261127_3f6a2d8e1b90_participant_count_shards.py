"""participant counts spread over shards

Revision ID: 3f6a2d8e1b90
Revises: 8c3f2a6d1e47
Create Date: 2026-11-27 07:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '3f6a2d8e1b90'
down_revision = '8c3f2a6d1e47'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'participant_count_shard',
        sa.Column('scope', sa.String(length=24), nullable=False),
        sa.Column('shard', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            'scope', 'shard', name=op.f('pk_participant_count_shard')
        ),
    )
    op.execute(
        "INSERT INTO participant_count_shard (scope, shard, count) "
        "SELECT scope, 0, count FROM participant_count"
    )
    op.drop_table('participant_count')


def downgrade() -> None:
    op.create_table(
        'participant_count',
        sa.Column('scope', sa.String(length=24), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_participant_count')),
    )
    op.execute(
        "INSERT INTO participant_count (scope, count) "
        "SELECT scope, sum(count) FROM participant_count_shard GROUP BY scope"
    )
    op.drop_table('participant_count_shard')
