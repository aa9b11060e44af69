"""log list indexes: the security log, the administrative changes, notifications and open incidents
page by keyset on (filter column, id) or (sort column, id)

Revision ID: a3c5e7f9b1d2
Revises: f3a8c1e5d7b2
Create Date: 2026-11-30 08:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = 'f3a8c1e5d7b2'
branch_labels = None
depends_on = None


def upgrade():
    # A filtered page of a log, newest first: the filter's rows in id order. (kind, id) serves
    # every lookup the index on kind alone did.
    op.drop_index('ix_security_events_kind', table_name='security_events')
    op.create_index('ix_security_events_kind_id', 'security_events', ['kind', 'id'])
    op.create_index('ix_security_events_username_id', 'security_events', ['username', 'id'])
    op.create_index('ix_security_events_ip_id', 'security_events', ['ip', 'id'])
    op.drop_index('ix_admin_changes_kind', table_name='admin_changes')
    op.create_index('ix_admin_changes_kind_id', 'admin_changes', ['kind', 'id'])
    # A user's notifications, all of them, newest first (the unread have their own index).
    op.create_index('ix_notifications_user_id', 'notifications', ['user_id', 'id'])
    # The open incidents, the latest opened first.
    op.create_index(
        'ix_incidents_open_opened', 'incidents', ['opened_at', 'id'],
        sqlite_where=sa.text('resolved_at IS NULL'), postgresql_where=sa.text('resolved_at IS NULL'),
    )


def downgrade():
    op.drop_index('ix_incidents_open_opened', table_name='incidents')
    op.drop_index('ix_notifications_user_id', table_name='notifications')
    op.drop_index('ix_admin_changes_kind_id', table_name='admin_changes')
    op.create_index('ix_admin_changes_kind', 'admin_changes', ['kind'])
    op.drop_index('ix_security_events_ip_id', table_name='security_events')
    op.drop_index('ix_security_events_username_id', table_name='security_events')
    op.drop_index('ix_security_events_kind_id', table_name='security_events')
    op.create_index('ix_security_events_kind', 'security_events', ['kind'])
