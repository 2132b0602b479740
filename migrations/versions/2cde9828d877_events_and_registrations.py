"""Events of the Präsenzstelle, the companies and offers they show, and registrations with a waiting list.

Revision ID: 2cde9828d877
Revises: 5d2b8e4f7a31
Create Date: 2026-11-30 09:35:54.609379

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2cde9828d877'
down_revision = '5d2b8e4f7a31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.Enum('company_visit', 'job_fair', 'office_hours', 'talk', 'info_day', name='eventtype', native_enum=False, length=32), nullable=False),
    sa.Column('title_de', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description_de', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('place', sa.Enum('spremberg', 'dock3', 'online', 'elsewhere', name='eventplace', native_enum=False, length=32), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('audience', sa.Enum('graduates', 'companies', 'both', 'public', name='eventaudience', native_enum=False, length=32), nullable=False),
    sa.Column('field_of_action', sa.Enum('qualification', 'innovation', 'structural_change', 'on_site', 'public_relations', name='fieldofaction', native_enum=False, length=32), nullable=False),
    sa.Column('walk_ins', sa.Integer(), server_default='0', nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_event_capacity_not_negative')),
    sa.CheckConstraint('ends_at >= starts_at', name=op.f('ck_event_ends_after_start')),
    sa.CheckConstraint('walk_ins >= 0', name=op.f('ck_event_walk_ins_not_negative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_field_of_action'), ['field_of_action'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_place'), ['place'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_type'), ['type'], unique=False)

    op.create_table('event_company',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_event_company_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_company_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'company_id', name=op.f('pk_event_company'))
    )
    op.create_table('event_offer',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_offer_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_event_offer_offer_id_offer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'offer_id', name=op.f('pk_event_offer'))
    )
    op.create_table('event_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('registered', 'waiting', 'cancelled', name='registrationstatus', native_enum=False, length=16), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_registration_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_event_registration_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registration')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_registration_event_id'))
    )
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registration_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registration_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registration_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registration_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_registration_status'))
        batch_op.drop_index(batch_op.f('ix_event_registration_event_id'))

    op.drop_table('event_registration')
    op.drop_table('event_offer')
    op.drop_table('event_company')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_type'))
        batch_op.drop_index(batch_op.f('ix_event_starts_at'))
        batch_op.drop_index(batch_op.f('ix_event_place'))
        batch_op.drop_index(batch_op.f('ix_event_field_of_action'))

    op.drop_table('event')
