"""Success stories and news: the story (German and English), what it is about (one company, offer or event
per link row) and the people it names, who confirm it with a consent record before it is published.
Page views of stories are counted as kind "story" of page_view (a plain string column: no change needed).

Revision ID: 05a6a7b880c6
Revises: dce68c89bf98
Create Date: 2026-11-30 11:25:44.059467

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '05a6a7b880c6'
down_revision = 'dce68c89bf98'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('story',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('story', 'news', name='storykind', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('draft', 'awaiting_consent', 'published', 'withdrawn', 'offline', name='storystatus', native_enum=False, length=24), nullable=False),
    sa.Column('title_de', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('summary_de', sa.String(length=500), nullable=False),
    sa.Column('summary_en', sa.String(length=500), nullable=False),
    sa.Column('body_de', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('image', sa.String(length=64), nullable=True),
    sa.Column('image_alt_de', sa.String(length=300), nullable=False),
    sa.Column('image_alt_en', sa.String(length=300), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('offline_at', sa.DateTime(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("title_de <> '' OR title_en <> ''", name=op.f('ck_story_has_title')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_story_author_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story'))
    )
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_status'), ['status'], unique=False)

    op.create_table('story_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(CASE WHEN company_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN offer_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN event_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_story_link_one_target')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_story_link_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_story_link_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_story_link_offer_id_offer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], name=op.f('fk_story_link_story_id_story'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_link'))
    )
    with op.batch_alter_table('story_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_link_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_link_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_link_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_link_story_id'), ['story_id'], unique=False)

    op.create_table('story_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('consent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['consent_id'], ['consent_record.id'], name=op.f('fk_story_person_consent_id_consent_record'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['story_id'], ['story.id'], name=op.f('fk_story_person_story_id_story'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_story_person_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_story_person')),
    sa.UniqueConstraint('story_id', 'user_id', name=op.f('uq_story_person_story_id'))
    )
    with op.batch_alter_table('story_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_story_person_story_id'), ['story_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_story_person_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('story_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_person_user_id'))
        batch_op.drop_index(batch_op.f('ix_story_person_story_id'))

    op.drop_table('story_person')
    with op.batch_alter_table('story_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_link_story_id'))
        batch_op.drop_index(batch_op.f('ix_story_link_offer_id'))
        batch_op.drop_index(batch_op.f('ix_story_link_event_id'))
        batch_op.drop_index(batch_op.f('ix_story_link_company_id'))

    op.drop_table('story_link')
    with op.batch_alter_table('story', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_story_status'))
        batch_op.drop_index(batch_op.f('ix_story_published_at'))
        batch_op.drop_index(batch_op.f('ix_story_kind'))

    op.drop_table('story')
