"""Where everything stands, through the API: 已办 and 办理进度, read by the same services as the pages."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import get_locale

from ...extensions import ApiError
from ...services.reading import done_tasks, progress, queries
from . import blp
from .auth import api_user, token_required
from .page_schemas import page_headers, page_headers_doc
from .progress_schemas import DoneQuery, DoneTaskSchema, ProgressSchema


@blp.route("/tasks/done")
class DoneTasks(MethodView):
    @token_required
    @blp.arguments(DoneQuery, location="query")
    @blp.response(200, DoneTaskSchema(many=True), headers=page_headers_doc({"type": "integer"}))
    def get(self, args):
        """已办: the steps I or my unit took, newest first, with the decision and comments as I may
        read them, a page at a time (see X-Next-After)."""
        page = done_tasks.done_page(api_user(), done_tasks.DoneQuery(**args), str(get_locale()))
        return page.items, page_headers(page)


@blp.route("/instances/<int:instance_id>/progress")
class InstanceProgress(MethodView):
    @token_required
    @blp.response(200, ProgressSchema)
    @blp.alt_response(404, schema=ApiError, description="No such application in your scope")
    def get(self, instance_id: int):
        """办理进度: who holds each pending task and since when; for the experts' review, how many
        answered (and who, for the province and the auditors only)."""
        instance = queries.instance_for(api_user(), instance_id)
        return progress.progress_of(instance, api_user(), str(get_locale()))
