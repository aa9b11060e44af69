"""The application's read-only content through the API: the declaration with its plan, the revisions,
what the zone submitted, the files; for an application and for a task."""

from __future__ import annotations

from app.demo import driver


def _revised(world):
    instance = world.start()
    world.forward(instance)
    world.assign(instance, "expert05")
    driver.opine(instance, "expert05", "improve", "分期目标不具体。")
    world.decide(instance, "improve", "汇总意见：请细化分期目标。")
    driver.guide(instance, "请补充分期目标。")
    measures = driver.declaration()["plan_measures"]
    world.declare(
        instance, plan_measures=measures.replace("第一阶段（启动部署）", "第一阶段（2026年9月起）", 1)
    )
    world.assign(instance, "expert06")
    return instance


def test_the_content_holds_the_declaration_its_plan_and_the_revision(api, world):
    instance = _revised(world)

    body = api.get("province", f"/api/instances/{instance.id}/content").get_json()

    declaration = body["declaration"]
    assert declaration["number"] == 2 and [v["number"] for v in body["versions"]] == [1, 2]
    (plan,) = declaration["submission"]["documents"]
    assert [s["heading"] for s in plan["sections"]] == [
        "一、实验背景",
        "二、实验主题和实验目标",
        "三、实验举措",
        "四、实验保障",
    ]
    assert plan["characters"] == sum(s["characters"] for s in plan["sections"]) and plan["minimum"] == 4000
    (revision,) = body["revisions"]
    assert (revision["earlier"], revision["later"]) == (1, 2)
    measures = next(s for s in revision["section_changes"] if s["name"] == "plan_measures")
    assert measures["changed"] and {"kind": "inserted", "text": "2026年9月起"} in measures["segments"]
    said = [line["value"] for opinion in revision["opinions"] for line in opinion["lines"]]
    assert "汇总意见：请细化分期目标。" in said and "分期目标不具体。" not in said


def test_an_earlier_version_and_one_that_does_not_exist(api, world):
    instance = _revised(world)

    first = api.get("370102", f"/api/instances/{instance.id}/content?version=1")
    missing = api.get("370102", f"/api/instances/{instance.id}/content?version=3")
    malformed = api.get("370102", f"/api/instances/{instance.id}/content?version=0")

    assert first.status_code == 200 and first.get_json()["declaration"]["number"] == 1
    assert missing.status_code == 404 and missing.get_json()["message"] == "该申报没有这一版本的申报材料。"
    assert malformed.status_code == 422


def test_a_task_reads_what_was_submitted_before_it_became_ready(api, world):
    instance = _revised(world)
    task_id = world.opinion_task(instance, "expert06").id

    body = api.get("expert06", f"/api/tasks/{task_id}/content").get_json()

    assert body["as_of"] is not None and body["declaration"]["number"] == 2
    assert api.get("expert05", f"/api/tasks/{task_id}/content").status_code == 404


def test_the_zone_s_documents_and_their_files_through_the_api(api, world):
    instance = world.start()
    world.forward(instance)
    world.review_round(instance, "pass", experts=("expert05",))
    driver.submit_formally(instance)

    body = api.get("370100", f"/api/instances/{instance.id}/content").get_json()

    (formal,) = body["documents"]
    assert formal["step"] == "正式报送申报表和实验方案"
    files = {f["field_label"]: f for f in body["files"]}
    scan = files["申报表（盖章扫描件）"]
    assert scan["opens_inline"] and scan["uploaded_by"] == "济南市历下区民政局"
    download = api.get("370100", scan["url"])
    assert download.status_code == 200 and download.data == driver.DEMO_PDF
    assert download.headers["Content-Disposition"].startswith("inline")
    assert api.get("370200", scan["url"]).status_code == 404, "another city's file is not found"
    assert api.get("370200", f"/api/instances/{instance.id}/content").status_code == 404
