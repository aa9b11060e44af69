"""process drafts

Revision ID: d4e8a2b6c9f1
Revises: c7d2e5f8a1b3
Create Date: 2026-11-25 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8a2b6c9f1'
down_revision = 'c7d2e5f8a1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('main_process_id', sa.String(length=64), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('bpmn_files', sa.JSON(), nullable=False),
    sa.Column('form_files', sa.JSON(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deployed_version_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['base_version_id'], ['process_versions.id'], ),
    sa.ForeignKeyConstraint(['deployed_version_id'], ['process_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('process_drafts')
