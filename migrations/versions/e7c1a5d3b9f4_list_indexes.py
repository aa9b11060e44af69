"""list indexes: lists page by keyset on their sort column, then the id, within the viewer's scope

Revision ID: e7c1a5d3b9f4
Revises: d2b7e4f9a3c5
Create Date: 2026-11-30 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7c1a5d3b9f4'
down_revision = 'c4e6a8f0b2d1'
branch_labels = None
depends_on = None


# A task without a due date sorts after every dated one (models.UNDATED), as each dialect stores it.
UNDATED = {'sqlite': '9999-12-31 00:00:00.000000', 'postgresql': '9999-12-31 00:00:00+00'}


def upgrade():
    # The inbox's default order, the earliest due first, read from an index: a column never NULL.
    undated = UNDATED[op.get_bind().dialect.name]
    op.add_column('ready_tasks', sa.Column(
        'due_order', sa.DateTime(timezone=True), nullable=False, server_default=sa.text(f"'{undated}'")
    ))
    op.execute('UPDATE ready_tasks SET due_order = due_at WHERE due_at IS NOT NULL')
    op.create_index('ix_ready_tasks_org_due', 'ready_tasks', ['assignee_org_id', 'role', 'due_order', 'id'])
    op.create_index('ix_ready_tasks_user_due', 'ready_tasks', ['assignee_user_id', 'role', 'due_order', 'id'])
    # 已办: a person's (or their unit's accounts') steps, newest first.
    # Whether the inbox offers batch work: the tasks of the batch forms.
    op.create_index('ix_ready_tasks_form', 'ready_tasks', ['form'])
    op.create_index('ix_history_events_actor_at', 'history_events', ['actor_id', 'at', 'id'])
    # A city's and a county's application list, the latest change first, read in index order.
    op.create_index('ix_instances_city_updated', 'instances', ['city_org_id', 'updated_at', 'id'])
    op.create_index('ix_calls_opened_id', 'calls', ['opened_at', 'id'])
    op.create_index('ix_instances_applicant_updated', 'instances', ['applicant_org_id', 'updated_at', 'id'])


def downgrade():
    op.drop_index('ix_ready_tasks_user_due', table_name='ready_tasks')
    op.drop_index('ix_ready_tasks_org_due', table_name='ready_tasks')
    with op.batch_alter_table('ready_tasks') as batch:
        batch.drop_column('due_order')
    op.drop_index('ix_instances_applicant_updated', table_name='instances')
    op.drop_index('ix_calls_opened_id', table_name='calls')
    op.drop_index('ix_instances_city_updated', table_name='instances')
    op.drop_index('ix_history_events_actor_at', table_name='history_events')
    op.drop_index('ix_ready_tasks_form', table_name='ready_tasks')
