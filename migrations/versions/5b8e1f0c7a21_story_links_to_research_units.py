"""Stories about research units: a story link may name a unit, still exactly one target per link.

Revision ID: 5b8e1f0c7a21
Revises: 322aced5ef29
Create Date: 2026-11-30 12:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e1f0c7a21'
down_revision = '322aced5ef29'
branch_labels = None
depends_on = None

OLD_CHECK = ('(CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN offer_id IS NULL THEN 0 ELSE 1 END)'
             ' + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END) = 1')
NEW_CHECK = ('(CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN offer_id IS NULL THEN 0 ELSE 1 END)'
             ' + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END)'
             ' + (CASE WHEN research_unit_id IS NULL THEN 0 ELSE 1 END) = 1')


def upgrade():
    with op.batch_alter_table('story_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_story_link_one_target'), type_='check')
        batch_op.add_column(sa.Column('research_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_story_link_research_unit_id'), ['research_unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_story_link_research_unit_id_research_unit'), 'research_unit',
                                    ['research_unit_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(batch_op.f('ck_story_link_one_target'), NEW_CHECK)


def downgrade():
    # Links to units cannot be kept without the column; the stories themselves stay.
    op.execute(sa.text('DELETE FROM story_link WHERE research_unit_id IS NOT NULL'))
    with op.batch_alter_table('story_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_story_link_one_target'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_story_link_research_unit_id_research_unit'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_story_link_research_unit_id'))
        batch_op.drop_column('research_unit_id')
        batch_op.create_check_constraint(batch_op.f('ck_story_link_one_target'), OLD_CHECK)
