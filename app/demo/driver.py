"""Drives applications through the real services, step by step: the demo seeding and the tests share it.

Each step finds the ready task by its BPMN element id and completes it as the person the diagram
assigns it to, so histories made this way are real histories.
"""

from __future__ import annotations

import io

from sqlalchemy import select

from .. import clock
from ..clock import PROGRAMME_TZ
from ..extensions import db
from ..models import Call, Instance, ReadyTask, User
from ..reference import load_themes
from ..services.lifecycle import applications, instance_actions, tasks
from .texts import demo_declaration


def _today() -> str:
    """Today's date on the app's clock (frozen while seeding or testing), as the forms enter dates."""
    return clock.now().astimezone(PROGRAMME_TZ).date().isoformat()


def _year() -> int:
    return clock.now().astimezone(PROGRAMME_TZ).year


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


# A minimal well-formed PDF: what an applicant's scanned 申报表 is to the system.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def submit_formally(instance: Instance, doc_number: str = "") -> Instance:
    """Phase 3: the applicant's formal submission with the 申报表 and the plan attached."""
    county = user(instance.applicant.adcode)
    task = ready_task(instance, "Task_FormalSubmission")
    refs = {
        field: tasks.upload_file(county, task.id, field, f"{field}.pdf", io.BytesIO(DEMO_PDF))
        for field in ("application_form_file", "plan_file")
    }
    data = {
        "submission_doc_number": doc_number or f"{county.organisation.name}发〔{_year()}〕{instance.id}号",
        "submission_date": _today(),
        **refs,
    }
    return tasks.complete_task(county, task.id, data)


def city_recommends(instance: Instance, agree: bool = True) -> Instance:
    task = ready_task(instance, "Task_CityRecommendation")
    if agree:
        data = {
            "city_agrees": "agree",
            "city_doc_number": f"{instance.city.name[:2]}民〔{_year()}〕{instance.id}号",
            "city_doc_date": _today(),
            "evaluation_foundation": "该区社区治理工作基础扎实，具备开展实验的条件。",
            "evaluation_theme_measures": "实验主题明确，举措具体可行。",
            "evaluation_guidance": "市民政局全程参与指导实验方案制定。",
            "support_policy": "将实验区建设纳入全市社区治理重点工作。",
            "support_funding": "市级财政安排专项补助资金 100 万元。",
            "support_projects": "优先安排社区服务设施建设项目。",
        }
    else:
        data = {"city_agrees": "decline", "city_recommendation_comments": "工作基础尚不具备，暂不推荐。"}
    return tasks.complete_task(user(instance.city.adcode), task.id, data)


def receive_paper(instance: Instance, copies: int = 3) -> Instance:
    task = ready_task(instance, "Task_PaperReceipt")
    data = {"paper_copies": copies, "disc_received": True, "received_date": _today()}
    return tasks.complete_task(user("province"), task.id, data)


def assess(instance: Instance, result: str = "pass") -> Instance:
    task = ready_task(instance, "Task_Assessment")
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
    task = ready_task(instance, "Task_Recognition")
    data = {
        "recognition_doc_number": f"鲁民〔{_year()}〕{instance.id}号",
        "recognition_date": date or _today(),
    }
    return tasks.complete_task(user("province"), task.id, data)


def annual_report(instance: Instance, element_id: str) -> Instance:
    """Phase 5: the zone's annual plan (Task_AnnualPlan) or annual summary (Task_AnnualSummary)."""
    field = "annual_plan_content" if element_id == "Task_AnnualPlan" else "annual_summary_content"
    text = (
        "本实验年度围绕实验主题推进重点任务：完善社区协商议事规则，推进社区减负增效，加强社区工作者队伍建设。"
        * 2
    )
    zone = user(instance.applicant.adcode)
    return tasks.complete_task(zone, ready_task(instance, element_id).id, {field: text})


def follow_up(instance: Instance, element_id: str, username: str) -> Instance:
    """A city's or the province's follow-up of an overdue annual report (R7)."""
    data = {"followup_comments": "已电话督促实验区尽快报送。"}
    return tasks.complete_task(user(username), ready_task(instance, element_id).id, data)


def run_the_experiment(instance: Instance) -> Instance:
    """Phase 5 to its end: every experiment year's plan and summary."""
    while ready_task(instance, "Task_AnnualPlan") is not None:
        annual_report(instance, "Task_AnnualPlan")
        instance = annual_report(instance, "Task_AnnualSummary")
    return instance


def final_report(instance: Instance) -> Instance:
    text = "实验期内，本区围绕实验主题健全制度、创新机制，形成了可复制推广的经验。" * 8
    zone = user(instance.applicant.adcode)
    return tasks.complete_task(
        zone, ready_task(instance, "Task_FinalReport").id, {"final_report_content": text}
    )


def acceptance(instance: Instance, accepted: bool = True) -> Instance:
    data = {
        "acceptance_result": "accepted" if accepted else "not_accepted",
        "acceptance_date": _today(),
        "acceptance_comments": "实验目标基本实现，同意通过验收。" if accepted else "主要实验任务未完成。",
    }
    return tasks.complete_task(user("province"), ready_task(instance, "Task_AcceptanceReview").id, data)


def national_recommendation(instance: Instance, recommend: bool = True, programme: str = "") -> Instance:
    data = {"national_decision": "recommend" if recommend else "not_recommend"}
    if recommend:
        kind = instance.theme_kind
        data["national_programme"] = programme or (
            "rural_governance" if kind == "rural" else "community_innovation"
        )
    task = ready_task(instance, "Task_NationalRecommendation")
    return tasks.complete_task(user("province"), task.id, data)


def request_change(instance: Instance, change_type: str, **fields) -> Instance:
    """Phase 5: the zone asks for a content change, a schedule adjustment or a suspension (R6)."""
    data = {"change_type": change_type, "change_reason": "因辖区社区调整，需相应调整实验安排。"} | fields
    if change_type == "content" and "change_content" not in fields:
        data["change_content"] = (
            "将“社区协商议事”拓展为“社区协商议事与小区治理融合”，增加小区议事会建设内容。"
        )
    zone = user(instance.applicant.adcode)
    return instance_actions.start_action(zone, instance.id, "Start_ChangeRequest", data)


def request_extension(instance: Instance, new_end_date: str) -> Instance:
    """Phase 6: before the period ends the zone asks for more time (R8)."""
    data = {
        "extension_reason": "受重点项目建设周期影响，部分实验任务需延后完成。",
        "new_end_date": new_end_date,
    }
    zone = user(instance.applicant.adcode)
    return instance_actions.start_action(zone, instance.id, "Start_Extension", data)


def city_opinion_on_request(instance: Instance, element_id: str, agree: bool = True) -> Instance:
    """The city's opinion on a change (Task_ChangeCityOpinion) or extension (Task_ExtensionCityOpinion)."""
    data = {
        "request_city_agrees": "agree" if agree else "disagree",
        "request_city_opinion": "情况属实，同意报省民政厅审批。" if agree else "理由不充分，不同意。",
    }
    return tasks.complete_task(user(instance.city.adcode), ready_task(instance, element_id).id, data)


def decide_request(instance: Instance, element_id: str, approve: bool = True) -> Instance:
    """The province's decision on a change (Task_ChangeDecision) or extension (Task_ExtensionDecision)."""
    data = {"request_decision": "approve" if approve else "reject", "request_decision_date": _today()}
    if not approve:
        data["request_decision_opinion"] = "申请理由不充分，不予批准。"
    return tasks.complete_task(user("province"), ready_task(instance, element_id).id, data)


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
    return instance_actions.start_action(user("province"), instance.id, "Start_Inspection", data)


def rectify(instance: Instance) -> Instance:
    data = {"rectification_report": "已召开专题会议部署整改，滞后任务已全部补齐。"}
    zone = user(instance.applicant.adcode)
    return tasks.complete_task(zone, ready_task(instance, "Task_Rectification").id, data)


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
    city_opinion_on_request(instance, "Task_ChangeCityOpinion")
    decide_request(instance, "Task_ChangeDecision")
    request_extension(instance, "2029-02-28")
    city_opinion_on_request(instance, "Task_ExtensionCityOpinion")
    return decide_request(instance, "Task_ExtensionDecision")
