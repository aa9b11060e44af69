"""The roles of the programme: the one place that names them (DOMAIN.md, "Who takes part").

Lane names in the diagrams are the Chinese labels below; `role_for_lane` maps them back.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"
    GUIDING_EXPERT = "guiding_expert"
    CITY = "city"
    PROVINCE = "province"
    REVIEW_EXPERT = "review_expert"
    PROCESS_OWNER = "process_owner"
    AUDITOR = "auditor"
    ADMIN = "admin"
    # Held beside a unit's own role (applicant, city, province) by the one who may assign the unit's
    # tasks to its members (指派); never a diagram lane.
    UNIT_HEAD = "unit_head"


ROLE_LABELS: dict[str, str] = {
    Role.APPLICANT: "申报单位",
    Role.GUIDING_EXPERT: "指导专家",
    Role.CITY: "市级民政部门",
    Role.PROVINCE: "省民政厅",
    Role.REVIEW_EXPERT: "评审专家",
    Role.PROCESS_OWNER: "流程管理员",
    Role.AUDITOR: "审计员",
    Role.ADMIN: "系统管理员",
    Role.UNIT_HEAD: "单位负责人",
}

ROLE_LABELS_EN: dict[str, str] = {
    Role.APPLICANT: "Applicant",
    Role.GUIDING_EXPERT: "Guiding expert",
    Role.CITY: "City civil affairs bureau",
    Role.PROVINCE: "Provincial department",
    Role.REVIEW_EXPERT: "Review expert",
    Role.PROCESS_OWNER: "Process owner",
    Role.AUDITOR: "Auditor",
    Role.ADMIN: "Administrator",
    Role.UNIT_HEAD: "Unit head",
}

# The roles a diagram's lane may name: a unit head acts within a unit's role, not as one of its own.
LANE_LABELS: dict[str, str] = {code: label for code, label in ROLE_LABELS.items() if code != Role.UNIT_HEAD}

_ROLE_BY_LABEL = {label: Role(code) for code, label in LANE_LABELS.items()}

# The roles a unit holds, with the level of unit each needs: an account with one of them belongs to
# such a unit (the county applies, its city reviews, the province decides).
UNIT_LEVEL_OF_ROLE: dict[str, str] = {
    Role.APPLICANT: "county",
    Role.CITY: "city",
    Role.PROVINCE: "province",
}
# Experts act in person; their committee (national | provincial) is what rule R3 asks of a guiding expert.
EXPERT_ROLES = frozenset({Role.GUIDING_EXPERT, Role.REVIEW_EXPERT})


class Landing(StrEnum):
    """Where a role's work is, and so where its people land after signing in."""

    INBOX = "inbox"
    GUIDED_APPLICATIONS = "guided_applications"
    WORKBENCH = "workbench"
    AUDIT = "audit"
    ADMINISTRATION = "administration"


# Participants who act on tasks land in the inbox; guiding experts advise and have no tasks (they read
# the applications that name them); the others work on diagrams, histories or the system itself.
_LANDING_BY_ROLE: dict[str, Landing] = {
    Role.APPLICANT: Landing.INBOX,
    Role.CITY: Landing.INBOX,
    Role.PROVINCE: Landing.INBOX,
    Role.REVIEW_EXPERT: Landing.INBOX,
    Role.GUIDING_EXPERT: Landing.GUIDED_APPLICATIONS,
    Role.PROCESS_OWNER: Landing.WORKBENCH,
    Role.AUDITOR: Landing.AUDIT,
    Role.ADMIN: Landing.ADMINISTRATION,
}


def landing_for(roles: frozenset[str] | set[str]) -> Landing:
    """The landing of someone holding `roles`: the first in `Landing`'s order (tasks before reading)."""
    held = {_LANDING_BY_ROLE[role] for role in roles if role in _LANDING_BY_ROLE}
    return next((landing for landing in Landing if landing in held), Landing.INBOX)


def role_for_lane(lane: str | None) -> Role | None:
    """The role a diagram lane stands for: its Chinese label, or the role code itself."""
    if not lane:
        return None
    lane = lane.strip()
    if lane in _ROLE_BY_LABEL:
        return _ROLE_BY_LABEL[lane]
    return _ROLE_BY_LABEL.get(ROLE_LABELS.get(lane, ""))


def role_named(word: str) -> Role | None:
    """Any role, a unit head's included, by its code or its Chinese label (sheets and forms)."""
    word = word.strip()
    by_label = {label: code for code, label in ROLE_LABELS.items()}
    try:
        return Role(by_label.get(word, word))
    except ValueError:
        return None


def role_label(role: str, locale: str = "zh_CN") -> str:
    labels = ROLE_LABELS_EN if locale.startswith("en") else ROLE_LABELS
    return labels.get(role, role)
