"""Schemas of where everything stands: 已办 and 办理进度 (see ``progress_routes``)."""

from __future__ import annotations

from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf

from ...services.reading.done_tasks import DONE_SORTS
from .page_schemas import after_field, limit_field
from .schemas import HistoryEventSchema, QueryText


class DoneQuery(Schema):
    sort = fields.String(load_default="newest", validate=OneOf(DONE_SORTS))
    phase = QueryText(load_default=None, validate=Length(max=64))
    after = after_field("step")
    limit = limit_field()


class DoneTaskSchema(Schema):
    """A reading.done_tasks.DoneTask: a step the caller or their unit took, as they may read it."""

    instance_id = fields.Integer(attribute="instance.id")
    phase = fields.String(allow_none=True)
    event = fields.Nested(HistoryEventSchema, attribute="view")
    decision = fields.List(
        fields.Tuple((fields.String(), fields.String())),
        attribute="view.lines",
        metadata={"description": "(label, value) of the decision and comments, in the form's words"},
    )


class HoldingSchema(Schema):
    task_id = fields.String(attribute="task.id")
    name = fields.String(attribute="task.name")
    role = fields.String(attribute="task.role", allow_none=True)
    holder = fields.String(metadata={"description": "the unit (with its role) or the person holding it"})
    since = fields.DateTime()
    due_at = fields.DateTime(attribute="task.due_at", allow_none=True)


class PanelMemberSchema(Schema):
    name = fields.String()
    answered = fields.Boolean()


class PanelSchema(Schema):
    name = fields.String()
    role = fields.String()
    since = fields.DateTime()
    answered = fields.Integer()
    total = fields.Integer()
    members = fields.List(
        fields.Nested(PanelMemberSchema),
        allow_none=True,
        metadata={"description": "who the experts are: only for the province and the auditors, else null"},
    )
    own_answered = fields.Boolean(
        allow_none=True, metadata={"description": "for an expert of the panel: whether their answer is in"}
    )


class ProgressSchema(Schema):
    """A reading.progress.Progress: who holds the application's pending tasks, and since when."""

    holdings = fields.List(fields.Nested(HoldingSchema))
    panels = fields.List(fields.Nested(PanelSchema))
