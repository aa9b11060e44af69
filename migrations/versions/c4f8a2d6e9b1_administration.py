"""administration: the admin change log, unit abolition, password change on first sign-in

Revision ID: c4f8a2d6e9b1
Revises: b8d2f4a6c1e3
Create Date: 2026-11-30 05:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f8a2d6e9b1'
down_revision = 'c4f1a8e2d7b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target_type', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('target_label', sa.String(length=128), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_changes_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_changes_kind'), ['kind'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('abolished_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_sign_in_at')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('phone')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('abolished_at')

    with op.batch_alter_table('admin_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_changes_kind'))
        batch_op.drop_index(batch_op.f('ix_admin_changes_at'))

    op.drop_table('admin_changes')
