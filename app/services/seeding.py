"""Reference data, demo accounts and a demo programme. Every function is idempotent.

Demo applications are made by driving the real services under a frozen clock, so their histories
are real histories, not rows written by hand.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..clock import PROGRAMME_TZ, FrozenClock
from ..extensions import db
from ..models import Instance, Organisation, ReadyTask, User, UserRole
from ..reference import load_divisions, load_themes
from ..roles import Role
from . import applications, calls, tasks, timers
from .accounts import hash_password
from .demo_texts import demo_declaration

DEMO_PASSWORD = "demo2026"

# (username, display name, roles, committee, title)
_EXPERTS = [
    ("expert01", "王建国", [Role.GUIDING_EXPERT], "national", "全国基层政权和社区建设专家委员会委员、教授"),
    ("expert02", "李思远", [Role.GUIDING_EXPERT], "national", "全国基层政权和社区建设专家委员会委员、研究员"),
    (
        "expert03",
        "张丽华",
        [Role.GUIDING_EXPERT],
        "provincial",
        "山东省基层政权建设和社区治理专家委员会委员、教授",
    ),
    (
        "expert04",
        "刘文博",
        [Role.GUIDING_EXPERT],
        "provincial",
        "山东省基层政权建设和社区治理专家委员会委员、副教授",
    ),
    ("expert05", "陈志强", [Role.REVIEW_EXPERT], "provincial", "评审专家、教授"),
    ("expert06", "赵敏", [Role.REVIEW_EXPERT], "provincial", "评审专家、研究员"),
    ("expert07", "孙宏伟", [Role.REVIEW_EXPERT, Role.GUIDING_EXPERT], "national", "评审专家、教授"),
    ("expert08", "周雅琴", [Role.REVIEW_EXPERT], "provincial", "评审专家、副研究员"),
]
_STAFF = [
    ("owner", "流程管理员", [Role.PROCESS_OWNER]),
    ("auditor", "审计员", [Role.AUDITOR]),
    ("admin", "系统管理员", [Role.ADMIN]),
]


def load_reference_data() -> int:
    """Organisations from the divisions data (province, 16 cities, 136 counties)."""
    by_adcode = {o.adcode: o for o in db.session.scalars(select(Organisation))}
    for division in load_divisions():  # parents come before children in the file
        org = by_adcode.get(division.adcode) or Organisation(adcode=division.adcode)
        org.name, org.level = division.name, division.level
        parent = by_adcode.get(division.parent_adcode) if division.parent_adcode else None
        org.parent = parent
        db.session.add(org)
        by_adcode[division.adcode] = org
    db.session.commit()
    return db.session.scalar(select(func.count(Organisation.id)))


def _ensure_user(
    username: str,
    display_name: str,
    roles,
    password: str,
    org: Organisation | None = None,
    committee: str | None = None,
    title: str | None = None,
) -> bool:
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        return False
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        organisation=org,
        committee=committee,
        title=title,
    )
    user.role_rows = [UserRole(role=str(r)) for r in roles]
    db.session.add(user)
    return True


def create_demo_users(password: str = DEMO_PASSWORD) -> int:
    """Every county and city by adcode, the province, experts, owner, auditor, admin."""
    created = 0
    for org in db.session.scalars(select(Organisation)):
        if org.level == "county":
            created += _ensure_user(org.adcode, f"{org.full_name}民政局", [Role.APPLICANT], password, org)
        elif org.level == "city":
            created += _ensure_user(org.adcode, f"{org.name}民政局", [Role.CITY], password, org)
        else:
            created += _ensure_user("province", "山东省民政厅", [Role.PROVINCE], password, org)
    for username, name, roles, committee, title in _EXPERTS:
        created += _ensure_user(username, name, roles, password, None, committee, title)
    for username, name, roles in _STAFF:
        created += _ensure_user(username, name, roles, password)
    db.session.commit()
    return created


@contextmanager
def _frozen_time(start: datetime):
    """Run services under a frozen clock that the caller moves."""
    extensions = current_app.extensions
    saved = extensions["clock"]
    frozen = FrozenClock(start)
    extensions["clock"] = frozen
    try:
        yield frozen
    finally:
        extensions["clock"] = saved


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _task_of(instance: Instance, element_id: str) -> ReadyTask:
    return db.session.scalar(
        select(ReadyTask).where(ReadyTask.instance_id == instance.id, ReadyTask.element_id == element_id)
    )


def _declare(instance: Instance, county: User, theme_index: int, experts: list[str]) -> None:
    data = demo_declaration(
        county.organisation.full_name, load_themes()[theme_index], [_user(e) for e in experts]
    )
    tasks.complete_task(county, _task_of(instance, "Task_Declare").id, data)


def _city_decides(instance: Instance, decision: str, comments: str = "") -> None:
    city = _user(instance.city.adcode)
    data = {"city_decision": decision}
    if comments:
        data["city_comments"] = comments
    tasks.complete_task(city, _task_of(instance, "Task_CityReview").id, data)


def create_demo_programme() -> int:
    """A closed 2026 call (forwarded, returned-then-forwarded, late) and an open 2027 call in progress."""
    if db.session.scalar(select(func.count(Instance.id))):
        return 0
    created = 0
    province = _user("province")
    with _frozen_time(datetime(2026, 4, 30, 9, 0, tzinfo=PROGRAMME_TZ)) as clock:
        call_2026 = calls.open_call(
            province,
            "2026年度全省城乡社区治理实验区申报",
            2026,
            datetime(2026, 6, 30, 23, 59, tzinfo=PROGRAMME_TZ),
        )
        clock.advance(timedelta(days=5))
        started = {}
        for adcode in ("370102", "370203", "370602", "370702", "370811"):
            started[adcode] = applications.start_application(_user(adcode), call_2026.id)
            created += 1
        clock.advance(timedelta(days=10))
        _declare(started["370102"], _user("370102"), 0, ["expert01", "expert03"])
        _declare(started["370203"], _user("370203"), 5, ["expert02"])
        _declare(started["370602"], _user("370602"), 24, ["expert04"])
        _declare(started["370702"], _user("370702"), 8, ["expert07"])
        clock.advance(timedelta(days=7))
        _city_decides(started["370102"], "forward")
        _city_decides(
            started["370203"], "return", "实验举措中分期规划不够具体，请补充各阶段的时间节点和可量化目标。"
        )
        _city_decides(started["370602"], "forward")
        clock.advance(timedelta(days=10))
        _declare(started["370203"], _user("370203"), 5, ["expert02", "expert03"])
        _city_decides(started["370203"], "forward")
        # 370702 is still with its city and 370811 never submitted: the deadline closes both as late.
        clock.set(datetime(2026, 7, 1, 0, 5, tzinfo=PROGRAMME_TZ))
        timers.fire_due_timers()

    with _frozen_time(datetime(2026, 11, 2, 9, 0, tzinfo=PROGRAMME_TZ)) as clock:
        call_2027 = calls.open_call(
            province,
            "2027年度全省城乡社区治理实验区申报",
            2027,
            datetime(2027, 6, 30, 23, 59, tzinfo=PROGRAMME_TZ),
        )
        clock.advance(timedelta(days=3))
        fresh = {}
        for adcode in ("370102", "370302", "370402", "370502", "370883", "371002", "371302", "371702"):
            if adcode == "370102":
                continue  # its 2026 application was forwarded; it waits for the review
            fresh[adcode] = applications.start_application(_user(adcode), call_2027.id)
            created += 1
        clock.advance(timedelta(days=6))
        _declare(fresh["370302"], _user("370302"), 2, ["expert03"])
        _declare(fresh["370402"], _user("370402"), 25, ["expert04"])
        _declare(fresh["370883"], _user("370883"), 27, ["expert01"])
        _declare(fresh["371302"], _user("371302"), 10, ["expert02", "expert04"])
        clock.advance(timedelta(days=4))
        _city_decides(fresh["370402"], "return", "请补充实验保障中经费保障的具体来源和金额。")
        _city_decides(fresh["371302"], "forward")
    return created
