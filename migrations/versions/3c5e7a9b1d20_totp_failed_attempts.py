"""Two-factor login: wrong codes are counted per account on the server.

Revision ID: 3c5e7a9b1d20
Revises: b7c41e2d9a10
Create Date: 2026-11-27 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c5e7a9b1d20'
down_revision = 'b7c41e2d9a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_failed_attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_failed_attempts')
