"""Offer feeds: a company's career page or job feed, and the imported offers' feed, key and vanishing date.

Revision ID: dce68c89bf98
Revises: c4f1a2b3d5e6
Create Date: 2026-11-30 11:33:26.250484

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dce68c89bf98'
down_revision = 'c4f1a2b3d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offer_feed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('kind', sa.Enum('jsonld_page', 'json_feed', 'xml_feed', name='feedkind', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('new', 'ok', 'error', name='feedstatus', native_enum=False, length=8), nullable=False),
    sa.Column('error_code', sa.String(length=40), nullable=False),
    sa.Column('error_detail', sa.String(length=300), nullable=False),
    sa.Column('last_run_at', sa.DateTime(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('found_count', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('vanished_count', sa.Integer(), nullable=False),
    sa.Column('skipped_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_offer_feed_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_offer_feed_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_feed'))
    )
    with op.batch_alter_table('offer_feed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_feed_company_id'), ['company_id'], unique=False)

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('feed_key', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('feed_vanished_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_offer_feed_id'), ['feed_id'], unique=False)
        batch_op.create_unique_constraint('uq_offer_feed_key', ['feed_id', 'feed_key'])
        batch_op.create_foreign_key(batch_op.f('fk_offer_feed_id_offer_feed'), 'offer_feed', ['feed_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_offer_feed_id_offer_feed'), type_='foreignkey')
        batch_op.drop_constraint('uq_offer_feed_key', type_='unique')
        batch_op.drop_index(batch_op.f('ix_offer_feed_id'))
        batch_op.drop_column('feed_vanished_at')
        batch_op.drop_column('feed_key')
        batch_op.drop_column('feed_id')

    with op.batch_alter_table('offer_feed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_feed_company_id'))

    op.drop_table('offer_feed')
