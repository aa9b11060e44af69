"""Database models. Each module holds one concern; import models from here."""

from .administration import AdminChange
from .attachments import Attachment
from .delegations import Delegation
from .documents import Document
from .history import HistoryEvent
from .incidents import Incident
from .instances import UNDATED, Instance, InstanceParticipant, ReadyTask, TaskDraft
from .leases import WorkerLease
from .notifications import Notification, OutboxMail
from .organisations import Organisation
from .programme import Call, CallAttachment, ProcessDraft, ProcessVersion
from .rate_limits import RateLimitCounter
from .search import SearchText
from .security import SecurityEvent
from .sessions import LoginSession
from .similarity import PlanSignature, SimilarityCheck, SimilarityMatch
from .users import ApiToken, User, UserRole

__all__ = [
    "AdminChange",
    "Attachment",
    "ApiToken",
    "Call",
    "CallAttachment",
    "Delegation",
    "Document",
    "HistoryEvent",
    "Incident",
    "Instance",
    "InstanceParticipant",
    "Notification",
    "OutboxMail",
    "LoginSession",
    "Organisation",
    "ProcessDraft",
    "PlanSignature",
    "ProcessVersion",
    "RateLimitCounter",
    "ReadyTask",
    "UNDATED",
    "SearchText",
    "SecurityEvent",
    "SimilarityCheck",
    "SimilarityMatch",
    "TaskDraft",
    "User",
    "UserRole",
    "WorkerLease",
]
