"""GDPR and CV upload: the uploaded CV file, the accepted privacy notice version, retention warnings.

Revision ID: 401d9d8e0d03
Revises: fa726a2c2db8
Create Date: 2026-11-25 17:18:32.854982

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '401d9d8e0d03'
down_revision = 'fa726a2c2db8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('graduate_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cv_file', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('cv_uploaded_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('privacy_accepted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('retention_warned_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('retention_warned_at')
        batch_op.drop_column('privacy_accepted_at')
        batch_op.drop_column('privacy_version')

    with op.batch_alter_table('graduate_profile', schema=None) as batch_op:
        batch_op.drop_column('cv_uploaded_at')
        batch_op.drop_column('cv_file')

