"""worker leases: several timer workers share one database

Revision ID: d2b7e4f9a3c5
Revises: c4a9e2d7f1b6
Create Date: 2026-11-30 06:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd2b7e4f9a3c5'
down_revision = 'c4a9e2d7f1b6'
branch_labels = None
depends_on = None

LEASED = ('instances', 'outbox_mails')


def upgrade():
    # Plain ADD COLUMN (no batch copy): a copy of `instances` on SQLite would lose the partial unique index's WHERE.
    for table in LEASED:
        op.add_column(table, sa.Column('lease_holder', sa.String(length=128), nullable=True))
        op.add_column(table, sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
    op.create_table('worker_leases',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade():
    op.drop_table('worker_leases')
    for table in LEASED:
        op.drop_column(table, 'lease_until')
        op.drop_column(table, 'lease_holder')
