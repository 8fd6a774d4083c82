"""draft summaries and topic

Revision ID: 5b1d0c9e7a21
Revises: 5b1e0c7d9a31
Create Date: 2026-11-27 07:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '5b1d0c9e7a21'
down_revision = '5b1e0c7d9a31'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('draft_commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary_zh', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('summary_en', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('topic_key', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('draft_commitment', schema=None) as batch_op:
        batch_op.drop_column('topic_key')
        batch_op.drop_column('summary_en')
        batch_op.drop_column('summary_zh')
