"""calls: an optional English name, shown to readers of English

Revision ID: c4e6a8f0b2d1
Revises: b8d2f4a6c1e3
Create Date: 2026-11-30 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e6a8f0b2d1'
down_revision = 'd2b7e4f9a3c5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=128), nullable=True))


def downgrade():
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_column('name_en')
