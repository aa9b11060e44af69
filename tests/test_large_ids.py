"""An id too large for the database's INTEGER is an unknown object (404), on PostgreSQL as on SQLite.

PostgreSQL refuses such a number in a query (``NumericValueOutOfRange``, found by the API fuzz on the
PostgreSQL run) where SQLite finds nothing; the routes' ``int`` converter stops it before any query.
"""

from __future__ import annotations

import pytest

from app.extensions import LARGEST_ID

from .web_helpers import login


@pytest.mark.parametrize("number", [LARGEST_ID, LARGEST_ID + 1, 2**63, 10**30])
def test_an_id_beyond_any_row_is_not_found_in_the_api_and_on_pages(api, client, world, number):
    world.start("370102")
    assert api.get("370102", f"/api/instances/{number}/content").status_code == 404
    assert api.get("province", f"/api/instances/{number}").status_code == 404
    login(client, "province")
    assert client.get(f"/applications/{number}").status_code == 404
    assert api.get("370102", "/api/instances").status_code == 200, "the session still works after"


def test_the_api_documents_the_largest_id(client):
    spec = client.get("/api/openapi.json").get_json()
    (parameter,) = spec["paths"]["/api/instances/{instance_id}"]["parameters"]
    assert parameter["schema"] == {"type": "integer", "minimum": 0, "maximum": LARGEST_ID}


@pytest.mark.parametrize("query", [f"after={LARGEST_ID + 1}", f"after={2**63 - 1}"])
def test_a_page_after_an_id_too_large_is_refused_as_bad_input_not_a_server_error(api, query):
    response = api.get("370102", f"/api/notifications?{query}")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "after"
