"""plan similarity: plans' MinHash signatures, the checks queued at submission, the copied plans found

Revision ID: f3a8c1e5d7b2
Revises: a3d5f7b9c1e2
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a8c1e5d7b2'
down_revision = 'a3d5f7b9c1e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_signatures',
        sa.Column('document_id', sa.Integer(), sa.ForeignKey('documents.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('instance_id', sa.Integer(), sa.ForeignKey('instances.id', ondelete='CASCADE'), nullable=False),
        sa.Column('hashvalues', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_plan_signatures_instance_id', 'plan_signatures', ['instance_id'])
    op.create_table(
        'similarity_checks',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('document_id', sa.Integer(), sa.ForeignKey('documents.id', ondelete='CASCADE'), nullable=False),
        sa.Column('instance_id', sa.Integer(), sa.ForeignKey('instances.id', ondelete='CASCADE'), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('compared', sa.Integer(), nullable=True),
        sa.UniqueConstraint('document_id', name='uq_similarity_checks_document_id'),
    )
    op.create_index('ix_similarity_checks_instance_id', 'similarity_checks', ['instance_id'])
    op.create_index('ix_similarity_checks_status', 'similarity_checks', ['status'])
    op.create_table(
        'similarity_matches',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('check_id', sa.Integer(), sa.ForeignKey('similarity_checks.id', ondelete='CASCADE'), nullable=False),
        sa.Column('other_document_id', sa.Integer(), sa.ForeignKey('documents.id', ondelete='CASCADE'), nullable=False),
        sa.Column('other_instance_id', sa.Integer(), sa.ForeignKey('instances.id', ondelete='CASCADE'), nullable=False),
        sa.Column('similarity', sa.Float(), nullable=False),
        sa.Column('passages', sa.JSON(), nullable=False),
    )
    op.create_index('ix_similarity_matches_check_id', 'similarity_matches', ['check_id'])


def downgrade():
    op.drop_table('similarity_matches')
    op.drop_table('similarity_checks')
    op.drop_table('plan_signatures')
