"""security log: repeated refusals as one row with a count and a last time; indexes for lockout and paging

Revision ID: a7c3e9f1b5d2
Revises: f6b2d4e8a0c3
Create Date: 2026-11-30 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b5d2'
down_revision = 'f6b2d4e8a0c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('count', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('last_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE security_events SET last_at = at')
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.alter_column('last_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_security_events_username_kind_at', ['username', 'kind', 'at'], unique=False)
        batch_op.create_index('ix_security_events_kind_ip_last_at', ['kind', 'ip', 'last_at'], unique=False)


def downgrade():
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index('ix_security_events_kind_ip_last_at')
        batch_op.drop_index('ix_security_events_username_kind_at')
        batch_op.drop_column('last_at')
        batch_op.drop_column('count')
