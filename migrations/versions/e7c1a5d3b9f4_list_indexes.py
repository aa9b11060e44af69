"""list indexes: 已办 pages by keyset on the time of a person's steps, then the id

Revision ID: e7c1a5d3b9f4
Revises: d2b7e4f9a3c5
Create Date: 2026-11-30 06:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e7c1a5d3b9f4'
down_revision = 'd2b7e4f9a3c5'
branch_labels = None
depends_on = None


def upgrade():
    # 已办: a person's (or their unit's accounts') steps, newest first.
    op.create_index('ix_history_events_actor_at', 'history_events', ['actor_id', 'at', 'id'])


def downgrade():
    op.drop_index('ix_history_events_actor_at', table_name='history_events')
