"""ready tasks by form and unit, and by due date: the inbox's two questions answered from indexes

The inbox asks on every page whether the user has a ready task of a batch form. With an index on the
form alone, a user without any (an expert among tens of thousands of review tasks) had SQLite read
every one of their tasks to learn it; (form, role, unit, person) answers with one index seek, and
still serves every lookup by form. It also asks whether there is an overdue task the user may remind
(催办): (due date, application) lets that start from the overdue tasks, few however many are ready,
instead of every task of a city's counties.

Revision ID: b4d6f8a0c2e4
Revises: a3c5e7f9b1d2
Create Date: 2026-11-30 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e4'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_ready_tasks_form', table_name='ready_tasks')
    op.create_index(
        'ix_ready_tasks_form_unit', 'ready_tasks', ['form', 'role', 'assignee_org_id', 'assignee_user_id']
    )
    op.create_index('ix_ready_tasks_due', 'ready_tasks', ['due_order', 'instance_id'])


def downgrade():
    op.drop_index('ix_ready_tasks_due', table_name='ready_tasks')
    op.drop_index('ix_ready_tasks_form_unit', table_name='ready_tasks')
    op.create_index('ix_ready_tasks_form', 'ready_tasks', ['form'])
