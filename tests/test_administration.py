"""Administration as services: users, units, the import from a sheet and the change log."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.extensions import db
from app.models import AdminChange, HistoryEvent, Instance
from app.scope import can_see_instance, visible_instances
from app.services.accounts import credentials
from app.services.accounts.credentials import AuthenticationFailed
from app.services.administration import changes, units, user_import, users
from app.services.administration.users import UserFields
from app.services.errors import Forbidden, RuleViolation, ValidationFailed
from app.services.lifecycle import applications

from .conftest import rows_of
from .sheets import accounts_sheet

NEW_PASSWORD = "first-pass-1"


def _staff(username: str = "lixia02", unit: str = "370102", roles=("applicant",), **extra) -> UserFields:
    return UserFields(username, "李明", unit, list(roles), **extra)


def test_admin_creates_a_county_staff_member_who_must_change_the_password(world):
    admin = world.user("admin")
    user = users.create_user(admin, _staff(email="liming@lixia.gov.cn", phone="0531-86912345"), NEW_PASSWORD)
    assert user.must_change_password and user.organisation.adcode == "370102"
    signed_in = credentials.authenticate("lixia02", NEW_PASSWORD)
    assert signed_in.id == user.id and signed_in.last_sign_in_at is not None
    change = db.session.scalar(select(AdminChange).where(AdminChange.kind == "user_created"))
    assert change.actor.username == "admin" and change.after["roles"] == ["applicant"]
    assert change.after["unit"].startswith("370102")


def test_a_new_county_staff_member_sees_only_their_county(world):
    own, other = world.start("370102"), world.start("370202")
    staff = users.create_user(world.user("admin"), _staff(), NEW_PASSWORD)
    assert can_see_instance(staff, own) and not can_see_instance(staff, other)
    assert {i.id for i in db.session.scalars(visible_instances(staff))} == {own.id}


def test_bad_fields_are_refused_by_name_and_nothing_is_written(world):
    admin = world.user("admin")
    before = rows_of("users", "admin_changes")
    bad = UserFields("370102", "", "370100", ["applicant"], "", "", "not-an-address", "abc")
    with pytest.raises(ValidationFailed) as refused:
        users.create_user(admin, bad, "370102xx")
    fields = {e.field for e in refused.value.errors}
    assert fields == {"username", "display_name", "unit", "email", "phone", "password"}
    assert rows_of("users", "admin_changes") == before


def test_a_guiding_expert_needs_a_committee_and_the_picker_reads_the_role(world):
    admin = world.user("admin")
    expert = UserFields("expert09", "钱学勤", "", ["guiding_expert"], title="教授")
    with pytest.raises(ValidationFailed) as refused:
        users.create_user(admin, expert, NEW_PASSWORD)
    assert refused.value.errors[0].field == "committee"
    expert.committee = "provincial"
    created = users.create_user(admin, expert, NEW_PASSWORD)
    assert created.committee == "provincial" and created.roles == {"guiding_expert"}
    fields = UserFields.of(created)
    fields.roles = ["guiding_expert", "review_expert"]
    users.update_user(admin, created.id, fields)
    change = db.session.scalar(select(AdminChange).where(AdminChange.kind == "user_updated"))
    assert change.before == {"roles": ["guiding_expert"]}
    assert change.after == {"roles": ["guiding_expert", "review_expert"]}


def test_a_unit_head_is_made_with_their_units_role(world):
    admin = world.user("admin")
    with pytest.raises(ValidationFailed) as refused:
        users.create_user(admin, _staff(roles=("unit_head",)), NEW_PASSWORD)
    assert refused.value.errors[0].field == "roles"
    head = users.create_user(admin, _staff(roles=("applicant", "unit_head")), NEW_PASSWORD)
    assert head.roles == {"applicant", "unit_head"}


def test_only_administrators_administer(world):
    with pytest.raises(Forbidden):
        users.create_user(world.user("province"), _staff(), NEW_PASSWORD)
    with pytest.raises(Forbidden):
        units.rename(world.user("auditor"), world.user("370102").org_id, "新名")


def test_a_deactivated_user_cannot_sign_in_and_history_still_names_them(world):
    instance = world.start("370102")
    county = world.user("370102")
    admin = world.user("admin")
    users.set_active(admin, county.id, False)
    with pytest.raises(AuthenticationFailed):
        credentials.authenticate("370102", "test-pass")
    started = db.session.scalar(
        select(HistoryEvent).where(HistoryEvent.instance_id == instance.id).order_by(HistoryEvent.id)
    )
    assert started.actor.username == "370102" and not started.actor.active  # kept, never deleted
    with pytest.raises(RuleViolation):
        users.set_active(admin, admin.id, False)
    users.set_active(admin, county.id, True)
    assert credentials.authenticate("370102", "test-pass").id == county.id
    kinds = list(db.session.scalars(select(AdminChange.kind).order_by(AdminChange.id)))
    assert kinds == ["user_deactivated", "user_reactivated"]


def test_a_reset_password_must_be_changed_and_follows_the_policy(world):
    admin, county = world.user("admin"), world.user("370102")
    with pytest.raises(ValidationFailed) as refused:
        users.reset_password(admin, county.id, "x370102x")
    assert "用户名" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(AdminChange)) == 0
    users.reset_password(admin, county.id, "temporary-1")
    assert world.user("370102").must_change_password
    with pytest.raises(ValidationFailed) as refused:
        credentials.change_own_password(county, "temporary-1", "another-pw", "another-pX", None)
    assert refused.value.errors[0].field == "repeated_password"
    credentials.change_own_password(county, "temporary-1", "another-pw", "another-pw", None)
    assert not world.user("370102").must_change_password


def test_an_old_hash_is_upgraded_at_the_next_sign_in(world):
    from werkzeug.security import generate_password_hash

    county = world.user("370102")
    county.password_hash = generate_password_hash("test-pass", method="pbkdf2:sha256:1000")
    db.session.commit()
    credentials.authenticate("370102", "test-pass")
    assert world.user("370102").password_hash.startswith("scrypt:32768:8:1$")


def test_a_renamed_or_abolished_unit_keeps_its_applications(world):
    instance = world.start("370102")
    admin, county = world.user("admin"), world.user("370102")
    units.rename(admin, county.org_id, "历下新区")
    assert world.reload(instance).applicant.full_name == "济南市历下新区"
    units.set_abolished(admin, county.org_id, True)
    assert db.session.get(Instance, instance.id) is not None
    with pytest.raises(RuleViolation) as refused:
        applications.start_application(world.user("370102"), world.open_call().id)
    assert "撤销" in refused.value.message
    with pytest.raises(ValidationFailed) as refused:
        users.create_user(admin, _staff(), NEW_PASSWORD)
    assert refused.value.errors[0].field == "unit"
    kinds = [c.kind for c in changes.page(world.user("auditor")).items]
    assert kinds == ["unit_abolished", "unit_renamed"]


GOOD = ("lixia03", "王芳", 370102, "申报单位", "", "", "wf@lixia.gov.cn", "", "start-pass-1")


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_row(world):
    before = rows_of("users", "user_roles", "admin_changes")
    bad = ("jinan09", "赵强", "370102", "市级民政部门", "", "", "", "", "start-pass-2")
    report = user_import.import_users(world.user("admin"), accounts_sheet(GOOD, bad))
    assert report.created == []
    assert [(p.row, p.column) for p in report.problems] == [(3, "单位代码")]
    assert rows_of("users", "user_roles", "admin_changes") == before


def test_an_import_creates_every_row_in_one_go(world):
    expert = (
        "expert10",
        "钱学勤",
        "",
        "guiding_expert, review_expert",
        "全国",
        "教授",
        "",
        "",
        "start-pass-3",
    )
    head = ("lixia04", "陈刚", 370102, "申报单位，单位负责人", "", "", "", "", "start-pass-4")
    report = user_import.import_users(world.user("admin"), accounts_sheet(GOOD, expert, head))
    assert report.problems == [] and report.created == ["lixia03", "expert10", "lixia04"]
    assert world.user("expert10").committee == "national" and world.user("lixia03").must_change_password
    assert world.user("lixia04").roles == {"applicant", "unit_head"}


def test_an_import_refuses_duplicates_and_a_file_that_is_no_workbook(world):
    report = user_import.import_users(world.user("admin"), accounts_sheet(GOOD, GOOD))
    assert [(p.row, p.column) for p in report.problems] == [(3, "用户名")]
    with pytest.raises(ValidationFailed):
        user_import.import_users(world.user("admin"), b"username,name\n")


def test_the_template_has_the_headings_the_import_reads(world):
    sheet = load_workbook(io.BytesIO(user_import.template(world.user("admin")))).worksheets[0]
    assert [c.value for c in sheet[1]] == user_import.headings() and sheet[1][0].value == "用户名"


def test_a_sheet_with_english_headings_is_read_too(world):
    book = Workbook()
    book.active.append([msgid for _name, msgid in user_import.COLUMNS])
    book.active.append(list(GOOD))
    out = io.BytesIO()
    book.save(out)
    assert user_import.import_users(world.user("admin"), out.getvalue()).created == ["lixia03"]


def test_the_command_line_creates_a_first_administrator(app, world):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["create-admin", "admin"], input="long-enough\nlong-enough\n")
    assert refused.exit_code != 0 and "admin" in refused.output
    result = runner.invoke(
        args=["create-admin", "chief", "--name", "王管理"], input="first-admin-pw\nfirst-admin-pw\n"
    )
    assert result.exit_code == 0, result.output
    assert credentials.authenticate("chief", "first-admin-pw").roles == {"admin"}
    change = db.session.scalar(select(AdminChange))
    assert change.actor is None and change.target_label == "chief 王管理"
