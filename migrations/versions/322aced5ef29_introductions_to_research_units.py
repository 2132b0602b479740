"""Introductions to research units: the unit as the party opposite the company, at most one party set.

Revision ID: 322aced5ef29
Revises: 9261e1cee1c8
Create Date: 2026-11-30 11:25:54.390698

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '322aced5ef29'
down_revision = '9261e1cee1c8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('research_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_introduction_research_unit_id'), ['research_unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_introduction_research_unit_id_research_unit'), 'research_unit',
                                    ['research_unit_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(batch_op.f('ck_introduction_graduate_or_unit'),
                                         'profile_id IS NULL OR research_unit_id IS NULL')


def downgrade():
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_introduction_graduate_or_unit'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_introduction_research_unit_id_research_unit'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_introduction_research_unit_id'))
        batch_op.drop_column('research_unit_id')
