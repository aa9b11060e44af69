"""Marshmallow schemas of the API's requests and responses (they also generate the OpenAPI document)."""

from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields

from ...forms import has_unstorable_character


class Text(fields.String):
    """A string the system can store and compare: one holding a NUL or a lone UTF-16 surrogate (JSON
    lets a client send "\\u0000" and "\\ud800") is refused as malformed, as form data is by its
    validation."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_unstorable_character(text):
            raise ValidationError(_("This text contains an invalid character."))
        return text


class TokenRequest(Schema):
    username = Text(required=True)
    password = Text(required=True, load_only=True)


class TokenResponse(Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    username = fields.String()


class TaskSchema(Schema):
    id = fields.String()
    instance_id = fields.Integer()
    element_id = fields.String(metadata={"description": "BPMN element id of the user task"})
    name = fields.String()
    phase = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    form = fields.String(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    applicant = fields.String()


class TaskListItemSchema(TaskSchema):
    form_schema = fields.Dict(metadata={"description": "JSON Schema (2020-12) of the task's form"})


class TaskDetailSchema(TaskListItemSchema):
    form_ui = fields.Dict(metadata={"description": "display hints of the form"})
    values = fields.Dict(metadata={"description": "current values: earlier submissions and the saved draft"})


class CompleteRequest(Schema):
    data = fields.Dict(required=True)


class HistoryEventSchema(Schema):
    seq = fields.Integer()
    kind = fields.String()
    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    data = fields.Dict()
    revision_before = fields.Integer()
    revision_after = fields.Integer()
    state_hash = fields.String()
    prev_hash = fields.String()
    event_hash = fields.String()


class InstanceSchema(Schema):
    id = fields.Integer()
    status = fields.String()
    phase = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    outcome_label = fields.String(allow_none=True)
    applicant = fields.String()
    applicant_adcode = fields.String()
    city = fields.String()
    city_adcode = fields.String()
    call_id = fields.Integer()
    theme_code = fields.String(allow_none=True)
    theme_title = fields.String(allow_none=True)
    theme_kind = fields.String(allow_none=True)
    version = fields.Integer()
    revision = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class InstanceStateSchema(InstanceSchema):
    ready_tasks = fields.List(fields.Nested(TaskSchema))


class InstanceDetailSchema(InstanceStateSchema):
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
    element_id = fields.String(metadata={"description": "BPMN id of the message start event"})
    name = fields.String()
    form = fields.String()
    form_schema = fields.Dict()


class StartRequest(Schema):
    call_id = fields.Integer(required=False, allow_none=True)


class InstanceQuery(Schema):
    city = fields.String(required=False, metadata={"description": "city adcode, e.g. 370100"})
    phase = fields.String(required=False)
    theme = fields.String(required=False)
    status = fields.String(required=False)


class UploadRequest(Schema):
    field = fields.String(required=True, metadata={"description": "the form field the file belongs to"})
    file = Upload(required=True)


class AttachmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class IncidentSchema(Schema):
    """Dumped straight from the Incident model."""

    id = fields.Integer()
    instance_id = fields.Integer()
    applicant = fields.String(attribute="instance.applicant.full_name")
    phase = fields.String(attribute="instance.phase", allow_none=True)
    kind = fields.String(metadata={"description": "stalled | step_failed | timer_failed"})
    element_ids = fields.Function(
        lambda incident: (incident.element_ids or "").split(",") if incident.element_ids else [],
        metadata={"description": "the BPMN elements where the application stopped"},
    )
    element_names = fields.String(allow_none=True)
    message = fields.String()
    opened_at = fields.DateTime()
