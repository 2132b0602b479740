"""Indexes on the offers' and profiles' updated_at: the matcher's sync reads only the rows changed
since the version it follows, without reading every row.

Revision ID: e2a4c6b8d0f1
Revises: 9d3c5e7a1b20
Create Date: 2026-11-30 20:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e2a4c6b8d0f1'
down_revision = '9d3c5e7a1b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('graduate_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graduate_profile_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('graduate_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graduate_profile_updated_at'))
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_updated_at'))
