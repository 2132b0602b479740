"""Introductions with consent records, staff notes, the audit log and weekly alerts.

Revision ID: fa726a2c2db8
Revises: 14f1ef1820ef
Create Date: 2026-11-25 17:07:20.552883

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fa726a2c2db8'
down_revision = '14f1ef1820ef'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_type', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=10), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_alert_delivery_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_delivery')),
    sa.UniqueConstraint('user_id', 'item_type', 'item_id', name='uq_alert_delivery_item')
    )
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_delivery_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_entry_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['user.id'], name=op.f('fk_audit_entry_subject_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_subject_user_id'), ['subject_user_id'], unique=False)

    op.create_table('introduction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('started_by', sa.Enum('graduate', 'company', 'staff', name='side', native_enum=False, length=16), nullable=False),
    sa.Column('started_by_user_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('proposed', 'accepted_by_graduate', 'accepted_by_company', 'introduced', 'interview', 'hired', 'internship', 'thesis', 'project', 'no_fit', 'declined', 'withdrawn', 'expired', name='introductionstate', native_enum=False, length=32), nullable=False),
    sa.Column('message_to_graduate', sa.Text(), nullable=False),
    sa.Column('message_to_company', sa.Text(), nullable=False),
    sa.Column('graduate_accepted_at', sa.DateTime(), nullable=True),
    sa.Column('company_accepted_at', sa.DateTime(), nullable=True),
    sa.Column('company_accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('introduced_at', sa.DateTime(), nullable=True),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_side', sa.Enum('graduate', 'company', 'staff', name='side', native_enum=False, length=16), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=False),
    sa.Column('reminded_graduate_at', sa.DateTime(), nullable=True),
    sa.Column('reminded_company_at', sa.DateTime(), nullable=True),
    sa.Column('offer_kind', sa.Enum('job', 'internship', 'thesis', 'working_student', 'trainee', 'research_project', name='offerkind', native_enum=False, length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_accepted_by_id'], ['user.id'], name=op.f('fk_introduction_company_accepted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_introduction_company_id_company')),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_introduction_offer_id_offer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['profile_id'], ['graduate_profile.id'], name=op.f('fk_introduction_profile_id_graduate_profile'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['started_by_user_id'], ['user.id'], name=op.f('fk_introduction_started_by_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction'))
    )
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introduction_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_profile_id'), ['profile_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_state'), ['state'], unique=False)

    op.create_table('consent_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('introduction_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_version', sa.String(length=20), nullable=False),
    sa.Column('given_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['introduction_id'], ['introduction.id'], name=op.f('fk_consent_record_introduction_id_introduction'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_consent_record_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_record'))
    )
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_record_introduction_id'), ['introduction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_record_user_id'), ['user_id'], unique=False)

    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('introduction_id', sa.Integer(), nullable=True),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_note_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_note_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['introduction_id'], ['introduction.id'], name=op.f('fk_note_introduction_id_introduction'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['graduate_profile.id'], name=op.f('fk_note_profile_id_graduate_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note'))
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_note_introduction_id'), ['introduction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_note_profile_id'), ['profile_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dedupe_key', sa.String(length=160), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_message_dedupe_key'), ['dedupe_key'])

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alerts_enabled', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('alerts_last_week', sa.String(length=10), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('alerts_last_week')
        batch_op.drop_column('alerts_enabled')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_message_dedupe_key'), type_='unique')
        batch_op.drop_column('dedupe_key')

    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_profile_id'))
        batch_op.drop_index(batch_op.f('ix_note_introduction_id'))
        batch_op.drop_index(batch_op.f('ix_note_company_id'))

    op.drop_table('note')
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_record_user_id'))
        batch_op.drop_index(batch_op.f('ix_consent_record_introduction_id'))

    op.drop_table('consent_record')
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introduction_state'))
        batch_op.drop_index(batch_op.f('ix_introduction_profile_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_offer_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_created_at'))
        batch_op.drop_index(batch_op.f('ix_introduction_company_id'))

    op.drop_table('introduction')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_actor_id'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('alert_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_delivery_user_id'))

    op.drop_table('alert_delivery')
