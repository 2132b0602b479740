"""BTU research units (chairs, labs, institutes, student research groups) and their members.

Revision ID: 9261e1cee1c8
Revises: 05a6a7b880c6
Create Date: 2026-11-30 11:25:08.825936

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9261e1cee1c8'
down_revision = '05a6a7b880c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('research_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('faculty', sa.Enum('mint', 'environment', 'engineering_energy', 'social_health_music', 'business_law_society', 'architecture_civil', name='faculty', native_enum=False, length=32), nullable=False),
    sa.Column('kind', sa.Enum('chair', 'lab', 'institute', 'student_group', name='unitkind', native_enum=False, length=16), nullable=False),
    sa.Column('head', sa.String(length=160), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('expertise', sa.Text(), nullable=False),
    sa.Column('methods', sa.Text(), nullable=False),
    sa.Column('equipment', sa.Text(), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_research_unit_verified_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_research_unit'))
    )
    with op.batch_alter_table('research_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_research_unit_faculty'), ['faculty'], unique=False)
        batch_op.create_index(batch_op.f('ix_research_unit_verified_at'), ['verified_at'], unique=False)

    op.create_table('research_unit_member',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['research_unit.id'], name=op.f('fk_research_unit_member_unit_id_research_unit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_research_unit_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'user_id', name=op.f('pk_research_unit_member'))
    )
    with op.batch_alter_table('research_unit_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_research_unit_member_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('research_unit_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_unit_member_user_id'))

    op.drop_table('research_unit_member')
    with op.batch_alter_table('research_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_research_unit_verified_at'))
        batch_op.drop_index(batch_op.f('ix_research_unit_faculty'))

    op.drop_table('research_unit')
