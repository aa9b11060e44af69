"""command centre indexes: milestones read from the history by element and time

Revision ID: a3d5f7b9c1e2
Revises: e7c1a5d3b9f4
Create Date: 2026-11-30 08:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3d5f7b9c1e2'
down_revision = 'e7c1a5d3b9f4'
branch_labels = None
depends_on = None


def upgrade():
    # The dashboard's and the statistics report's milestones (duties gone late, zones recognised and
    # accepted) are the events at a few elements, within a year.
    op.create_index('ix_history_events_element_at', 'history_events', ['element_id', 'at'])


def downgrade():
    op.drop_index('ix_history_events_element_at', table_name='history_events')
