"""The search scenarios of ``test_search`` again on PostgreSQL (pg_trgm instead of SQLite's FTS5).

The server is ``SEARCH_POSTGRES_URL`` (default: ``TEST_DATABASE_URL``'s server, else the local one),
reached through its ``postgres`` database; the tests are skipped when it does not answer. They build
``<name>_template`` once (migrations, reference data, users, version 1) and copy it into
``<name>_run`` for each test (``<name>`` is the URL's database: this run's own by default), and drop
both at the end.
"""

from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app import create_app
from app.config import TestConfig
from app.extensions import db

from .conftest import prepare_database
from .databases import PREFIX, postgres_server_url
from .test_search import (  # noqa: F401  (collected again here, on PostgreSQL)
    programme,
    test_a_confidential_opinion_finds_its_application_only_for_who_may_read_it,
    test_a_county_is_found_by_part_of_its_name_with_or_without_its_city_and_by_its_code,
    test_a_number_a_theme_and_a_call_find_their_applications,
    test_a_reindex_rewrites_the_same_texts,
    test_odd_input_falls_back_instead_of_failing,
    test_pages_follow_each_other_without_repeats_in_every_sort,
    test_sorting_by_county_follows_the_administrative_codes,
    test_status_and_phase_filter_and_words_narrow_each_other,
    test_the_experts_a_picker_named_are_no_words_for_the_city,
    test_the_plan_is_found_by_words_inside_it_from_three_characters_on,
)

pytestmark = pytest.mark.postgres
_suite_server = postgres_server_url()
URL = make_url(
    os.environ.get("SEARCH_POSTGRES_URL")
    or (_suite_server and make_url(_suite_server).set(database=f"{PREFIX}search_{secrets.token_hex(4)}"))
    or "postgresql+psycopg://postgres@127.0.0.1:5432/search_wt"
)
TEMPLATE, RUN = f"{URL.database}_template", f"{URL.database}_run"


def _recreate(server, name: str, template: str | None = None) -> None:
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


@pytest.fixture(scope="module")
def server():
    """The server, reached through its maintenance database (this run's databases do not exist yet);
    the template and the per-test copy are dropped at the end."""
    engine = create_engine(URL.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        engine.connect().close()
    except OperationalError:
        pytest.skip(f"no PostgreSQL server answers at {URL.render_as_string(hide_password=True)}")
    _recreate(engine, TEMPLATE)
    prepare_database(URL.set(database=TEMPLATE).render_as_string(hide_password=False))
    yield engine
    with engine.connect() as conn:
        for name in (RUN, TEMPLATE):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def app(server, clock):
    _recreate(server, RUN, TEMPLATE)
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=URL.set(database=RUN).render_as_string(hide_password=False),
        CLOCK=clock,
    )
    with app.app_context():
        assert db.session.get_bind().dialect.name == "postgresql"
        yield app
        db.session.remove()
        db.engine.dispose()


def test_the_texts_are_indexed_by_pg_trgm(app):
    indexes = db.session.scalars(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'search_texts'"))
    assert any("gin_trgm_ops" in definition for definition in indexes)
