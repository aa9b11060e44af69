"""A PostgreSQL copy of the template, reused by the next test, is in the template's state again.

Even when the test left a transaction open holding locks on the rows it wrote: the reset ends the
test's connections first, so neither it nor the session's final ``DROP DATABASE`` waits forever.
"""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .databases import PostgresTemplate, postgres_server_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(postgres_server_url() is None, reason="runs with TEST_DATABASE_URL"),
]


def _state(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """Rows per table, and what each sequence would give next (read without using it up)."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        rows = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        sequences = dict(
            conn.execute(
                "SELECT sequencename, CASE WHEN last_value IS NULL THEN 1 ELSE last_value + 1 END"
                " FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        )
    return rows, sequences


def test_a_used_copy_is_put_back_to_the_template_state_even_with_a_transaction_left_open(template_db):
    assert isinstance(template_db, PostgresTemplate)
    template = _state(template_db.url_of(template_db.template))
    with template_db.copy() as url:
        assert _state(url) == template
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM user_roles WHERE id = (SELECT min(id) FROM user_roles)"))
            sequence = conn.scalar(text("SELECT sequencename FROM pg_sequences ORDER BY 1 LIMIT 1"))
            conn.execute(text("SELECT nextval(:s)"), {"s": sequence})
        held = engine.connect()  # a session that wrote and never ended: its row locks stay held
        held.execute(text("UPDATE users SET display_name = 'x'"))
        assert _state(url) != template
    held.invalidate()  # its backend was ended by the reset
    engine.dispose()
    with template_db.copy() as again:
        assert again == url, "the copy is reused"
        assert _state(again) == template
