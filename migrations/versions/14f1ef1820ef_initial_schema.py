"""Initial schema: users, companies, graduate profiles, offers, the mail outbox and the matcher state.

Revision ID: 14f1ef1820ef
Revises: 
Create Date: 2026-11-25 17:01:36.045737

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14f1ef1820ef'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('company',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('sector', sa.Enum('energy', 'hydrogen', 'paper_packaging', 'chemicals', 'recycling', 'plant_engineering', 'automation', 'logistics', 'it', 'construction', 'services', 'research', name='sector', native_enum=False, length=32), nullable=False),
    sa.Column('size_band', sa.Enum('1-9', '10-49', '50-249', '250+', name='sizeband', native_enum=False, length=16), nullable=True),
    sa.Column('site', sa.String(length=160), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('rejected_at', sa.DateTime(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company')),
    sa.UniqueConstraint('name', name=op.f('uq_company_name'))
    )
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_sector'), ['sector'], unique=False)

    op.create_table('matcher_state',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_matcher_state'))
    )
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_recipient'), ['recipient'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('graduate', 'company', 'researcher', 'staff', 'admin', 'board', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('membership', sa.Enum('pending', 'active', name='membership', native_enum=False, length=16), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), server_default='0', nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_enabled_at', sa.DateTime(), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_user_company_id_company')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_role'), ['role'], unique=False)

    op.create_table('graduate_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('headline', sa.String(length=160), nullable=False),
    sa.Column('about', sa.Text(), nullable=False),
    sa.Column('study_programme', sa.String(length=160), nullable=False),
    sa.Column('study_other', sa.String(length=160), nullable=False),
    sa.Column('degree', sa.Enum('bachelor', 'master', 'diplom', 'phd', name='degree', native_enum=False, length=16), nullable=True),
    sa.Column('graduation_date', sa.Date(), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('german_level', sa.String(length=8), nullable=True),
    sa.Column('wanted_kinds', sa.JSON(), nullable=False),
    sa.Column('earliest_start', sa.Date(), nullable=True),
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('cv_text', sa.Text(), nullable=False),
    sa.Column('visible_to_companies', sa.Boolean(), nullable=False),
    sa.Column('consent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_graduate_profile_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graduate_profile')),
    sa.UniqueConstraint('user_id', name=op.f('uq_graduate_profile_user_id'))
    )
    with op.batch_alter_table('graduate_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_graduate_profile_visible_to_companies'), ['visible_to_companies'], unique=False)

    op.create_table('offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('job', 'internship', 'thesis', 'working_student', 'trainee', 'research_project', name='offerkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('required_skills', sa.JSON(), nullable=False),
    sa.Column('nice_skills', sa.JSON(), nullable=False),
    sa.Column('fields_of_study', sa.JSON(), nullable=False),
    sa.Column('degree', sa.Enum('bachelor', 'master', 'diplom', 'phd', name='degree', native_enum=False, length=16), nullable=True),
    sa.Column('min_german_level', sa.String(length=8), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('duration_months', sa.Integer(), nullable=True),
    sa.Column('place', sa.String(length=160), nullable=False),
    sa.Column('remote_share', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'closed', 'expired', name='offerstatus', native_enum=False, length=16), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_offer_company_id_company')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_offer_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer'))
    )
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_status'), ['status'], unique=False)



def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_status'))
        batch_op.drop_index(batch_op.f('ix_offer_kind'))
        batch_op.drop_index(batch_op.f('ix_offer_expires_at'))
        batch_op.drop_index(batch_op.f('ix_offer_company_id'))

    op.drop_table('offer')
    with op.batch_alter_table('graduate_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_graduate_profile_visible_to_companies'))

    op.drop_table('graduate_profile')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_role'))
        batch_op.drop_index(batch_op.f('ix_user_company_id'))

    op.drop_table('user')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_recipient'))

    op.drop_table('outbox_message')
    op.drop_table('matcher_state')
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_sector'))

    op.drop_table('company')
