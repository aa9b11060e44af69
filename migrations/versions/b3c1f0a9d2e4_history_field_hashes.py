"""history events: a digest per chained field

Revision ID: b3c1f0a9d2e4
Revises: 74bdfbd330e8
Create Date: 2026-11-25 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c1f0a9d2e4'
down_revision = '74bdfbd330e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field_hashes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.drop_column('field_hashes')
