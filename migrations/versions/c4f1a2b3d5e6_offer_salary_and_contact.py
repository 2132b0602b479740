"""Offers carry an optional pay range (pay transparency) and a contact person.

Revision ID: c4f1a2b3d5e6
Revises: c3d5e7f9a1b2
Create Date: 2026-11-30 11:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4f1a2b3d5e6'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('salary_min_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('salary_max_cents', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('salary_currency', sa.String(length=3), server_default='EUR', nullable=False))
        batch_op.add_column(sa.Column('salary_period', sa.Enum('hour', 'month', 'year', name='salaryperiod',
                                                               native_enum=False, length=8), nullable=True))
        batch_op.add_column(sa.Column('contact_name', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_role', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        for name in ('contact_phone', 'contact_email', 'contact_role', 'contact_name', 'salary_period',
                     'salary_currency', 'salary_max_cents', 'salary_min_cents'):
            batch_op.drop_column(name)
