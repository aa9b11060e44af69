"""Fixtures that build the world in one line each: an app on a fresh database, users, a call, applications.

The schema comes from the real migrations (once per test session, into a template file that each
test copies), so the migrations are exercised by every test run.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.clock import PROGRAMME_TZ, FrozenClock
from app.config import TestConfig
from app.extensions import db
from app.models import Instance, ReadyTask, User
from app.reference import load_themes
from app.services import applications, calls, seeding, tasks
from app.services.demo_texts import demo_declaration

START = datetime(2026, 5, 4, 9, 0, tzinfo=PROGRAMME_TZ)
DEADLINE = datetime(2026, 6, 30, 23, 59, tzinfo=PROGRAMME_TZ)
PASSWORD = "test-pass"


def _config(db_path, clock) -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "CLOCK": clock,
    }


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated database with reference data, users and version 1 deployed."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app(TestConfig, **_config(path, FrozenClock(START - timedelta(days=30))))
    with app.app_context():
        upgrade()
        seeding.load_reference_data()
        seeding.create_demo_users(PASSWORD)
        from app.cli import _deploy

        _deploy("test deployment")
        db.session.remove()
        db.engine.dispose()
    return path


@pytest.fixture
def clock():
    return FrozenClock(START)


@pytest.fixture
def app(template_db, tmp_path, clock):
    path = tmp_path / "test.db"
    shutil.copy(template_db, path)
    app = create_app(TestConfig, **_config(path, clock))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


class World:
    """Builds scenarios through the real services."""

    def __init__(self, app, clock: FrozenClock):
        self.app = app
        self.clock = clock
        self._call = None

    def user(self, username: str) -> User:
        return db.session.scalar(select(User).where(User.username == username))

    def open_call(self):
        """The province's 2026 call (opened once per test)."""
        if self._call is None:
            self._call = calls.open_call(
                self.user("province"), "2026年度全省城乡社区治理实验区申报", 2026, DEADLINE
            )
        return self._call

    def start(self, adcode: str = "370102") -> Instance:
        return applications.start_application(self.user(adcode), self.open_call().id)

    def task(self, instance: Instance, element_id: str) -> ReadyTask | None:
        return db.session.scalar(
            select(ReadyTask).where(ReadyTask.instance_id == instance.id, ReadyTask.element_id == element_id)
        )

    def declaration(self, adcode: str = "370102", theme: int = 0, experts=("expert01",), **overrides) -> dict:
        county = self.user(adcode).organisation.name
        data = demo_declaration(county, load_themes()[theme], [self.user(e) for e in experts])
        data.update(overrides)
        return data

    def declare(self, instance: Instance, **overrides) -> Instance:
        adcode = instance.applicant.adcode
        return tasks.complete_task(
            self.user(adcode), self.task(instance, "Task_Declare").id, self.declaration(adcode, **overrides)
        )

    def city_decides(self, instance: Instance, decision: str, comments: str = "") -> Instance:
        data = {"city_decision": decision}
        if comments:
            data["city_comments"] = comments
        return tasks.complete_task(
            self.user(instance.city.adcode), self.task(instance, "Task_CityReview").id, data
        )

    def forward(self, instance: Instance) -> Instance:
        """Phase 1 done: declared and forwarded by the city, now waiting for the province's review."""
        self.declare(instance)
        return self.city_decides(instance, "forward")

    def assign(self, instance: Instance, *experts: str) -> Instance:
        task = self.task(instance, "Task_AssignExperts")
        return tasks.complete_task(self.user("province"), task.id, {"review_experts": list(experts)})

    def opinion_task(self, instance: Instance, expert: str) -> ReadyTask | None:
        return db.session.scalar(
            select(ReadyTask).where(
                ReadyTask.instance_id == instance.id,
                ReadyTask.element_id == "Task_ExpertOpinion",
                ReadyTask.assignee_user_id == self.user(expert).id,
            )
        )

    def opine(self, instance: Instance, expert: str, opinion: str, comments: str = "意见") -> Instance:
        data = {
            "opinion": opinion,
            "opinion_comments": comments,
            "opinion_signature": self.user(expert).display_name,
        }
        return tasks.complete_task(self.user(expert), self.opinion_task(instance, expert).id, data)

    def decide(self, instance: Instance, result: str, comments: str = "") -> Instance:
        data = {"review_result": result, **({"review_comments": comments} if comments else {})}
        return tasks.complete_task(self.user("province"), self.task(instance, "Task_ReviewDecision").id, data)

    def review_round(self, instance: Instance, result: str, experts=("expert05", "expert06")) -> Instance:
        self.assign(instance, *experts)
        for expert in experts:
            self.opine(instance, expert, result)
        return self.decide(instance, result, "专家意见汇总" if result == "improve" else "")

    def guide_and_revise(self, instance: Instance, **overrides) -> Instance:
        city = self.user(instance.city.adcode)
        tasks.complete_task(
            city, self.task(instance, "Task_CityGuidance").id, {"city_guidance_comments": "请按专家意见修改"}
        )
        adcode = instance.applicant.adcode
        return tasks.complete_task(
            self.user(adcode), self.task(instance, "Task_Revise").id, self.declaration(adcode, **overrides)
        )

    def reload(self, instance: Instance) -> Instance:
        db.session.expire_all()
        return db.session.get(Instance, instance.id)


@pytest.fixture
def world(app, clock) -> World:
    return World(app, clock)


@pytest.fixture
def client(app):
    return app.test_client()


class Api:
    """A JSON client that signs in through POST /api/tokens."""

    def __init__(self, client):
        self.client = client
        self.tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.client.post("/api/tokens", json={"username": username, "password": PASSWORD})
            assert response.status_code == 201, response.get_json()
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    def _headers(self, username):
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def get(self, username, url, **kwargs):
        return self.client.get(url, headers=self._headers(username), **kwargs)

    def post(self, username, url, json=None):
        return self.client.post(url, headers=self._headers(username), json=json if json is not None else {})


@pytest.fixture
def api(client) -> Api:
    return Api(client)
