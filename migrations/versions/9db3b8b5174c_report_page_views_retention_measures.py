"""The board's report: page views per day (no personal data), retention checks after a hire, the plan of
measures with its figures and history, and where a registration came from.

Revision ID: 9db3b8b5174c
Revises: 2cde9828d877
Create Date: 2026-11-30 09:41:30.264203

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9db3b8b5174c'
down_revision = '2cde9828d877'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('page_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('offer', 'company', name='pageviewkind', native_enum=False, length=16), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_view')),
    sa.UniqueConstraint('day', 'kind', 'object_id', name=op.f('uq_page_view_day'))
    )
    with op.batch_alter_table('page_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_view_day'), ['day'], unique=False)

    op.create_table('measure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('field_of_action', sa.Enum('qualification', 'innovation', 'structural_change', 'on_site', 'public_relations', name='fieldofaction', native_enum=False, length=32), nullable=False),
    sa.Column('owner', sa.String(length=160), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'running', 'done', 'dropped', name='measurestatus', native_enum=False, length=16), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('target_label', sa.String(length=200), nullable=False),
    sa.Column('target_value', sa.Double(), nullable=False),
    sa.Column('metric_key', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_measure_period_end_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_measure_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure'))
    )
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_field_of_action'), ['field_of_action'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_status'), ['status'], unique=False)

    op.create_table('measure_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=False),
    sa.Column('new_value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_measure_change_changed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_change_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_change'))
    )
    with op.batch_alter_table('measure_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_change_measure_id'), ['measure_id'], unique=False)

    op.create_table('measure_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Double(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], name=op.f('fk_measure_figure_entered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['measure.id'], name=op.f('fk_measure_figure_measure_id_measure'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_figure'))
    )
    with op.batch_alter_table('measure_figure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measure_figure_measure_id'), ['measure_id'], unique=False)

    op.create_table('retention_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('introduction_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('in_region', sa.Boolean(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('months IN (6, 12)', name=op.f('ck_retention_check_months_6_or_12')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_retention_check_checked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['introduction_id'], ['introduction.id'], name=op.f('fk_retention_check_introduction_id_introduction'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_check')),
    sa.UniqueConstraint('introduction_id', 'months', name=op.f('uq_retention_check_introduction_id'))
    )
    with op.batch_alter_table('retention_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_check_checked_at'), ['checked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_check_introduction_id'), ['introduction_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signup_source', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('signup_referrer_domain', sa.String(length=100), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('signup_referrer_domain')
        batch_op.drop_column('signup_source')

    with op.batch_alter_table('retention_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_check_introduction_id'))
        batch_op.drop_index(batch_op.f('ix_retention_check_checked_at'))

    op.drop_table('retention_check')
    with op.batch_alter_table('measure_figure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_figure_measure_id'))

    op.drop_table('measure_figure')
    with op.batch_alter_table('measure_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_change_measure_id'))

    op.drop_table('measure_change')
    with op.batch_alter_table('measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_status'))
        batch_op.drop_index(batch_op.f('ix_measure_field_of_action'))

    op.drop_table('measure')
    with op.batch_alter_table('page_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_view_day'))

    op.drop_table('page_view')
