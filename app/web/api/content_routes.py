"""The application's read-only content through the API: what reviewers read beside their tasks."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import get_locale

from ...extensions import ApiError
from ...services.lifecycle import tasks
from ...services.reading import application_content
from ..exports import attachment_response
from . import blp
from .auth import api_user, token_required
from .content_schemas import ApplicationContentSchema, ContentQuery


@blp.route("/instances/<int:instance_id>/content")
class InstanceContent(MethodView):
    @token_required
    @blp.arguments(ContentQuery, location="query")
    @blp.response(200, ApplicationContentSchema)
    @blp.alt_response(
        404, schema=ApiError, description="No such application in your scope, or no such version"
    )
    def get(self, args, instance_id: int):
        """The application as submitted: the latest declaration (or `version`) with its plan, each
        revision against the version before it with the opinions on that version, what else the zone
        submitted, and the files."""
        return application_content.application_content(
            api_user(), instance_id, str(get_locale()), args.get("version")
        )


@blp.route("/tasks/<task_id>/content")
class TaskContent(MethodView):
    @token_required
    @blp.response(200, ApplicationContentSchema)
    @blp.alt_response(404, schema=ApiError, description="No such task in your scope")
    @blp.alt_response(409, schema=ApiError, description="The task has been completed meanwhile")
    def get(self, task_id: str):
        """What one of my tasks is about: the application as submitted before the task became ready."""
        return application_content.content_for_task(
            tasks.actionable_task(api_user(), task_id), api_user(), str(get_locale())
        )


@blp.route("/instances/<int:instance_id>/files/<int:attachment_id>")
class InstanceFile(MethodView):
    @token_required
    @blp.response(200, description="the file: a PDF inline, Word and Excel files as an attachment")
    @blp.alt_response(404, schema=ApiError, description="No such application or file in your scope")
    def get(self, instance_id: int, attachment_id: int):
        """One file of an application (its `url` in the content)."""
        return attachment_response(api_user(), instance_id, attachment_id)
