"""Introduction: the card a company keeps of an introduction that ended without contact.

Revision ID: b7c41e2d9a10
Revises: 401d9d8e0d03
Create Date: 2026-11-30 09:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c41e2d9a10'
down_revision = '401d9d8e0d03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('card_snapshot', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.drop_column('card_snapshot')
