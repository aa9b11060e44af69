"""Knowing where everything stands: 已办, 办理进度 (with the experts' panel as each viewer may know it)
and 已退回 in the applicant's inbox."""

from __future__ import annotations

import pytest

from app.services.errors import ValidationFailed
from app.services.reading import done_tasks, progress, returns

from .web_helpers import login


def _done(user, **query) -> list:
    return done_tasks.done_page(user, done_tasks.DoneQuery(**query)).items


def _panel(world, instance, username):
    (panel,) = progress.progress_of(world.reload(instance), world.user(username)).panels
    return panel


def test_the_city_reads_what_it_did_newest_first_with_its_decision(world):
    first = world.forward(world.start("370102"))
    second = world.start("370103")
    world.declare(second)
    world.city_decides(second, "return", "请补充经费保障。")
    done = _done(world.user("370100"))
    assert [(d.instance.id, d.event.element_name) for d in done] == [
        (second.id, "市级审核"),
        (first.id, "市级审核"),
    ]
    assert ("审核意见", "请补充经费保障。") in done[0].view.lines or any(
        value == "请补充经费保障。" for _, value in done[0].view.lines
    )
    assert [d.instance.id for d in _done(world.user("370100"), sort="oldest")] == [
        first.id,
        second.id,
    ]
    assert done_tasks.done_phases(world.user("370100")) == ["自主申报"]
    assert _done(world.user("370100"), phase="方案初审") == []


def test_done_is_the_units_and_within_scope(world):
    instance = world.forward(world.start("370102"))
    applicant = [d.event.element_name for d in _done(world.user("370102"))]
    assert applicant == ["填写申报材料"]
    assert _done(world.user("370200")) == [], "another city did nothing here"
    world.review_round(instance, "pass", experts=("expert05", "expert06"))
    expert = _done(world.user("expert05"))
    assert [d.view.actor.username for d in expert] == ["expert05"], "an expert has only their own"
    assert [d.event.element_name for d in _done(world.user("province"))] == [
        "汇总专家意见并作出初审结论",
        "指派评审专家",
    ]


def test_the_panel_shows_names_to_the_province_and_only_the_count_to_the_applicant_and_city(world):
    instance = world.forward(world.start("370102"))
    world.assign(instance, "expert05", "expert06", "expert07")
    world.opine(instance, "expert05", "pass")
    world.opine(instance, "expert06", "improve")
    for username in ("370102", "370100"):
        panel = _panel(world, instance, username)
        assert (panel.answered, panel.total, panel.members, panel.own_answered) == (2, 3, None, None)
    panel = _panel(world, instance, "province")
    assert [(m.name, m.answered) for m in panel.members] == [
        (world.user("expert05").display_name, True),
        (world.user("expert06").display_name, True),
        (world.user("expert07").display_name, False),
    ]
    assert _panel(world, instance, "expert05").own_answered is True
    mine = _panel(world, instance, "expert07")
    assert (mine.own_answered, mine.members, mine.answered) == (False, None, 2)


def test_a_second_round_counts_only_its_own_answers(world):
    instance = world.forward(world.start("370102"))
    world.review_round(instance, "improve", experts=("expert05", "expert06"))
    world.guide_and_revise(instance)
    world.assign(instance, "expert05", "expert08")
    world.opine(instance, "expert08", "pass")
    panel = _panel(world, instance, "370100")
    assert (panel.answered, panel.total) == (1, 2)


def test_holdings_say_which_unit_holds_the_task(world):
    instance = world.declare(world.start("370102"))
    (holding,) = progress.progress_of(world.reload(instance), world.user("370102")).holdings
    assert holding.task.name == "市级审核" and holding.holder == "济南市（市级民政部门）"


def test_a_returned_declaration_says_who_returned_it_and_why(world):
    instance = world.declare(world.start("370102"))
    applicant = world.user("370102")
    first = world.task(instance, "Task_Declare")
    assert first is None
    world.city_decides(instance, "return", "请补充经费保障。")
    task = world.task(instance, "Task_Declare")
    mark = returns.return_mark(task, applicant)
    assert mark is not None and not mark.withdrawn
    assert mark.by == "济南市民政局"
    assert any(value == "请补充经费保障。" for _, value in mark.view.lines)


def test_a_first_declaration_is_not_marked(world):
    instance = world.start("370102")
    task = world.task(instance, "Task_Declare")
    assert returns.return_marks([task], world.user("370102")) == {}


def test_the_inbox_and_the_done_tab_in_the_browser_client(world, client):
    instance = world.declare(world.start("370102"))
    world.city_decides(instance, "return", "请补充经费保障。")
    login(client, "370102")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert 'data-testid="returned"' in inbox and "请补充经费保障。" in inbox
    done = client.get("/inbox/done").get_data(as_text=True)
    assert 'data-testid="done"' in done and f"#{instance.id}" in done
    assert client.get("/inbox/done?sort=bogus&phase=nothing").status_code == 200
    page = client.get(f"/applications/{instance.id}").get_data(as_text=True)
    assert 'data-testid="holding"' in page


def test_the_applicant_withdraws_until_the_city_has_acted(world):
    from app.services.errors import NotFound, RuleViolation
    from app.services.lifecycle import instance_actions

    from .conftest import rows_of

    applicant = world.user("370102")
    instance = world.start("370102")
    (withdraw,) = [s for s in instance_actions.instance_starts(instance) if s.form == "withdrawal.json"]
    assert instance_actions.available_actions(applicant, world.reload(instance)) == []
    with pytest.raises(RuleViolation):  # nothing submitted yet: nothing to withdraw
        instance_actions.action_form(applicant, instance.id, withdraw.element_id)
    world.declare(instance)
    assert [a.element_id for a in instance_actions.available_actions(applicant, world.reload(instance))] == [
        withdraw.element_id
    ]
    assert instance_actions.available_actions(world.user("370100"), world.reload(instance)) == []
    with pytest.raises(NotFound):  # the city may not withdraw the county's submission
        instance_actions.action_form(world.user("370100"), instance.id, withdraw.element_id)
    before = rows_of("history_events", "ready_tasks")
    with pytest.raises(ValidationFailed):  # the reason is required; nothing changes
        instance_actions.start_action(applicant, instance.id, withdraw.element_id, {})
    assert rows_of("history_events", "ready_tasks") == before
    instance_actions.start_action(
        applicant, instance.id, withdraw.element_id, {"withdrawal_comments": "发现经费测算有误，修改后重报。"}
    )
    instance = world.reload(instance)
    assert world.task(instance, "Task_CityReview") is None, "the city's task is gone"
    task = world.task(instance, "Task_Declare")
    mark = returns.return_mark(task, applicant)
    assert mark is not None and mark.withdrawn
    assert ("撤回原因", "发现经费测算有误，修改后重报。") in mark.view.lines
    world.declare(instance)
    world.city_decides(instance, "forward")
    with pytest.raises(RuleViolation):  # the city has acted: too late
        late = {"withdrawal_comments": "迟"}
        instance_actions.start_action(applicant, instance.id, withdraw.element_id, late)
    from app.services.audit import chain_check, reexecution

    assert chain_check.verify_chain(world.reload(instance)).ok
    assert reexecution.reexecute(world.reload(instance)).ok, "the withdrawal replays"


def test_the_api_reads_done_and_progress_as_the_pages_do(world, api):
    instance = world.forward(world.start("370102"))
    world.assign(instance, "expert05", "expert06")
    world.opine(instance, "expert05", "pass")
    done = api.get("370100", "/api/tasks/done").get_json()
    assert [(d["instance_id"], d["event"]["element_name"]) for d in done] == [(instance.id, "市级审核")]
    assert ["审核结论", "同意报送省民政厅"] in done[0]["decision"]
    assert api.get("370100", "/api/tasks/done?sort=sideways").status_code == 422
    city = api.get("370100", f"/api/instances/{instance.id}/progress").get_json()
    (panel,) = city["panels"]
    assert (panel["answered"], panel["total"], panel["members"]) == (1, 2, None)
    province = api.get("province", f"/api/instances/{instance.id}/progress").get_json()
    assert [m["answered"] for m in province["panels"][0]["members"]] == [True, False]
    assert api.get("370200", f"/api/instances/{instance.id}/progress").status_code == 404


def test_the_city_is_told_when_the_applicant_withdraws_what_it_was_reviewing(world):
    from app.services.lifecycle import instance_actions
    from app.services.reading.notification_list import notifications_page

    instance = world.declare(world.start("370102"))
    (withdraw,) = [s for s in instance_actions.instance_starts(instance) if s.form == "withdrawal.json"]
    instance_actions.start_action(
        world.user("370102"), instance.id, withdraw.element_id, {"withdrawal_comments": "重报。"}
    )
    (told,) = [n for n in notifications_page(world.user("370100")).items if n.kind == "taken_back"]
    assert told.params["task"] == "市级审核" and told.params["step"] == "撤回申报"
    assert told.params["by"] == world.user("370102").display_name
