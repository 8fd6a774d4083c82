"""commitment departments and district-wide officials

Revision ID: 9d4e7b2c6a15
Revises: 3f6a2d8e1b90
Create Date: 2026-11-27 08:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '9d4e7b2c6a15'
down_revision = '3f6a2d8e1b90'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f('ix_commitment_department'), ['department'], unique=False)

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_wide', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('district_wide')

    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_department'))
        batch_op.drop_column('department')
