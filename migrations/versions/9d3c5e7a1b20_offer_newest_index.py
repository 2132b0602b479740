"""An index in the public lists' order (newest first), so that the newest offers are read without
sorting every public offer.

Revision ID: 9d3c5e7a1b20
Revises: 5b8e1f0c7a21
Create Date: 2026-11-30 18:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9d3c5e7a1b20'
down_revision = '5b8e1f0c7a21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index('ix_offer_newest', ['published_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_newest')
