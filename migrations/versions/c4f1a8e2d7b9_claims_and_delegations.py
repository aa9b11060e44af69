"""claims on ready tasks, delegations, and the holder a task was completed for

Revision ID: c4f1a8e2d7b9
Revises: b8d2f4a6c1e3
Create Date: 2026-11-30 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a8e2d7b9'
down_revision = 'b8d2f4a6c1e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ready_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_ready_tasks_claimed_by', 'users', ['claimed_by_id'], ['id'])

    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_history_events_on_behalf_of', 'users', ['on_behalf_of_id'], ['id'])

    op.create_table('delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegator_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delegator_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegate_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index('ix_delegations_delegator_id', ['delegator_id'], unique=False)
        batch_op.create_index('ix_delegations_delegate_period', ['delegate_id', 'starts_at', 'ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index('ix_delegations_delegate_period')
        batch_op.drop_index('ix_delegations_delegator_id')
    op.drop_table('delegations')

    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_history_events_on_behalf_of', type_='foreignkey')
        batch_op.drop_column('on_behalf_of_id')

    with op.batch_alter_table('ready_tasks', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ready_tasks_claimed_by', type_='foreignkey')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by_id')
