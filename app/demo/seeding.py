"""Demo accounts, a demo programme and a workbench draft. Every function is idempotent.

Demo applications are made by driving the real services under a frozen clock, so their histories
are real histories, not rows written by hand.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from ..clock import PROGRAMME_TZ, FrozenClock
from ..extensions import db
from ..models import Call, Instance, Organisation, ProcessDraft, User, UserRole
from ..roles import Role
from ..services import similarity
from ..services.accounts.passwords import hash_password
from ..services.lifecycle import call_notices, calls, timers
from ..services.reading.call_documents import notice_pdf, reference_themes_xlsx
from ..services.workbench import drafts as workbench
from . import driver

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

# Several staff of one unit, so that claiming (认领), assigning (指派) and delegation (代理) can be
# tried at once: (unit's adcode, username, display name, whether they are the unit head). The unit's
# own account (370100, 370102) goes on working beside them.
_UNIT_STAFF = [
    ("370100", "370100-a", "张丽", True),
    ("370100", "370100-b", "刘洋", False),
    ("370102", "370102-a", "王芳", True),
    ("370102", "370102-b", "陈刚", False),
]


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
    """Every county and city by adcode, the province, experts, owner, auditor, admin, and the staff
    of 济南市 and 历下区."""
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
    for adcode, username, name, head in _UNIT_STAFF:
        unit = db.session.scalar(select(Organisation).where(Organisation.adcode == adcode))
        if unit is not None:
            role = Role.CITY if unit.level == "city" else Role.APPLICANT
            roles = [role, Role.UNIT_HEAD] if head else [role]
            created += _ensure_user(username, name, roles, password, unit)
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


NOTICE_TEXT = (Path(__file__).parent / "notice_2019_50.txt").read_text(encoding="utf-8")
NOTICE_CONTACTS = "联系人：张蕾、郭洋\n电话：0531-86152869\n电子邮箱：sdmzzqc@shandong.cn"


@lru_cache(maxsize=1)
def _notice_files() -> tuple[tuple[str, str, bytes], ...]:
    """(kind, file name, content) of the files every demo call publishes, made once per process."""
    return (
        (
            "notice",
            "鲁民函〔2019〕50号 关于开展全省城乡社区治理实验区建设的通知.pdf",
            notice_pdf("山东省民政厅关于开展全省城乡社区治理实验区建设的通知", NOTICE_TEXT),
        ),
        ("reference_themes", "附件1-2 城乡社区治理实验参考选题.xlsx", reference_themes_xlsx()),
    )


def _open_call(province: User, year: int) -> Call:
    """The year's call, with the notice's deadline for the electronic plan (30 June), its text, its
    contacts and its files (the 申报表 template the app prints blank on every call's page)."""
    deadline = datetime(year, 6, 30, 23, 59, tzinfo=PROGRAMME_TZ)
    name = f"{year}年度全省城乡社区治理实验区申报"
    name_en = f"{year} provincial call for community governance experimental zones"
    call = calls.open_call(province, name, year, deadline, name_en=name_en)
    call_notices.update_notice(province, call.id, NOTICE_TEXT, NOTICE_CONTACTS)
    for kind, filename, content in _notice_files():
        call_notices.add_generated(call, kind, filename, content)
    return call


def _completed_experiments(province: User) -> int:
    """A 2024 call whose zones ran their experiment years: one accepted and recommended to the
    national programme, one accepted only, one not accepted, one whose final report waits for the
    acceptance review; one extended into a third year (with an inspection asking for rectification),
    one terminated by an approved suspension, and one whose last annual summary is overdue while its
    request to move that due date waits for its city."""
    with _frozen_time(datetime(2024, 4, 1, 9, 0, tzinfo=PROGRAMME_TZ)) as clock:
        call = _open_call(province, 2024)
        clock.advance(timedelta(days=10))
        themes = {
            "370103": 6,
            "370212": 14,
            "370481": 23,
            "370783": 20,
            "370982": 3,
            "371082": 10,
            "371502": 15,
        }
        zones = {a: driver.start(a, call) for a in themes}
        clock.advance(timedelta(days=20))
        for adcode, theme in themes.items():
            driver.forward(zones[adcode], theme=theme, experts=("expert02",))
        clock.set(datetime(2024, 7, 15, 9, 0, tzinfo=PROGRAMME_TZ))
        for zone in zones.values():
            driver.review_round(zone, "pass", experts=("expert05",))
        clock.set(datetime(2024, 9, 2, 9, 0, tzinfo=PROGRAMME_TZ))
        for zone in zones.values():
            driver.submit_formally(zone)
            driver.city_recommends(zone)
            driver.receive_paper(zone)
        clock.set(datetime(2024, 10, 10, 9, 0, tzinfo=PROGRAMME_TZ))
        for zone in zones.values():
            driver.assess(zone, "pass")
            driver.recognise(zone)  # 22 months: the period's last day is 2026-08-09
        for when, report in (
            (datetime(2024, 10, 20, 9, 0, tzinfo=PROGRAMME_TZ), driver.annual_plan),
            (datetime(2025, 10, 5, 9, 0, tzinfo=PROGRAMME_TZ), driver.annual_summary),
            (datetime(2025, 10, 20, 9, 0, tzinfo=PROGRAMME_TZ), driver.annual_plan),
        ):
            clock.set(when)
            for zone in zones.values():
                report(zone)
        clock.set(datetime(2025, 12, 1, 9, 0, tzinfo=PROGRAMME_TZ))
        terminated = zones.pop("370982")
        driver.request_change(terminated, "suspension", change_reason="辖区行政区划调整，实验无法继续开展。")
        clock.advance(timedelta(days=5))
        driver.city_opinion_on_request(terminated)
        clock.advance(timedelta(days=10))
        driver.decide_request(terminated)
        clock.set(datetime(2026, 6, 15, 9, 0, tzinfo=PROGRAMME_TZ))
        extended = zones["370783"]
        driver.request_extension(extended, "2027-04-30")
        clock.advance(timedelta(days=5))
        driver.city_opinion_on_request(extended)
        clock.advance(timedelta(days=10))
        driver.decide_request(extended)
        clock.set(datetime(2026, 7, 30, 9, 0, tzinfo=PROGRAMME_TZ))
        late = zones.pop("371082")
        for zone in zones.values():
            driver.annual_summary(zone)
        clock.set(datetime(2026, 9, 20, 9, 0, tzinfo=PROGRAMME_TZ))
        # Its overdue summary is flagged first, then the request waits for the city.
        driver.request_change(late, "schedule", new_summary_due="2026-12-15")
        clock.set(datetime(2026, 10, 15, 9, 0, tzinfo=PROGRAMME_TZ))
        timers.fire_due_timers()  # the other periods ended on 2026-08-09
        # 371502's final report waits for the province's acceptance review (验收评审).
        ended = [zones[a] for a in ("370103", "370212", "370481", "371502")]
        for zone in ended:
            driver.final_report(zone)
        clock.set(datetime(2026, 11, 5, 9, 0, tzinfo=PROGRAMME_TZ))
        driver.record_inspection(extended, rectification=True)
        clock.set(datetime(2026, 11, 10, 9, 0, tzinfo=PROGRAMME_TZ))
        driver.acceptance(zones["370103"])
        driver.national_recommendation(zones["370103"])
        driver.acceptance(zones["370212"])
        driver.national_recommendation(zones["370212"], recommend=False)
        driver.acceptance(zones["370481"], accepted=False)
    return len(themes)


def create_demo_programme() -> int:
    """A completed 2024 call, a 2026 call run through every phase so far, and an open 2027 call.

    Made with the real services under a frozen clock (see `driver`), so every history is genuine.
    """
    if db.session.scalar(select(func.count(Instance.id))):
        return 0
    province = driver.user("province")
    completed = _completed_experiments(province)
    with _frozen_time(datetime(2026, 4, 30, 9, 0, tzinfo=PROGRAMME_TZ)) as clock:
        call = _open_call(province, 2026)
        clock.advance(timedelta(days=5))
        apps = {
            a: driver.start(a, call)
            for a in ("370102", "370203", "370602", "370612", "370702", "370811", "371102", "371402")
        }
        clock.advance(timedelta(days=10))
        themes = {
            "370102": 0,
            "370203": 5,
            "370602": 24,
            "370612": 18,
            "370702": 8,
            "371102": 12,
            "371402": 27,
        }
        experts = {"370102": ("expert01", "expert03"), "370203": ("expert02",), "370602": ("expert04",)}
        for adcode, theme in themes.items():
            driver.declare(apps[adcode], theme=theme, experts=experts.get(adcode, ("expert07",)))
        clock.advance(timedelta(days=7))
        for adcode in ("370102", "370602", "370612", "371102", "371402"):
            driver.city_decides(apps[adcode], "forward")
        driver.city_decides(
            apps["370203"], "return", "实验举措中分期规划不够具体，请补充各阶段的时间节点和可量化目标。"
        )
        clock.advance(timedelta(days=10))
        driver.forward(apps["370203"], theme=5, experts=("expert02", "expert03"))
        # 370702 is still with its city and 370811 never submitted: the deadline closes both as late.
        clock.set(datetime(2026, 7, 1, 0, 5, tzinfo=PROGRAMME_TZ))
        timers.fire_due_timers()

        clock.set(datetime(2026, 7, 10, 9, 0, tzinfo=PROGRAMME_TZ))
        driver.assign(apps["370102"], "expert05", "expert06")  # round 1 under way: expert06 still to answer
        driver.opine(apps["370102"], "expert05", "improve")
        driver.review_round(apps["370203"], "pass", experts=("expert07",))  # passed: on to phases 3 and 4
        driver.review_round(apps["371102"], "pass", experts=("expert05", "expert08"))
        driver.review_round(apps["370612"], "pass", experts=("expert06",))
        driver.review_round(apps["371402"], "improve", experts=("expert06", "expert08"))  # city to guide
        driver.review_round(apps["370602"], "improve", experts=("expert05", "expert08"))
        clock.advance(timedelta(days=20))
        driver.guide_and_revise(apps["370602"], theme=24, experts=("expert04",))
        clock.advance(timedelta(days=20))
        driver.review_round(apps["370602"], "improve", experts=("expert06",))  # failed twice: theme barred
        clock.set(datetime(2026, 9, 1, 9, 0, tzinfo=PROGRAMME_TZ))
        driver.submit_formally(apps["370203"])
        driver.submit_formally(apps["371102"])  # waits for its city's recommendation
        driver.submit_formally(apps["370612"])
        clock.advance(timedelta(days=9))
        driver.city_recommends(apps["370203"])
        driver.city_recommends(apps["370612"])
        clock.advance(timedelta(days=5))
        driver.receive_paper(apps["370203"])
        driver.receive_paper(apps["370612"])  # waits for the province's assessment (评估认定)
        clock.set(datetime(2026, 10, 8, 9, 0, tzinfo=PROGRAMME_TZ))
        driver.assess(apps["370203"], "pass")
        driver.recognise(apps["370203"], "2026-10-08")  # a recognised experimental zone
        clock.set(datetime(2026, 10, 20, 9, 0, tzinfo=PROGRAMME_TZ))
        driver.record_inspection(apps["370203"])
        driver.request_change(apps["370203"], "content")  # the city agrees; the province decides
        clock.advance(timedelta(days=3))
        driver.city_opinion_on_request(apps["370203"])

    with _frozen_time(datetime(2026, 11, 2, 9, 0, tzinfo=PROGRAMME_TZ)) as clock:
        call = _open_call(province, 2027)
        clock.advance(timedelta(days=3))
        fresh = {
            a: driver.start(a, call) for a in ("370302", "370402", "370502", "370602", "370883", "371002")
        }
        fresh["371302"] = driver.start("371302", call)
        fresh["370214"] = driver.start("370214", call)
        # 济南市's staff share their city's review of 槐荫区's plan, 历下区's staff their new draft: each
        # unit's members can claim (认领) and its head assign (指派) at once.
        fresh["370102"] = driver.start("370102", call)
        fresh["370104"] = driver.start("370104", call)
        clock.advance(timedelta(days=6))
        driver.declare(fresh["370302"], theme=2, experts=("expert03",))
        driver.declare(fresh["370402"], theme=25, experts=("expert04",))
        # expert07 guides 370883's plan and is a review expert too: the province's picker refuses them.
        # Its plan copies 370302's background and measures: the similarity check flags it to 济宁市
        # and the province.
        copied = driver.plan_copied_from("370883", 27, "370302", 2)
        driver.declare(fresh["370883"], theme=27, experts=("expert01", "expert07"), **copied)
        driver.declare(fresh["371302"], theme=10, experts=("expert02", "expert04"))
        driver.forward(fresh["370214"], theme=4, experts=("expert03",))
        driver.declare(fresh["370104"], theme=1, experts=("expert01",))
        clock.advance(timedelta(days=4))
        driver.city_decides(fresh["370402"], "return", "请补充实验保障中经费保障的具体来源和金额。")
        driver.city_decides(fresh["371302"], "forward")
        driver.city_decides(fresh["370883"], "forward")  # waits for the province to assign experts
        clock.advance(timedelta(days=1))
        driver.assign(fresh["371302"], "expert05", "expert07", "expert08")
        _second_round(clock, fresh["370214"])
        timers.fire_due_timers()  # overdue annual plans are flagged to their cities and the province
        while similarity.run_pending_checks():  # the worker's plan similarity checks, done at once
            pass
    return completed + len(apps) + len(fresh)


def _second_round(clock: FrozenClock, instance: Instance) -> None:
    """待完善 in the first round, a revision of the measures after the city's guidance, and the second
    round's experts at work: they read the revision against the first version."""
    driver.review_round(instance, "improve", experts=("expert05", "expert06"))
    clock.advance(timedelta(days=3))
    first = driver.declaration(instance.applicant.adcode, theme=4, experts=("expert03",))
    revised = first["plan_measures"] + _REVISED_MEASURES
    driver.guide_and_revise(instance, theme=4, experts=("expert03",), plan_measures=revised)
    clock.advance(timedelta(days=2))
    driver.assign(instance, "expert06", "expert08")


_REVISED_MEASURES = (
    "（修改补充）按专家意见细化分期目标：第一阶段（前六个月）完成社区议事协商目录编制和议事规则修订，"
    "覆盖全部城市社区；第二阶段（第七至十八个月）在每个街道培育不少于三个社区社会组织参与协商，"
    "形成可量化的年度评估指标；第三阶段总结提炼经验，形成制度成果。"
)


def create_demo_draft() -> int:
    """A process owner's draft on the workbench: the preliminary review allowing three rounds.

    Its deploy page shows the regression replay: the demo application that failed its review
    twice would have gone differently. Nothing is deployed.
    """
    owner = driver.user("owner")
    if db.session.scalar(select(func.count(ProcessDraft.id))):
        return 0
    draft = workbench.create_draft(owner, "初审最多三轮（草稿）")
    review = draft.bpmn_files["review.bpmn"]
    three_rounds = review.replace("review_round &lt; 2", "review_round &lt; 3").replace(
        "review_round &gt;= 2", "review_round &gt;= 3"
    )
    workbench.save_file(owner, draft.id, "review.bpmn", three_rounds)
    return 1
