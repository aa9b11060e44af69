"""Marshmallow schemas of the API's requests and responses (they also generate the OpenAPI document).

Each response schema dumps the objects the services return as they are: a field names the
attribute it is read from when that differs from its own name, so each object's fields are listed
once, here. A schema that adds fields to another's dumps a read model holding the other's object
(``services.reading.read_models``): a task with its form, an application with its tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf, Range, Regexp

from ... import clock
from ...forms import has_unstorable_character
from ...services.administration.changes import CHANGE_SORTS
from ...services.administration.changes import KINDS as ADMIN_CHANGE_KINDS
from ...services.errors import MAX_ID
from ...services.notices.texts import headline
from ...services.reading.incident_list import INCIDENT_SORTS
from ...services.reading.incident_list import KINDS as INCIDENT_KINDS
from ...services.reading.notification_list import NOTIFICATION_SORTS
from ...services.reading.search import APPLICATION_SORTS, MAX_QUERY, ORDERS
from .page_schemas import after_field, limit_field, sorted_page_query


class Text(fields.String):
    """A string the system can store and compare: one holding a NUL or a lone UTF-16 surrogate (JSON
    lets a client send "\\u0000" and "\\ud800") is refused as malformed, as form data is by its
    validation."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_unstorable_character(text):
            raise ValidationError(_("This text contains an invalid character."))
        return text


class QueryText(Text):
    """Free text in a query string. A NUL there is refused before any view runs (request_guard), so the
    OpenAPI says so: no NUL."""

    def __init__(self, **kwargs) -> None:
        extra = kwargs.pop("validate", None)
        validators = [Regexp(r"^[^\x00]*$")] + ([extra] if extra else [])
        super().__init__(validate=validators, **kwargs)


class PastDue(fields.Boolean):
    """Whether the deadline held in the attribute read (a datetime, or None: no deadline) has passed."""

    def _serialize(self, value, attr, obj, **kwargs) -> bool:
        return bool(value and value < clock.now())


class CommaSeparated(fields.List):
    """A list of strings kept in one comma-separated column (None or empty: no item)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(fields.String(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs) -> list[str]:
        return value.split(",") if value else []


def read_through(holder: str, schema: type[Schema]) -> Callable[..., Any]:
    """``get_attribute`` of a schema that adds fields to `schema`'s: the fields of `schema` are read
    from the dumped object's attribute `holder` (a read model's ``task`` or ``instance``), the added
    ones from the dumped object itself."""
    inherited = frozenset(field.attribute or name for name, field in schema().fields.items())

    def get_attribute(self: Schema, obj: Any, attr: str, default: Any) -> Any:
        return Schema.get_attribute(self, getattr(obj, holder) if attr in inherited else obj, attr, default)

    return get_attribute


class TokenRequest(Schema):
    username = Text(required=True)
    password = Text(required=True, load_only=True)


class TokenResponse(Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    username = fields.String()


class TaskSchema(Schema):
    """A ReadyTask."""

    id = fields.String()
    instance_id = fields.Integer()
    element_id = fields.String(metadata={"description": "BPMN element id of the user task"})
    name = fields.String()
    phase = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    form = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    overdue = PastDue(attribute="due_at", dump_only=True)
    applicant = fields.String(attribute="instance.applicant.full_name")
    claimed_by = fields.String(
        attribute="claimed_by.username",
        allow_none=True,
        dump_default=None,
        metadata={"description": "the member of the unit who holds the task (认领/指派), if anyone"},
    )


class TaskListItemSchema(TaskSchema):
    """A TaskWithForm (or anything holding a ``task`` and its ``form``)."""

    get_attribute = read_through("task", TaskSchema)
    form_schema = fields.Dict(
        attribute="form.schema", metadata={"description": "JSON Schema (2020-12) of the task's form"}
    )


class TaskDetailSchema(TaskListItemSchema):
    """A lifecycle.tasks.TaskContext."""

    form_ui = fields.Dict(attribute="form.ui", metadata={"description": "display hints of the form"})
    values = fields.Dict(metadata={"description": "current values: earlier submissions and the saved draft"})


class CompleteRequest(Schema):
    data = fields.Dict(required=True)


class RecordedEventSchema(Schema):
    """A HistoryEvent's record: what the hash chain covers, without who or what was submitted."""

    seq = fields.Integer()
    kind = fields.String()
    at = fields.DateTime()
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    revision_before = fields.Integer()
    revision_after = fields.Integer()
    state_hash = fields.String()
    prev_hash = fields.String()
    event_hash = fields.String()


class HistoryEventSchema(RecordedEventSchema):
    """A reading.history_view.EventView: a history event as the caller may read it (app.visibility)."""

    get_attribute = read_through("event", RecordedEventSchema)
    actor = fields.String(attribute="actor.username", allow_none=True, dump_default=None)
    on_behalf_of = fields.String(
        attribute="on_behalf_of.username",
        allow_none=True,
        dump_default=None,
        metadata={"description": "the task's holder the actor completed it for (a delegation, 代理)"},
    )
    data = fields.Dict()
    confidential = fields.Boolean(
        attribute="withheld",
        metadata={"description": "a review expert's opinion the caller may not read: no actor, no data"},
    )
    signed_by = fields.String(
        attribute="signature.name",
        allow_none=True,
        dump_default=None,
        metadata={"description": "the name the system signed the opinion with (at the event's time)"},
    )


class InstanceSchema(Schema):
    """An Instance."""

    id = fields.Integer()
    status = fields.String()
    phase = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_label = fields.String(allow_none=True)
    applicant = fields.String(attribute="applicant.full_name")
    applicant_adcode = fields.String(attribute="applicant.adcode")
    city = fields.String(attribute="city.name")
    city_adcode = fields.String(attribute="city.adcode")
    call_id = fields.Integer()
    theme_code = fields.String(allow_none=True)
    theme_title = fields.String(allow_none=True)
    theme_kind = fields.String(allow_none=True)
    version = fields.Integer(attribute="version.version")
    revision = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class InstanceStateSchema(InstanceSchema):
    """An InstanceState (its ``history`` is not read)."""

    get_attribute = read_through("instance", InstanceSchema)
    ready_tasks = fields.List(fields.Nested(TaskSchema))


class InstanceDetailSchema(InstanceStateSchema):
    """An InstanceState read with its history."""

    history = fields.List(fields.Nested(HistoryEventSchema))


class ChainProblemSchema(Schema):
    seq = fields.Integer(
        allow_none=True, metadata={"description": "the event at fault (null: the stored state)"}
    )
    field = fields.String()
    message = fields.String()


class ChainReportSchema(Schema):
    instance_id = fields.Integer()
    ok = fields.Boolean()
    events = fields.Integer()
    problem = fields.Nested(ChainProblemSchema, allow_none=True)


class ReexecutionSchema(Schema):
    instance_id = fields.Integer()
    ok = fields.Boolean()
    steps = fields.Integer()
    verified = fields.Integer()
    failure = fields.Dict(allow_none=True, metadata={"description": "the first differing step, both sides"})


class ActionSchema(Schema):
    """An ActionWithForm."""

    element_id = fields.String(
        attribute="action.element_id", metadata={"description": "BPMN id of the message start event"}
    )
    name = fields.String(attribute="action.name")
    form = fields.String(attribute="action.form")
    form_schema = fields.Dict(attribute="form.schema")


class StartRequest(Schema):
    call_id = fields.Integer(required=False, allow_none=True)


class InstanceQuery(Schema):
    """The same search, filters, sorting and keyset paging as the web's list of applications."""

    q = QueryText(
        required=False,
        validate=Length(max=MAX_QUERY),
        metadata={
            "description": "words, all of which must match: a county (历下, 济南市历下区, 370102), city, "
            "theme, call, application number, or (3 characters or more) the text of a plan or opinion "
            "the caller may read"
        },
    )
    city = QueryText(required=False, metadata={"description": "city adcode, e.g. 370100"})
    call = fields.Integer(
        required=False, validate=Range(min=1, max=MAX_ID - 1), metadata={"description": "call id"}
    )
    phase = QueryText(required=False)
    theme = QueryText(required=False, metadata={"description": "part of the theme's title, or its code"})
    status = fields.String(required=False, validate=OneOf(["running", "completed"]))
    outcome = QueryText(
        required=False, metadata={"description": "how an ended application ended, e.g. accepted, late"}
    )
    sort = fields.String(required=False, validate=OneOf(list(APPLICATION_SORTS)), load_default="updated")
    order = fields.String(required=False, validate=OneOf(list(ORDERS)), load_default="desc")
    after = after_field("application")
    limit = limit_field()


class UploadRequest(Schema):
    field = fields.String(required=True, metadata={"description": "the form field the file belongs to"})
    file = Upload(required=True)


class AttachmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class IncidentQuery(sorted_page_query(INCIDENT_SORTS, "incident")):  # type: ignore[misc]
    kind = fields.String(required=False, validate=OneOf(INCIDENT_KINDS))


class IncidentSchema(Schema):
    """Dumped straight from the Incident model."""

    id = fields.Integer()
    instance_id = fields.Integer()
    applicant = fields.String(attribute="instance.applicant.full_name")
    phase = fields.String(attribute="instance.phase", allow_none=True)
    kind = fields.String(metadata={"description": "stalled | step_failed | timer_failed"})
    element_ids = CommaSeparated(
        dump_only=True, metadata={"description": "the BPMN elements where the application stopped"}
    )
    element_names = fields.String(allow_none=True)
    message = fields.String()
    opened_at = fields.DateTime()


class NotificationSchema(Schema):
    """A Notification, with its text in the reader's language."""

    id = fields.Integer()
    kind = fields.String(
        metadata={"description": "new_task | returned | decided | reminder | due_soon | overdue"}
    )
    text = fields.Function(
        lambda n: headline(n.kind, n.params or {}), metadata={"description": "what happened"}
    )
    message = fields.Function(lambda n: (n.params or {}).get("message"), allow_none=True)
    link = fields.Function(lambda n: (n.params or {}).get("link"), allow_none=True)
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationQuery(sorted_page_query(NOTIFICATION_SORTS, "notification")):  # type: ignore[misc]
    unread = fields.Boolean(required=False, load_default=False, metadata={"description": "the unread only"})


class ReadRequest(Schema):
    id = fields.Integer(
        required=False,
        strict=True,
        validate=Range(min=1, max=MAX_ID - 1),
        metadata={"description": "the one to mark read; absent: all"},
    )


class ReminderRequest(Schema):
    message = Text(
        required=False, load_default="", metadata={"description": "optional, up to 500 characters"}
    )


class AdminChangeSchema(Schema):
    """Dumped straight from the AdminChange model."""

    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String(
        attribute="actor.username",
        allow_none=True,
        metadata={"description": "the administrator's username; null: the command line"},
    )
    kind = fields.String(
        metadata={
            "description": "user_created | user_updated | user_deactivated | user_reactivated | "
            "password_reset | unit_renamed | unit_abolished | unit_restored"
        }
    )
    target_type = fields.String(metadata={"description": "user | unit"})
    target_id = fields.Integer(allow_none=True)
    target_label = fields.String(metadata={"description": "the target as it was named at the time"})
    before = fields.Dict(metadata={"description": "the changed fields' values before"})
    after = fields.Dict(metadata={"description": "the changed fields' values after"})


class AdminChangeQuery(sorted_page_query(CHANGE_SORTS, "change")):  # type: ignore[misc]
    kind = fields.String(required=False, validate=OneOf(ADMIN_CHANGE_KINDS))
