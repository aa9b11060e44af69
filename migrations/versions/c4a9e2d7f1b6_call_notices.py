"""calls carry their notice: its text, contacts and attachments

Revision ID: c4a9e2d7f1b6
Revises: b8d2f4a6c1e3
Create Date: 2026-11-30 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a9e2d7f1b6'
down_revision = 'c4f1a9e2d7b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_text', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contacts', sa.Text(), server_default='', nullable=False))
    op.create_table('call_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=128), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('call_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_attachments_call_id'), ['call_id'], unique=False)


def downgrade():
    with op.batch_alter_table('call_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_attachments_call_id'))
    op.drop_table('call_attachments')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('contacts')
        batch_op.drop_column('notice_text')
