"""Independent and confidential review (app/visibility.py): who reads which expert opinion, role by role.

The scenario: 济南市历下区 (guiding expert 王建国, expert01) is reviewed by 陈志强 (expert05) and 赵敏
(expert06); the province decides 待完善 with its summary, which goes to the city (汇总专家意见反馈市级
民政部门). The province and the auditor read every opinion; each expert reads only their own; the
city, the applicant and its guiding expert read the province's summary and decision, never an
expert's name or opinion: on the task page, the application page, the printed 申报表 and the API.
"""

from __future__ import annotations

import pytest

from app.services.reading import history_view
from app.services.reading.application_form import application_form_for
from app.services.store import deployment
from app.visibility import may_see_submission, sees_every_submission

from .web_helpers import login

EXPERT05, EXPERT06 = "陈志强", "赵敏"
OPINION05, OPINION06 = "保障措施偏弱，经费来源不明。", "分期目标需要量化到年度。"
SUMMARY = "专家组意见汇总：请细化分期目标，落实经费保障。"


def _reviewed(world):
    """Round 1 decided 待完善: the application waits for the city's guidance."""
    instance = world.forward(world.start("370102"))
    world.assign(instance, "expert05", "expert06")
    world.opine(instance, "expert05", "improve", OPINION05)
    world.opine(instance, "expert06", "improve", OPINION06)
    world.decide(instance, "improve", SUMMARY)
    return world.reload(instance)


@pytest.fixture
def reviewed(world):
    return _reviewed(world)


def _page(app, username: str, url: str) -> tuple[int, str]:
    """The page as `username` gets it, signed in on a client of its own (its own app context, so the
    CSRF token Flask-WTF keeps in ``g`` is not another client's)."""
    with app.app_context():
        client = app.test_client()
        login(client, username)
        response = client.get(url)
        return response.status_code, response.get_data(as_text=True)


def _history(api, username: str, instance) -> list[dict]:
    response = api.get(username, f"/api/instances/{instance.id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["history"]


def _opinion_events(history: list[dict]) -> list[dict]:
    return [e for e in history if e["element_name"] == "专家评审"]


# The policy itself, for every role -------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "reads_05", "reads_06"),
    [
        ("province", True, True),
        ("auditor", True, True),
        ("expert05", True, False),  # the expert who wrote it
        ("expert06", False, True),  # another review expert
        ("370102", False, False),  # the applicant
        ("expert01", False, False),  # its guiding expert
        ("370100", False, False),  # its city
        ("owner", False, False),
        ("admin", False, False),
    ],
)
def test_only_the_province_the_auditors_and_the_author_may_read_an_expert_opinion(
    world, username, reads_05, reads_06
):
    viewer = world.user(username)
    assert may_see_submission(viewer, "review_expert", world.user("expert05").id) is reads_05
    assert may_see_submission(viewer, "review_expert", world.user("expert06").id) is reads_06
    assert may_see_submission(viewer, "city", world.user("370100").id), "other roles' steps are not secret"
    assert sees_every_submission(viewer) is (username in ("province", "auditor"))


# Before submitting: independence ---------------------------------------------------------------


def test_an_expert_does_not_see_another_experts_opinion_before_submitting(app, api, world):
    instance = world.forward(world.start("370102"))
    world.assign(instance, "expert05", "expert06")
    world.opine(instance, "expert05", "improve", OPINION05)
    task = world.opinion_task(instance, "expert06")

    status, html = _page(app, "expert06", f"/tasks/{task.id}")
    assert status == 200
    assert OPINION05 not in html and EXPERT05 not in html
    assert 'data-testid="opinions-withheld"' in html  # the panel says why it shows no opinion

    values = api.get("expert06", f"/api/tasks/{task.id}").get_json()["values"]
    assert "review_experts" not in values and "opinions" not in values, "not even who else reviews"
    withheld = _opinion_events(_history(api, "expert06", instance))
    assert [(e["confidential"], e["actor"], e["data"], e["signed_by"]) for e in withheld] == [
        (True, None, {}, None)
    ]


def test_after_submitting_an_expert_reads_their_own_opinion_signed_but_not_the_others(app, api, reviewed):
    status, html = _page(app, "expert06", f"/applications/{reviewed.id}")
    assert status == 200
    assert OPINION06 in html and OPINION05 not in html and EXPERT05 not in html
    own = [e for e in _opinion_events(_history(api, "expert06", reviewed)) if not e["confidential"]]
    assert [(e["actor"], e["data"]["opinion_comments"], e["signed_by"]) for e in own] == [
        ("expert06", OPINION06, EXPERT06)
    ]


# After the decision: the province's summary goes to the city -----------------------------------


@pytest.mark.parametrize("username", ["370102", "expert01", "370100"])
def test_the_applicant_its_guiding_expert_and_the_city_read_the_summary_but_no_expert(
    app, api, world, reviewed, username
):
    status, html = _page(app, username, f"/applications/{reviewed.id}")
    assert status == 200
    assert SUMMARY in html and "待完善" in html
    for secret in (EXPERT05, EXPERT06, OPINION05, OPINION06):
        assert secret not in html
    assert html.count('data-testid="withheld"') == 2, "each opinion a row that says it is confidential"

    history = _history(api, username, reviewed)
    assert [e["confidential"] for e in _opinion_events(history)] == [True, True]
    assert all(e["actor"] is None and e["data"] == {} for e in _opinion_events(history))
    assigned = next(e for e in history if e["element_name"] == "指派评审专家")
    assert "review_experts" not in assigned["data"], "the panel's names stay with the province"
    decision = next(e for e in history if e["element_name"] == "汇总专家意见并作出初审结论")
    assert decision["data"]["review_comments"] == SUMMARY

    form = application_form_for(world.user(username), reviewed.id)
    assert form.review_opinion.comments == SUMMARY
    assert form.review_opinion.signatures == ["专家组"]
    status, printed = _page(app, username, f"/applications/{reviewed.id}/form")
    assert "专家组" in printed and EXPERT05 not in printed and EXPERT06 not in printed


def test_the_city_guides_the_revision_from_the_summary_alone(app, api, world, reviewed):
    task = world.task(reviewed, "Task_CityGuidance")

    status, html = _page(app, "370100", f"/tasks/{task.id}")
    assert status == 200 and SUMMARY in html
    for secret in (EXPERT05, EXPERT06, OPINION05, OPINION06):
        assert secret not in html
    values = api.get("370100", f"/api/tasks/{task.id}").get_json()["values"]
    assert values["review_comments"] == SUMMARY
    assert not {"review_experts", "opinions", "reviewer"} & set(values)


@pytest.mark.parametrize("username", ["province", "auditor"])
def test_the_province_and_the_auditor_read_every_opinion_with_its_signature(
    app, api, world, reviewed, username
):
    status, html = _page(app, username, f"/applications/{reviewed.id}")
    assert status == 200
    for seen in (EXPERT05, EXPERT06, OPINION05, OPINION06, SUMMARY):
        assert seen in html
    assert 'data-testid="withheld"' not in html and html.count('data-testid="signature"') == 2

    history = _history(api, username, reviewed)
    assert [(e["actor"], e["signed_by"], e["confidential"]) for e in _opinion_events(history)] == [
        ("expert05", EXPERT05, False),
        ("expert06", EXPERT06, False),
    ]
    assigned = next(e for e in history if e["element_name"] == "指派评审专家")
    assert assigned["data"]["review_experts"] == ["expert05", "expert06"]
    form = application_form_for(world.user(username), reviewed.id)
    assert form.review_opinion.signatures == ["陈志强（2026年5月4日）", "赵敏（2026年5月4日）"]


@pytest.mark.parametrize("username", ["owner", "admin", "expert08"])
def test_who_has_no_part_in_the_application_reads_nothing_of_it(app, api, reviewed, username):
    assert _page(app, username, f"/applications/{reviewed.id}")[0] == 404
    assert _page(app, username, f"/applications/{reviewed.id}/form")[0] == 404
    assert api.get(username, f"/api/instances/{reviewed.id}").status_code == 404


def test_an_expert_of_the_second_round_reads_no_opinion_of_the_first(api, world, reviewed):
    world.guide_and_revise(reviewed)
    world.assign(reviewed, "expert08")
    panel = history_view.opinions(world.reload(reviewed), world.user("expert08"))
    assert panel.withheld == 2
    assert all(view.actor is None or view.actor.username != "expert05" for view in panel.shown)
    assert SUMMARY in [value for view in panel.shown for _, value in view.lines]


def test_opinions_stay_confidential_when_the_owner_renames_the_experts_task(app, world):
    """The lane decides, not the element id: a redrawn review keeps its opinions confidential."""
    current = deployment.latest_version(app.config["PROCESS_KEY"])
    files = {
        name: text.replace('"Task_ExpertOpinion"', '"Task_ExpertReview"').replace(
            ">Task_ExpertOpinion<", ">Task_ExpertReview<"
        )
        for name, text in current.bpmn_files.items()
    }
    deployment.deploy(current.process_key, current.main_process_id, files, current.form_files, note="owner")
    reviewed = _reviewed(world)
    assert reviewed.version.version == current.version + 1

    views = history_view.event_views(reviewed, world.user("370102"))
    withheld = [view.event.element_id for view in views if view.withheld]
    assert withheld == ["Task_ExpertReview", "Task_ExpertReview"]


# The auditor's replay and exports show every submission: only auditors and the province reach them.


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("province", 200),
        ("auditor", 200),
        ("expert05", 403),
        ("370102", 403),
        ("expert01", 403),
        ("370100", 403),
        ("owner", 404),
        ("admin", 404),
    ],
)
def test_the_replay_and_the_exports_that_show_every_opinion_are_the_auditors(
    app, api, reviewed, username, status
):
    assert _page(app, username, f"/audit/instances/{reviewed.id}/replay")[0] == status
    assert api.get(username, f"/api/instances/{reviewed.id}/reexecution").status_code == status
    if status != 200:
        assert _page(app, username, f"/audit/instances/{reviewed.id}/package.zip")[0] == status
        assert api.get(username, f"/api/instances/{reviewed.id}/audit-package").status_code == status
