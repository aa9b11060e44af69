"""Drives applications through the real services, step by step: the demo seeding and the tests share it.

Each step finds the ready task by its BPMN element id and completes it as the person the diagram
assigns it to, so histories made this way are real histories.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Call, Instance, ReadyTask, User
from ..reference import load_themes
from . import applications, tasks
from .demo_texts import demo_declaration


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def ready_task(instance: Instance, element_id: str, assignee: str | None = None) -> ReadyTask | None:
    query = select(ReadyTask).where(ReadyTask.instance_id == instance.id, ReadyTask.element_id == element_id)
    if assignee is not None:
        query = query.where(ReadyTask.assignee_user_id == user(assignee).id)
    return db.session.scalar(query)


def start(adcode: str, call: Call) -> Instance:
    return applications.start_application(user(adcode), call.id)


def declaration(adcode: str = "370102", theme: int = 0, experts=("expert01",), **overrides) -> dict:
    """A complete declaration (R1-R3 satisfied) for the county, with the reference theme number `theme`."""
    data = demo_declaration(
        user(adcode).organisation.full_name, load_themes()[theme], [user(e) for e in experts]
    )
    data.update(overrides)
    return data


def declare(instance: Instance, element_id: str = "Task_Declare", **overrides) -> Instance:
    adcode = instance.applicant.adcode
    return tasks.complete_task(
        user(adcode), ready_task(instance, element_id).id, declaration(adcode, **overrides)
    )


def city_decides(instance: Instance, decision: str, comments: str = "") -> Instance:
    data = {"city_decision": decision, **({"city_comments": comments} if comments else {})}
    return tasks.complete_task(user(instance.city.adcode), ready_task(instance, "Task_CityReview").id, data)


def forward(instance: Instance, **overrides) -> Instance:
    """Phase 1 done: declared and forwarded by the city."""
    declare(instance, **overrides)
    return city_decides(instance, "forward")


def assign(instance: Instance, *experts: str) -> Instance:
    task = ready_task(instance, "Task_AssignExperts")
    return tasks.complete_task(user("province"), task.id, {"review_experts": list(experts)})


def opine(instance: Instance, expert: str, opinion: str, comments: str = "") -> Instance:
    expert_user = user(expert)
    data = {
        "opinion": opinion,
        "opinion_comments": comments
        or ("方案基础扎实，同意通过。" if opinion == "pass" else "分期规划不够具体，请补充。"),
        "opinion_signature": expert_user.display_name,
    }
    return tasks.complete_task(expert_user, ready_task(instance, "Task_ExpertOpinion", expert).id, data)


def decide(instance: Instance, result: str, comments: str = "") -> Instance:
    if result == "improve" and not comments:
        comments = "专家意见汇总：实验举措需细化，分期目标需量化。"
    data = {"review_result": result, **({"review_comments": comments} if comments else {})}
    return tasks.complete_task(user("province"), ready_task(instance, "Task_ReviewDecision").id, data)


def review_round(instance: Instance, result: str, experts=("expert05", "expert06")) -> Instance:
    assign(instance, *experts)
    for expert in experts:
        opine(instance, expert, result)
    return decide(instance, result)


def guide(instance: Instance, comments: str = "请按专家意见补充分期目标和经费保障。") -> Instance:
    city = user(instance.city.adcode)
    return tasks.complete_task(
        city, ready_task(instance, "Task_CityGuidance").id, {"city_guidance_comments": comments}
    )


def guide_and_revise(instance: Instance, **overrides) -> Instance:
    guide(instance)
    return declare(instance, "Task_Revise", **overrides)
