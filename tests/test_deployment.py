"""Deploying versions: pinned instances, idempotent deploys, untrusted diagrams refused."""

from __future__ import annotations

import pytest

from app.demo import seeding
from app.services.errors import ServiceError
from app.services.store import deployment, reference_data

XXE = """<?xml version="1.0"?>
<!DOCTYPE bpmn:definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="zone_lifecycle" isExecutable="true"><bpmn:startEvent id="S" name="&xxe;"/></bpmn:process>
</bpmn:definitions>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="zone_lifecycle" isExecutable="true"><bpmn:startEvent id="S" name="&lol3;"/></bpmn:process>
</bpmn:definitions>"""


@pytest.mark.parametrize("xml", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_xml_is_refused_at_deployment(app, xml):
    current = deployment.latest_version(app.config["PROCESS_KEY"])
    with pytest.raises(ServiceError) as raised:
        deployment.deploy("hostile", "zone_lifecycle", {"lifecycle.bpmn": xml}, current.form_files)
    assert "root:" not in raised.value.message
    assert deployment.latest_version("hostile") is None


def test_a_diagram_naming_a_missing_form_is_refused(app):
    current = deployment.latest_version(app.config["PROCESS_KEY"])
    forms = {k: v for k, v in current.form_files.items() if k != "city_review.json"}
    with pytest.raises(ServiceError) as raised:
        deployment.deploy(current.process_key, current.main_process_id, current.bpmn_files, forms)
    assert "city_review.json" in raised.value.message


def test_deploying_the_same_files_again_makes_no_new_version(app):
    current = deployment.latest_version(app.config["PROCESS_KEY"])
    again = deployment.deploy(
        current.process_key, current.main_process_id, current.bpmn_files, current.form_files
    )
    assert again.id == current.id


def test_running_instances_keep_their_version(app, world):
    old = world.start("370102")
    current = deployment.latest_version(app.config["PROCESS_KEY"])
    renamed = dict(current.bpmn_files)
    renamed["declaration.bpmn"] = renamed["declaration.bpmn"].replace(
        'name="市级审核"', 'name="市级民政部门审核"'
    )
    new_version = deployment.deploy(current.process_key, current.main_process_id, renamed, current.form_files)
    assert new_version.version == current.version + 1
    fresh = world.start("370203")
    assert world.reload(old).version_id == current.id
    assert world.reload(fresh).version_id == new_version.id
    world.declare(old)
    world.declare(fresh)
    assert world.task(old, "Task_CityReview").name == "市级审核"
    assert world.task(fresh, "Task_CityReview").name == "市级民政部门审核"


def test_seeding_twice_changes_nothing(app):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Organisation, User

    orgs = db.session.scalar(select(func.count(Organisation.id)))
    users = db.session.scalar(select(func.count(User.id)))
    assert reference_data.load_reference_data() == orgs == 153
    assert seeding.create_demo_users("test-pass") == 0
    assert db.session.scalar(select(func.count(User.id))) == users


def _relabelled(version, old: str, new: str) -> dict:
    files = dict(version.bpmn_files)
    assert files["declaration.bpmn"].count(old) == 1
    files["declaration.bpmn"] = files["declaration.bpmn"].replace(old, new)
    return files


def test_restarting_keeps_the_process_owners_deployment(app, world):
    """`scripts/run` seeds on every start: it must not put the repository's diagrams back in front."""
    repository = deployment.latest_version(app.config["PROCESS_KEY"])
    owners = deployment.deploy(
        repository.process_key,
        repository.main_process_id,
        _relabelled(repository, 'name="市级审核"', 'name="市级民政部门审核"'),
        repository.form_files,
        by=world.user("owner"),
        note="改名",
    )
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "kept" in result.output
    assert deployment.latest_version(app.config["PROCESS_KEY"]).id == owners.id
    fresh = world.start("370102")
    assert fresh.version_id == owners.id
    world.declare(fresh)
    assert world.task(fresh, "Task_CityReview").name == "市级民政部门审核"


def test_seeding_deploys_new_repository_diagrams_over_an_older_repository_version(app, tmp_path):
    """A release that brings changed diagrams is deployed at start-up when no owner deployed since."""
    import shutil

    repository = deployment.latest_version(app.config["PROCESS_KEY"])
    bpmn_dir, forms_dir = tmp_path / "bpmn", tmp_path / "forms"
    shutil.copytree(app.config["BPMN_DIR"], bpmn_dir)
    shutil.copytree(app.config["FORMS_DIR"], forms_dir)
    key, main = repository.process_key, repository.main_process_id
    assert deployment.seed_directories(key, main, bpmn_dir, forms_dir) == (repository, False)
    declaration = bpmn_dir / "declaration.bpmn"
    declaration.write_text(declaration.read_text().replace('name="市级审核"', 'name="市级民政部门审核"'))
    released, deployed = deployment.seed_directories(key, main, bpmn_dir, forms_dir)
    assert deployed and released.version == repository.version + 1
    assert deployment.seed_directories(key, main, bpmn_dir, forms_dir) == (released, False)
