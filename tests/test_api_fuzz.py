"""Schemathesis against /api/openapi.json, in process: no 5xx, and every response as documented.

For every operation, schemathesis' coverage cases (boundary values, missing parts, methods the
address does not offer) and random valid and invalid requests are sent as a county (370102) and
as the province, to a world with applications at several phases. Each response is checked: no
server error (in tests an unhandled exception surfaces as one), a documented status code and
content type, a body matching its schema, the headers it must carry (``Allow`` on 405), invalid
requests refused and valid ones never refused as malformed. Deterministic (hypothesis
derandomized) and about half a minute by default; ``FUZZ_EXAMPLES=2000`` runs longer (random
examples per operation, mode and user).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from flask_babel import force_locale
from flask_babel import gettext as _
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from app import create_app
from app.clock import FrozenClock
from app.config import TestConfig
from app.demo import driver
from app.extensions import db
from app.services.accounts import credentials as accounts

from .conftest import PASSWORD, START, World

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
USERS = ("370102", "province")


@pytest.fixture(scope="module")
def fuzz_app(template_db, tmp_path_factory):
    """One app and world for the whole run: an open call, applications returned, in review and
    recognised (other counties'); 370102 has none yet, so its requests can start one."""
    clock = FrozenClock(START)
    with template_db.copy(tmp_path_factory.mktemp("fuzz"), "fuzz") as url:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, CLOCK=clock)
        with app.app_context():
            world = World(app, clock)
            world.open_call()  # 370102 has no application yet: the run itself starts one
            returned = world.start("370203")
            world.declare(returned)
            world.city_decides(returned, "return", "请补充实验方案。")
            in_review = world.start("370302")
            world.forward(in_review)
            driver.assign(in_review, "expert05")
            world.recognised_zone("370402")
            yield app
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def tokens(fuzz_app) -> dict[str, str]:
    return {user: accounts.issue_token(user, PASSWORD)[0] for user in USERS}


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run, so CI is stable
    database=None,
    suppress_health_check=list(HealthCheck),
)


def well_formed_requests_pass_their_schema(ctx, response, case) -> None:
    """schemathesis' positive_data_acceptance, knowing the programme's rules: a request that fits its
    documented schema may still break a rule no schema can express (422 with the rule's message:
    the call is closed, the county already has an application), but it is never refused as
    unreadable (400) or as not fitting its schema (422 with the schema refusal's message)."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    with force_locale("zh_CN"):
        malformed = _("The request does not have the expected form.")
    status = response.status_code
    if status == 400 or (status == 422 and response.json().get("message") == malformed):
        raise AssertionError(f"a request that fits its schema was refused: {status} {response.text[:500]}")


class Fuzzer:
    """Sends generated requests as one user and collects what schemathesis finds wrong."""

    def __init__(self, user: str, token: str) -> None:
        self.user, self.token = user, token
        self.sent = 0
        self.failures: list[str] = []

    def send(self, case) -> None:
        self.sent += 1
        bearer = self.token
        if case.method.upper() == "DELETE" and case.path == "/api/tokens":
            bearer = accounts.issue_token(self.user, PASSWORD)[0]  # revoking it must not end the run
        case.call_and_validate(
            headers={"Authorization": f"Bearer {bearer}", "Accept-Language": "zh"},
            excluded_checks=[positive_data_acceptance],
            additional_checks=[well_formed_requests_pass_their_schema],
        )

    def coverage(self, api_schema, operation) -> None:
        """schemathesis' deterministic cases: boundary values, missing parts, methods not offered."""
        config = api_schema.config.generation_for(operation=operation, phase="coverage")
        cases = api_schema.iter_coverage_cases(
            operation, generation_modes=list(GenerationMode), generation_config=config
        )
        # Invalid requests first: once a valid one has started the county's application, a missing
        # body would be refused for that (a rule) and could no longer show that it is accepted.
        for case in sorted(cases, key=lambda c: c.meta.generation.mode.is_positive):
            try:
                self.send(case)
            except (Exception, FailureGroup) as exc:
                self.failures.append(f"{operation.label} [coverage {case.method}]: {exc}")

    def fuzz(self, operation) -> None:
        """Random valid and invalid requests (hypothesis, derandomized), EXAMPLES of each."""
        for mode in GenerationMode:
            run = FUZZ_SETTINGS(given(case=operation.as_strategy(generation_mode=mode))(self.send))
            try:
                run()
            except Unsatisfiable:
                continue  # nothing about this operation can be made invalid (no parameters, no body)
            except (Exception, FailureGroup) as exc:  # all reported together, each with its minimal example
                self.failures.append(f"{operation.label} [{mode.value}]: {exc}")


@pytest.mark.parametrize("user", USERS)
def test_every_generated_request_gets_a_documented_answer(api_schema, tokens, user):
    fuzzer = Fuzzer(user, tokens[user])
    for result in api_schema.get_all_operations():
        operation = result.ok()
        fuzzer.coverage(api_schema, operation)
        fuzzer.fuzz(operation)
    print(f"\n{user}: {fuzzer.sent} requests, {len(fuzzer.failures)} failures")
    assert not fuzzer.failures, "\n\n".join(fuzzer.failures)
