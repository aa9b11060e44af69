"""Who may see and act on what (rule R10). Every view and API endpoint goes through this module.

Objects outside a user's scope are reported as missing (404), never as forbidden, so ids cannot be
probed. The diagram decides who acts on a task: its lane names a role, and `assignee_for_lane`
turns lane + instance into the organisation (or people) who hold that role for that instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, exists, false, or_, select, true

from . import clock
from .extensions import db
from .models import Delegation, Instance, InstanceParticipant, Organisation, ReadyTask, User, UserRole
from .roles import Role, role_for_lane

# Roles that see every application of the programme.
_SEES_ALL = {Role.PROVINCE, Role.AUDITOR}
# Roles whose tasks go to a unit (the application's county, its city, the province), not a person.
_UNIT_ROLES = {Role.APPLICANT, Role.CITY, Role.PROVINCE}
# Roles whose view follows a person named on the application.
_NAMED_RELATIONS: dict[str, str] = {
    Role.GUIDING_EXPERT: "guiding_expert",
    Role.REVIEW_EXPERT: "review_expert",
}


@dataclass(frozen=True)
class Assignee:
    role: str | None
    org_id: int | None = None
    user_id: int | None = None


def visible_instances_filter(user: User):
    """A SQL condition on Instance selecting what `user` may see."""
    roles = user.roles
    if roles & _SEES_ALL:
        return true()
    conditions = []
    if Role.APPLICANT in roles and user.org_id:
        conditions.append(Instance.applicant_org_id == user.org_id)
    if Role.CITY in roles and user.org_id:
        conditions.append(Instance.city_org_id == user.org_id)
    relations = [rel for role, rel in _NAMED_RELATIONS.items() if role in roles]
    if relations:
        # Correlated, so each application is looked up in the participants' unique index: an IN
        # (subquery) has SQLite gather all of an expert's applications first, whatever the page needs.
        named = exists().where(
            InstanceParticipant.instance_id == Instance.id,
            InstanceParticipant.user_id == user.id,
            InstanceParticipant.relation.in_(relations),
        )
        conditions.append(named)
    return or_(*conditions) if conditions else false()


def visible_instances(user: User) -> Select:
    return select(Instance).where(visible_instances_filter(user))


def unit_tasks_filter(user: User):
    """A SQL condition on ReadyTask selecting the tasks of `user`'s units (by role) and of `user` in person.

    These are the tasks in the user's inbox; a task another member holds is among them, shown with
    its holder, but not among those the user may complete (``actionable_tasks_filter``).
    """
    conditions = []
    for role in user.roles:
        if role in _NAMED_RELATIONS:
            conditions.append((ReadyTask.role == role) & (ReadyTask.assignee_user_id == user.id))
        elif user.org_id:
            conditions.append((ReadyTask.role == role) & (ReadyTask.assignee_org_id == user.org_id))
    return or_(*conditions) if conditions else false()


def _delegated_to(user: User, now: datetime):
    """A SQL condition on ReadyTask: it is held by someone who delegated its role and unit to `user`."""
    return exists().where(
        Delegation.delegate_id == user.id,
        Delegation.delegator_id == ReadyTask.claimed_by_id,
        Delegation.role == ReadyTask.role,
        Delegation.org_id == ReadyTask.assignee_org_id,
        Delegation.starts_at <= now,
        Delegation.ends_at > now,
    )


def actionable_tasks_filter(user: User, now: datetime | None = None):
    """A SQL condition on ReadyTask selecting the tasks `user` may complete at `now` (default: the clock).

    A unit's task is anyone's of its members until one holds it (认领, or assigned by the unit head);
    then only the holder's, and during a delegation (代理) their delegate's too.
    """
    when = now or clock.now()
    holder = ReadyTask.claimed_by_id
    return unit_tasks_filter(user) & (holder.is_(None) | (holder == user.id) | _delegated_to(user, when))


def acts_for(user: User, who: Assignee) -> bool:
    """Whether `user` is (or belongs to) the one `who` names: an organisation role, or a person."""
    if who.role not in user.roles:
        return False
    if who.role in _NAMED_RELATIONS:
        return who.user_id is not None and who.user_id == user.id
    return who.org_id is not None and who.org_id == user.org_id


def users_acting_for(who: Assignee) -> Select[User]:
    """The active accounts that act for ``who`` (the same rule as ``acts_for``, as a query)."""
    query = select(User).where(User.active.is_(True))
    if who.role in _NAMED_RELATIONS:
        return query.where(User.id == who.user_id if who.user_id is not None else false())
    unit = User.org_id == who.org_id if who.org_id is not None else false()
    return query.join(User.role_rows).where(UserRole.role == who.role, unit).order_by(User.id)


def users_acting_on(task: ReadyTask, now: datetime | None = None) -> Select[User]:
    """The active accounts that may complete ``task`` now (``actionable_tasks_filter``, per task).

    Who hears of a task: its unit's members, or once it is held, the holder and their delegates.
    """
    who = users_acting_for(Assignee(task.role, task.assignee_org_id, task.assignee_user_id))
    if task.claimed_by_id is None:
        return who
    when = now or clock.now()
    delegates = select(Delegation.delegate_id).where(
        Delegation.delegator_id == task.claimed_by_id,
        Delegation.role == task.role,
        Delegation.org_id == task.assignee_org_id,
        Delegation.starts_at <= when,
        Delegation.ends_at > when,
    )
    return who.where(or_(User.id == task.claimed_by_id, User.id.in_(delegates)))


def in_unit_of(user: User, task: ReadyTask) -> bool:
    """Whether the task is one of `user`'s unit's (or `user`'s own): they see it, held or not."""
    return acts_for(user, Assignee(task.role, task.assignee_org_id, task.assignee_user_id))


def can_act_on(user: User, task: ReadyTask, now: datetime | None = None) -> bool:
    """Whether `user` may complete `task` now: the same condition as ``actionable_tasks_filter``.

    Read from the database, so a caller that locked the task's row first reads the claim as it is.
    """
    query = select(ReadyTask.id).where(ReadyTask.id == task.id, actionable_tasks_filter(user, now))
    return db.session.scalar(query) is not None


def on_behalf_of(user: User, holder_id: int | None) -> int | None:
    """The holder `user` acts for when completing a task held by `holder_id` (a delegation), or None
    when acting for oneself (or on a task nobody holds)."""
    return holder_id if holder_id is not None and holder_id != user.id else None


def can_claim(user: User, task: ReadyTask) -> bool:
    """A unit's task (not a person's) may be claimed by any member of the unit while nobody holds it."""
    return task.assignee_user_id is None and task.claimed_by_id is None and in_unit_of(user, task)


def can_unclaim(user: User, task: ReadyTask) -> bool:
    """The holder gives a task back; the unit head may take it back from anyone of the unit."""
    return task.claimed_by_id is not None and (task.claimed_by_id == user.id or can_assign(user, task))


def can_assign(user: User, task: ReadyTask) -> bool:
    """指派: the head of the unit a task belongs to gives it to one of the unit's members."""
    return Role.UNIT_HEAD in user.roles and task.assignee_user_id is None and in_unit_of(user, task)


def unit_roles_of(user: User) -> set[str]:
    """The roles `user` acts in for their unit (those a delegation can pass on)."""
    return set(user.roles & _UNIT_ROLES) if user.org_id is not None else set()


def may_delegate(delegator: User, delegate: User, role: str) -> bool:
    """代理 between colleagues only: same unit, both holding the unit's role, and not to oneself."""
    return (
        delegator.id != delegate.id
        and delegator.org_id is not None
        and delegator.org_id == delegate.org_id
        and role in _UNIT_ROLES
        and role in delegator.roles
        and role in delegate.roles
        and delegate.active
    )


def can_see_instance(user: User, instance: Instance) -> bool:
    """The same rule as `visible_instances_filter`, asked of one instance (so the two cannot drift)."""
    query = select(Instance.id).where(Instance.id == instance.id, visible_instances_filter(user))
    return db.session.scalar(query) is not None


# Roles that may run the auditor's checks (verify, re-execute, replay) on what they can see. The
# administrator runs users and units, not applications (DOMAIN.md), so it is not among them.
_AUDITS = {Role.AUDITOR, Role.PROVINCE}


def can_audit(user: User) -> bool:
    return bool(_AUDITS & set(user.roles))


def can_model(user: User) -> bool:
    """Process owners and administrators edit, deploy and migrate the process (the workbench)."""
    return bool({Role.PROCESS_OWNER, Role.ADMIN} & set(user.roles))


def can_administer(user: User) -> bool:
    """Users and units (DOMAIN.md: the administrator's scope)."""
    return Role.ADMIN in user.roles


def can_read_security_log(user: User) -> bool:
    """The security log and the log of administrative changes: auditors watch, administrators answer."""
    return bool({Role.AUDITOR, Role.ADMIN} & set(user.roles))


def can_see_incidents(user: User) -> bool:
    """Operations: administrators keep the system running, auditors watch it, process owners fix diagrams."""
    return bool({Role.ADMIN, Role.AUDITOR, Role.PROCESS_OWNER} & set(user.roles))


def can_retry_incidents(user: User) -> bool:
    return Role.ADMIN in user.roles


# The command centre (dashboard, map, statistics, heatmap): the province runs the programme, a city
# watches its own counties (`visible_instances_filter` narrows every figure to them), auditors read.
_OVERSEES = {Role.PROVINCE, Role.CITY, Role.AUDITOR}


def can_see_command_centre(user: User) -> bool:
    return bool(_OVERSEES & set(user.roles))


def overseen_counties_filter(user: User):
    """A SQL condition on Organisation selecting the counties whose standing the command centre shows
    `user`: every county to the province and the auditors, a city's own counties to that city. The
    rest are drawn without their state (their applications are not the user's to see)."""
    if user.roles & _SEES_ALL:
        return true()
    if Role.CITY in user.roles and user.org_id:
        return Organisation.parent_id == user.org_id
    return false()


def visible_cities_filter(user: User):
    """A SQL condition on Organisation: the cities whose figures `user` reads in the command centre
    (every city for the province and auditors, a city its own)."""
    if user.roles & _SEES_ALL:
        return Organisation.level == "city"
    if Role.CITY in user.roles and user.org_id:
        return (Organisation.level == "city") & (Organisation.id == user.org_id)
    return false()


def reminds_at_all(user: User) -> bool:
    """Whether `user` may send any reminder: the province, or a city (``can_remind``, per task)."""
    return Role.PROVINCE in user.roles or (Role.CITY in user.roles and user.org_id is not None)


def can_remind(user: User, task: ReadyTask) -> bool:
    """催办: the province on any pending task, a city on the tasks of its own counties' applications.

    Nobody reminds themselves: a unit's own tasks are in its inbox already.
    """
    if not reminds_at_all(user) or in_unit_of(user, task):
        return False
    return Role.PROVINCE in user.roles or task.instance.city_org_id == user.org_id


def can_start_application(user: User) -> bool:
    """A county-level applicant whose unit still exists (an abolished one starts nothing new)."""
    org = user.organisation
    return Role.APPLICANT in user.roles and org is not None and org.level == "county" and not org.abolished


def can_see_plan_similarity(user: User, instance: Instance) -> bool:
    """The plan similarity check's findings: for those who judge and oversee the application (its city,
    the province, auditors), never for the applicant (they would read other counties' plans) nor for
    the experts, who judge the plan on its merits and are told of copying by the province if it matters.
    """
    return can_see_command_centre(user) and can_see_instance(user, instance)


def assignee_for_lane(lane: str | None, instance: Instance, assignee: str | None = None) -> Assignee:
    """Resolve a diagram lane to who acts for this instance.

    Organisation roles follow the application (its county, its city, the province); a person's role
    (an expert) needs the username the task names through its ``assignee`` property, and that person
    must hold the lane's role.
    """
    role = role_for_lane(lane)
    if role == Role.APPLICANT:
        return Assignee(role, org_id=instance.applicant_org_id)
    if role == Role.CITY:
        return Assignee(role, org_id=instance.city_org_id)
    if role == Role.PROVINCE:
        return Assignee(
            role, org_id=db.session.scalar(select(Organisation.id).where(Organisation.level == "province"))
        )
    if role in _NAMED_RELATIONS and assignee:
        user_id = db.session.scalar(
            select(User.id).join(User.role_rows).where(User.username == assignee, UserRole.role == role)
        )
        return Assignee(role, user_id=user_id)
    return Assignee(role)


def relation_of(role: str | None) -> str | None:
    """The participant relation a person's role gives on the applications they are assigned."""
    return _NAMED_RELATIONS.get(role) if role else None
