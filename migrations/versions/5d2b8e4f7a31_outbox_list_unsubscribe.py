"""Outbox: a list mail keeps its one-click unsubscribe address from when it was queued.

Delivery no longer looks the recipient up and signs a token at send time (which made the outbox
import the alerts feature). Alert mails queued before this revision and sent after it go out without
the List-Unsubscribe header; their body still carries the unsubscribe link.

Revision ID: 5d2b8e4f7a31
Revises: 3c5e7a9b1d20
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2b8e4f7a31'
down_revision = '3c5e7a9b1d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_unsubscribe', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('list_unsubscribe')
