"""Drives applications through the real services, step by step: the demo seeding and the tests share it.

Each step finds the ready task by the form it fills in (the form the diagram names for the task, so a
renamed or replaced element is still found) and completes it as the person the diagram assigns it
to, so histories made this way are real histories. Where two ready tasks of one application share a
form (a change and an extension request both waiting for the city's opinion), the caller names the
element.
"""

from __future__ import annotations

import io

from sqlalchemy import select

from .. import clock
from ..clock import PROGRAMME_TZ
from ..extensions import db
from ..forms.checks import PLAN_SECTIONS
from ..models import Call, Instance, Organisation, ReadyTask, User
from ..reference import load_themes
from ..services.lifecycle import applications, instance_actions, tasks
from .texts import CITY_EVALUATION, DEMO_PDF, copied_plan, demo_declaration


def _today() -> str:
    """Today's date on the app's clock (frozen while seeding or testing), as the forms enter dates."""
    return clock.now().astimezone(PROGRAMME_TZ).date().isoformat()


def _year() -> int:
    return clock.now().astimezone(PROGRAMME_TZ).year


def user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def _organisation(adcode: str) -> Organisation:
    return db.session.execute(select(Organisation).where(Organisation.adcode == adcode)).scalar_one()


def ready_task(instance: Instance, element_id: str, assignee: str | None = None) -> ReadyTask | None:
    """The ready task of a named element (tests name the elements of the repository's diagrams)."""
    query = select(ReadyTask).where(ReadyTask.instance_id == instance.id, ReadyTask.element_id == element_id)
    if assignee is not None:
        query = query.where(ReadyTask.assignee_user_id == user(assignee).id)
    return db.session.scalar(query)


def task_with_form(instance: Instance, form: str, assignee: str | None = None) -> ReadyTask | None:
    """The ready task of `instance` that shows `form`, or None; two such tasks are ambiguous."""
    query = select(ReadyTask).where(ReadyTask.instance_id == instance.id, ReadyTask.form == form)
    if assignee is not None:
        query = query.where(ReadyTask.assignee_user_id == user(assignee).id)
    found = db.session.scalars(query).all()
    if len(found) > 1:
        elements = ", ".join(sorted(t.element_id for t in found))
        raise LookupError(f"#{instance.id}: {elements} all show {form}; name the element")
    return found[0] if found else None


def _with_form(instance: Instance, form: str, assignee: str | None = None) -> ReadyTask:
    """The ready task a step completes, found by its form; LookupError when the step comes out of order."""
    task = task_with_form(instance, form, assignee)
    if task is None:
        raise LookupError(f"#{instance.id}: no ready task shows {form}")
    return task


def _of_element(instance: Instance, element_id: str) -> ReadyTask:
    """The ready task of a named element; LookupError when it is not ready."""
    task = ready_task(instance, element_id)
    if task is None:
        raise LookupError(f"#{instance.id}: {element_id} is not ready")
    return task


def _task(instance: Instance, element_id: str | None, form: str) -> ReadyTask:
    return _of_element(instance, element_id) if element_id else _with_form(instance, form)


def _start_with_form(starter: User, instance: Instance, form: str, data: dict) -> Instance:
    """Start the request (a message start event) whose form is `form` on a running application."""
    starts = [s for s in instance_actions.instance_starts(instance) if s.form == form]
    if len(starts) != 1:
        raise LookupError(f"#{instance.id}: {len(starts)} message start events show {form}")
    return instance_actions.start_action(starter, instance.id, starts[0].element_id, data)


def start(adcode: str, call: Call) -> Instance:
    return applications.start_application(user(adcode), call.id)


def declaration(adcode: str = "370102", theme: int = 0, experts=("expert01",), **overrides) -> dict:
    """A complete declaration (R1-R3 satisfied) for the county, with the reference theme number `theme`."""
    data = demo_declaration(_organisation(adcode).full_name, load_themes()[theme], [user(e) for e in experts])
    data.update(overrides)
    return data


def plan_copied_from(adcode: str, theme: int, source_adcode: str, source_theme: int) -> dict[str, str]:
    """The plan sections of ``adcode``'s declaration with the background and measures of another county's
    plan (its demo declaration on ``source_theme``): a plan the similarity check flags."""
    own, source = declaration(adcode, theme=theme), declaration(source_adcode, theme=source_theme)
    county, source_county = _organisation(adcode).full_name, _organisation(source_adcode).full_name
    return copied_plan(county, {s: own[s] for s in PLAN_SECTIONS}, source_county, source)


def declare(instance: Instance, element_id: str | None = None, **overrides) -> Instance:
    """The declaration, or its revision after a failed review: whichever shows the declaration form."""
    adcode = instance.applicant.adcode
    task = _task(instance, element_id, "declaration.json")
    return tasks.complete_task(user(adcode), task.id, declaration(adcode, **overrides))


def city_decides(instance: Instance, decision: str, comments: str = "") -> Instance:
    data = {"city_decision": decision, **({"city_comments": comments} if comments else {})}
    return tasks.complete_task(user(instance.city.adcode), _with_form(instance, "city_review.json").id, data)


def forward(instance: Instance, **overrides) -> Instance:
    """Phase 1 done: declared and forwarded by the city."""
    declare(instance, **overrides)
    return city_decides(instance, "forward")


def assign(instance: Instance, *experts: str) -> Instance:
    task = _with_form(instance, "assign_experts.json")
    return tasks.complete_task(user("province"), task.id, {"review_experts": list(experts)})


# Versions deployed before the system signed opinions asked the expert to type a signature here.
_TYPED_SIGNATURE = "opinion_signature"


def opine(instance: Instance, expert: str, opinion: str, comments: str = "") -> Instance:
    """The expert's opinion; on a version whose form still asks for a typed signature, their name."""
    expert_user = user(expert)
    task = _with_form(instance, "expert_opinion.json", expert)
    data = {
        "opinion": opinion,
        "opinion_comments": comments
        or ("方案基础扎实，同意通过。" if opinion == "pass" else "分期规划不够具体，请补充。"),
    }
    _, form = tasks.task_form(expert_user, task.id)
    if form.field(_TYPED_SIGNATURE) is not None:
        data[_TYPED_SIGNATURE] = expert_user.display_name
    return tasks.complete_task(expert_user, task.id, data)


def decide(instance: Instance, result: str, comments: str = "") -> Instance:
    if result == "improve" and not comments:
        comments = "专家意见汇总：实验举措需细化，分期目标需量化。"
    data = {"review_result": result, **({"review_comments": comments} if comments else {})}
    return tasks.complete_task(user("province"), _with_form(instance, "review_decision.json").id, data)


def review_round(instance: Instance, result: str, experts=("expert05", "expert06")) -> Instance:
    assign(instance, *experts)
    for expert in experts:
        opine(instance, expert, result)
    return decide(instance, result)


def guide(instance: Instance, comments: str = "请按专家意见补充分期目标和经费保障。") -> Instance:
    city = user(instance.city.adcode)
    return tasks.complete_task(
        city, _with_form(instance, "city_guidance.json").id, {"city_guidance_comments": comments}
    )


def guide_and_revise(instance: Instance, **overrides) -> Instance:
    guide(instance)
    return declare(instance, **overrides)


def submit_formally(instance: Instance, doc_number: str = "") -> Instance:
    """Phase 3: the applicant's formal submission with the 申报表 and the plan attached."""
    county = user(instance.applicant.adcode)
    task = _with_form(instance, "formal_submission.json")
    refs = {
        field: tasks.upload_file(county, task.id, field, f"{field}.pdf", io.BytesIO(DEMO_PDF))
        for field in ("application_form_file", "plan_file")
    }
    data = {
        "submission_doc_number": doc_number or f"{instance.applicant.name}发〔{_year()}〕{instance.id}号",
        "submission_date": _today(),
        **refs,
    }
    return tasks.complete_task(county, task.id, data)


def city_recommends(instance: Instance, agree: bool = True) -> Instance:
    task = _with_form(instance, "city_recommendation.json")
    if agree:
        data = {
            "city_agrees": "agree",
            "city_doc_number": f"{instance.city.name[:2]}民〔{_year()}〕{instance.id}号",
            "city_doc_date": _today(),
            **CITY_EVALUATION,
        }
    else:
        data = {"city_agrees": "decline", "city_recommendation_comments": "工作基础尚不具备，暂不推荐。"}
    return tasks.complete_task(user(instance.city.adcode), task.id, data)


def receive_paper(instance: Instance, copies: int = 3) -> Instance:
    task = _with_form(instance, "paper_receipt.json")
    data = {"paper_copies": copies, "disc_received": True, "received_date": _today()}
    return tasks.complete_task(user("province"), task.id, data)


def assess(instance: Instance, result: str = "pass") -> Instance:
    task = _with_form(instance, "assessment.json")
    grade = "good" if result == "pass" else "poor"
    data = {
        "assessment_meeting": True,
        "assessment_field_visit": result == "pass",
        **{
            dim: grade
            for dim in ("dim_foundation", "dim_theme", "dim_plan", "dim_guarantee", "dim_city_support")
        },
        "assessment_result": result,
        "assessment_comments": "综合评估意见："
        + ("同意认定。" if result == "pass" else "基础薄弱，暂不认定。"),
    }
    return tasks.complete_task(user("province"), task.id, data)


def recognise(instance: Instance, date: str = "") -> Instance:
    task = _with_form(instance, "recognition.json")
    data = {
        "recognition_doc_number": f"鲁民〔{_year()}〕{instance.id}号",
        "recognition_date": date or _today(),
    }
    return tasks.complete_task(user("province"), task.id, data)


_ANNUAL_REPORT_FIELDS = {
    "annual_plan.json": "annual_plan_content",
    "annual_summary.json": "annual_summary_content",
}


def _report(instance: Instance, task: ReadyTask) -> Instance:
    text = (
        "本实验年度围绕实验主题推进重点任务：完善社区协商议事规则，推进社区减负增效，加强社区工作者队伍建设。"
        * 2
    )
    if task.form not in _ANNUAL_REPORT_FIELDS:
        raise LookupError(f"#{instance.id}: {task.element_id} shows {task.form}, not an annual report")
    zone = user(instance.applicant.adcode)
    return tasks.complete_task(zone, task.id, {_ANNUAL_REPORT_FIELDS[task.form]: text})


def annual_plan(instance: Instance) -> Instance:
    """Phase 5: the zone's plan for the experiment year (R7)."""
    return _report(instance, _with_form(instance, "annual_plan.json"))


def annual_summary(instance: Instance) -> Instance:
    """Phase 5: the zone's summary of the experiment year (R7)."""
    return _report(instance, _with_form(instance, "annual_summary.json"))


def annual_report(instance: Instance, element_id: str) -> Instance:
    """The annual plan or summary of a named element (tests name the repository's elements)."""
    return _report(instance, _of_element(instance, element_id))


def follow_up(instance: Instance, element_id: str, username: str) -> Instance:
    """A city's or the province's follow-up of an overdue annual report (R7)."""
    data = {"followup_comments": "已电话督促实验区尽快报送。"}
    return tasks.complete_task(user(username), _of_element(instance, element_id).id, data)


def run_the_experiment(instance: Instance) -> Instance:
    """Phase 5 to its end: every experiment year's plan and summary."""
    while task_with_form(instance, "annual_plan.json") is not None:
        annual_plan(instance)
        instance = annual_summary(instance)
    return instance


def final_report(instance: Instance) -> Instance:
    text = "实验期内，本区围绕实验主题健全制度、创新机制，形成了可复制推广的经验。" * 8
    zone = user(instance.applicant.adcode)
    return tasks.complete_task(
        zone, _with_form(instance, "final_report.json").id, {"final_report_content": text}
    )


def acceptance(instance: Instance, accepted: bool = True) -> Instance:
    data = {
        "acceptance_result": "accepted" if accepted else "not_accepted",
        "acceptance_date": _today(),
        "acceptance_comments": "实验目标基本实现，同意通过验收。" if accepted else "主要实验任务未完成。",
    }
    return tasks.complete_task(user("province"), _with_form(instance, "acceptance_review.json").id, data)


def national_recommendation(instance: Instance, recommend: bool = True, programme: str = "") -> Instance:
    data = {"national_decision": "recommend" if recommend else "not_recommend"}
    if recommend:
        kind = instance.theme_kind
        data["national_programme"] = programme or (
            "rural_governance" if kind == "rural" else "community_innovation"
        )
    task = _with_form(instance, "national_recommendation.json")
    return tasks.complete_task(user("province"), task.id, data)


def request_change(instance: Instance, change_type: str, **fields) -> Instance:
    """Phase 5: the zone asks for a content change, a schedule adjustment or a suspension (R6)."""
    data = {"change_type": change_type, "change_reason": "因辖区社区调整，需相应调整实验安排。"} | fields
    if change_type == "content" and "change_content" not in fields:
        data["change_content"] = (
            "将“社区协商议事”拓展为“社区协商议事与小区治理融合”，增加小区议事会建设内容。"
        )
    zone = user(instance.applicant.adcode)
    return _start_with_form(zone, instance, "change_request.json", data)


def request_extension(instance: Instance, new_end_date: str) -> Instance:
    """Phase 6: before the period ends the zone asks for more time (R8)."""
    data = {
        "extension_reason": "受重点项目建设周期影响，部分实验任务需延后完成。",
        "new_end_date": new_end_date,
    }
    zone = user(instance.applicant.adcode)
    return _start_with_form(zone, instance, "extension_request.json", data)


def city_opinion_on_request(
    instance: Instance, element_id: str | None = None, agree: bool = True
) -> Instance:
    """The city's opinion on the waiting change or extension request (name the element when both wait)."""
    data = {
        "request_city_agrees": "agree" if agree else "disagree",
        "request_city_opinion": "情况属实，同意报省民政厅审批。" if agree else "理由不充分，不同意。",
    }
    task = _task(instance, element_id, "request_city_opinion.json")
    return tasks.complete_task(user(instance.city.adcode), task.id, data)


def decide_request(instance: Instance, element_id: str | None = None, approve: bool = True) -> Instance:
    """The province's decision on the waiting change or extension request (name the element if both wait)."""
    data = {"request_decision": "approve" if approve else "reject", "request_decision_date": _today()}
    if not approve:
        data["request_decision_opinion"] = "申请理由不充分，不予批准。"
    return tasks.complete_task(
        user("province"), _task(instance, element_id, "request_decision.json").id, data
    )


def record_inspection(instance: Instance, rectification: bool = False) -> Instance:
    """The province records an inspection (考核评价和检查验收), asking for rectification or not."""
    data = {
        "inspection_kind": "field_visit",
        "inspection_date": _today(),
        "inspection_findings": "实验工作有序推进，台账资料较完整。"
        if not rectification
        else "部分实验任务进度滞后。",
        "rectification_required": "yes" if rectification else "no",
    }
    if rectification:
        data["rectification_requirements"] = "请于一个月内补齐滞后任务并报送整改情况。"
    return _start_with_form(user("province"), instance, "inspection.json", data)


def rectify(instance: Instance) -> Instance:
    data = {"rectification_report": "已召开专题会议部署整改，滞后任务已全部补齐。"}
    zone = user(instance.applicant.adcode)
    return tasks.complete_task(zone, _with_form(instance, "rectification.json").id, data)


def through_every_kind_of_step(instance: Instance) -> Instance:
    """A lifecycle with a city return, two review rounds, a change request and an extension.

    Used where a history with loops, sub-processes and event sub-processes is needed (the
    auditor's replay): the clock is whatever the caller froze, so every step happens at one time.
    """
    declare(instance)
    city_decides(instance, "return", "请补充实验举措。")
    forward(instance)
    review_round(instance, "improve")
    guide_and_revise(instance)
    review_round(instance, "pass", experts=("expert07",))
    submit_formally(instance)
    city_recommends(instance)
    receive_paper(instance)
    assess(instance, "pass")
    recognise(instance)
    request_change(instance, "content")
    city_opinion_on_request(instance)
    decide_request(instance)
    request_extension(instance, "2029-02-28")
    city_opinion_on_request(instance)
    return decide_request(instance)
