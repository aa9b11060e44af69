"""认领 and 指派 through the API: claim a unit's task, give it back, or (the unit head) assign it."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ...extensions import ApiError
from ...services.lifecycle import claims
from . import blp
from .auth import api_user, token_required
from .schemas import TaskSchema


class AssignRequest(Schema):
    member = fields.String(
        required=True,
        validate=validate.Length(max=64),
        metadata={"description": "username of a member of the unit holding the task's role"},
    )


@blp.route("/tasks/<task_id>/claim")
class TaskClaim(MethodView):
    @token_required
    @blp.response(200, TaskSchema)
    @blp.alt_response(409, schema=ApiError, description="Another member holds it (named), or it is done")
    @blp.alt_response(404, schema=ApiError, description="No such task of your unit")
    def post(self, task_id: str):
        """认领: hold a task of your unit; until you give it back only you (or your delegate) complete it."""
        return claims.claim(api_user(), task_id)

    @token_required
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, schema=ApiError, description="Neither its holder nor the unit head")
    @blp.alt_response(409, schema=ApiError, description="Nobody holds it")
    def delete(self, task_id: str):
        """Give the task back to the unit (its holder, or the unit head)."""
        return claims.unclaim(api_user(), task_id)


@blp.route("/tasks/<task_id>/assignment")
class TaskAssignment(MethodView):
    @token_required
    @blp.arguments(AssignRequest)
    @blp.response(200, TaskSchema)
    @blp.alt_response(403, schema=ApiError, description="Only the head of the task's unit assigns")
    @blp.alt_response(409, schema=ApiError, description="Not a member of the unit with the task's role")
    def post(self, body, task_id: str):
        """指派: the unit head gives the task to a member of the unit (recorded in the history)."""
        return claims.assign(api_user(), task_id, body["member"])
