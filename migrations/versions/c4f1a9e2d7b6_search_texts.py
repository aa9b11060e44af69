"""search texts: the words of each submission, with who may find an application by them

Revision ID: c4f1a9e2d7b6
Revises: b8d2f4a6c1e3
Create Date: 2026-11-30 05:20:00

SQLite gets an external-content FTS5 table with the trigram tokenizer (substrings of three or more
characters, which suits Chinese without a word segmenter), kept in step by triggers; PostgreSQL a
pg_trgm GIN index that serves ILIKE. The rows of existing applications are written by
``flask --app app search reindex`` (run by ``scripts/run`` after upgrading).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a9e2d7b6'
down_revision = 'c4f8a2d6e9b1'
branch_labels = None
depends_on = None

_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE search_texts_fts USING fts5("
    "body, content='search_texts', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER search_texts_ai AFTER INSERT ON search_texts BEGIN "
    "INSERT INTO search_texts_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER search_texts_ad AFTER DELETE ON search_texts BEGIN "
    "INSERT INTO search_texts_fts(search_texts_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER search_texts_au AFTER UPDATE ON search_texts BEGIN "
    "INSERT INTO search_texts_fts(search_texts_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO search_texts_fts(rowid, body) VALUES (new.id, new.body); END",
]


def upgrade():
    op.create_table('search_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['history_events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('search_texts', schema=None) as batch_op:
        batch_op.create_index('ix_search_texts_instance_id', ['instance_id'], unique=False)
        batch_op.create_index('ix_search_texts_event_id', ['event_id'], unique=False)
    # Lists sort and page on these (keyset: the sort column, then the id).
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.create_index('ix_instances_updated_id', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_instances_call_id', ['call_id', 'id'], unique=False)
        batch_op.create_index('ix_instances_phase_id', ['phase', 'id'], unique=False)
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in _SQLITE_FTS:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_search_texts_body_trgm ON search_texts USING gin (body gin_trgm_ops)")
        op.execute("CREATE INDEX ix_instances_theme_trgm ON instances USING gin (theme_title gin_trgm_ops)")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for name in ('search_texts_au', 'search_texts_ad', 'search_texts_ai'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_texts_fts")
    elif dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_instances_theme_trgm")
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_index('ix_instances_phase_id')
        batch_op.drop_index('ix_instances_call_id')
        batch_op.drop_index('ix_instances_updated_id')
    op.drop_table('search_texts')
