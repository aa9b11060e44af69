from __future__ import annotations

from flask.views import MethodView

from ... import clock
from ...extensions import ApiError
from ...services.accounts import credentials
from ...services.administration import changes as admin_change_log
from ...services.audit import access, chain_check, reexecution
from ...services.lifecycle import applications, instance_actions, reminders, tasks
from ...services.notices import bell
from ...services.reading import incident_list, queries, read_models, search
from ...services.reading.inbox import InboxQuery
from ...services.reading.notification_list import notifications_page
from ..exports import audit_package_response
from ..sign_in_limits import address_limit
from . import blp
from .auth import api_user, bearer_token, token_required
from .page_schemas import TaskPageQuery, page_headers, page_headers_doc, page_request
from .schemas import (
    ActionSchema,
    AdminChangeQuery,
    AdminChangeSchema,
    AttachmentSchema,
    ChainReportSchema,
    CompleteRequest,
    IncidentQuery,
    IncidentSchema,
    InstanceDetailSchema,
    InstanceQuery,
    InstanceSchema,
    InstanceStateSchema,
    NotificationQuery,
    NotificationSchema,
    ReadRequest,
    ReexecutionSchema,
    ReminderRequest,
    StartRequest,
    TaskDetailSchema,
    TaskListItemSchema,
    TokenRequest,
    TokenResponse,
    UploadRequest,
)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(TokenRequest)
    @blp.response(201, TokenResponse)
    @blp.alt_response(
        429, schema=ApiError, description="Too many failed sign-ins (address or username); see Retry-After"
    )
    @address_limit
    def post(self, body):
        """Exchange a username and password for a bearer token."""
        raw, token = credentials.issue_token(body["username"], body["password"])
        return {"token": raw, "expires_at": token.expires_at, "username": token.user.username}

    @token_required
    @blp.response(204)
    def delete(self):
        """Revoke the token sent with this request."""
        credentials.revoke_token(bearer_token())


@blp.route("/tasks")
class Tasks(MethodView):
    @token_required
    @blp.arguments(TaskPageQuery, location="query")
    @blp.response(200, TaskListItemSchema(many=True), headers=page_headers_doc({"type": "string"}))
    def get(self, args):
        """My ready tasks, the earliest due first, each with its BPMN element id and form schema (no
        state is loaded), a page at a time (see X-Next-After)."""
        page = read_models.ready_tasks_with_forms(api_user(), InboxQuery(**args))
        return page.items, page_headers(page)


@blp.route("/tasks/<task_id>")
class TaskItem(MethodView):
    @token_required
    @blp.response(200, TaskDetailSchema)
    def get(self, task_id: str):
        """One ready task with its form and current values."""
        return tasks.task_context(api_user(), task_id)


@blp.route("/tasks/<task_id>/complete")
class TaskCompletion(MethodView):
    @token_required
    @blp.arguments(CompleteRequest)
    @blp.response(200, InstanceStateSchema)
    @blp.alt_response(422, schema=ApiError, description="The data does not satisfy the form")
    @blp.alt_response(409, schema=ApiError, description="Already completed by someone else")
    @blp.alt_response(404, schema=ApiError, description="No such task in your scope")
    def post(self, body, task_id: str):
        """Complete a task with the form's data; answers the instance's new state and ready tasks."""
        return read_models.state_of(tasks.complete_task(api_user(), task_id, body["data"]), api_user())


@blp.route("/tasks/<task_id>/attachments")
class TaskAttachments(MethodView):
    @token_required
    @blp.arguments(UploadRequest, location="form_and_files")
    @blp.response(201, AttachmentSchema)
    @blp.alt_response(422, schema=ApiError, description="Not a PDF/Office file, or too large")
    def post(self, body, task_id: str):
        """Upload a file (PDF, Word or Excel) for one of the task's file fields.

        Send multipart/form-data with `field` and `file`; put the returned reference into the
        task's data under that field when completing it.
        """
        upload = body["file"]
        return tasks.upload_file(api_user(), task_id, body["field"], upload.filename, upload.stream)


@blp.route("/tasks/<task_id>/draft")
class TaskDraftResource(MethodView):
    @token_required
    @blp.arguments(CompleteRequest)
    @blp.response(204)
    def put(self, body, task_id: str):
        """Save a draft of the task's data without validating it."""
        tasks.save_draft(api_user(), task_id, body["data"])


@blp.route("/tasks/<task_id>/reminders")
class TaskReminders(MethodView):
    @token_required
    @blp.arguments(ReminderRequest, required=False)
    @blp.response(204)
    @blp.alt_response(403, schema=ApiError, description="Only the province, or the city for its own counties")
    @blp.alt_response(404, schema=ApiError, description="No such pending task in your scope")
    @blp.alt_response(422, schema=ApiError, description="The message is too long or malformed")
    def post(self, body, task_id: str):
        """催办: remind whoever holds the pending task (recorded in the history, notified to them)."""
        reminders.remind(api_user(), task_id, body.get("message"))


@blp.route("/notifications")
class Notifications(MethodView):
    @token_required
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(
        200,
        NotificationSchema(many=True),
        headers={
            **page_headers_doc({"type": "integer"}),
            "X-Unread-Count": {
                "description": f"how many of my notifications are unread, counted up to {bell.UNREAD_LIMIT}: "
                f"{bell.UNREAD_LIMIT + 1} means more than {bell.UNREAD_LIMIT}",
                "schema": {"type": "integer"},
            },
        },
    )
    def get(self, args):
        """My notifications, newest first, all or the unread only, a page at a time (see X-Next-After),
        and how many are unread (X-Unread-Count)."""
        user = api_user()
        page = notifications_page(user, args.pop("unread"), page_request(args))
        return page.items, {**page_headers(page), "X-Unread-Count": str(bell.unread_count(user))}


@blp.route("/notifications/read")
class NotificationsRead(MethodView):
    @token_required
    @blp.arguments(ReadRequest, required=False)
    @blp.response(204)
    def post(self, body):
        """Mark one of my notifications read (``id``), or all of them."""
        bell.mark_read(api_user(), clock.now(), body.get("id"))


@blp.route("/instances")
class Instances(MethodView):
    @token_required
    @blp.arguments(InstanceQuery, location="query")
    @blp.response(200, InstanceSchema(many=True), headers=page_headers_doc({"type": "integer"}))
    def get(self, args):
        """Applications in my scope: searched, filtered, sorted, a page at a time (see X-Next-After)."""
        page = search.search_applications(api_user(), search.ApplicationQuery(**args))
        return page.items, page_headers(page)

    @token_required
    @blp.arguments(StartRequest, required=False)
    @blp.response(201, InstanceDetailSchema)
    def post(self, body):
        """Start an application for the caller's county: in the call named, or else the open call.

        The body may be left out: most clients start in the one open call.
        """
        instance = applications.start_application(api_user(), body.get("call_id"))
        return read_models.state_of(instance, api_user(), with_history=True)


@blp.route("/instances/<int:instance_id>")
class InstanceItem(MethodView):
    @token_required
    @blp.response(200, InstanceDetailSchema)
    def get(self, instance_id: int):
        """Status, phase, ready tasks and history of one application."""
        return read_models.state_of(
            queries.instance_for(api_user(), instance_id), api_user(), with_history=True
        )


@blp.route("/instances/<int:instance_id>/actions")
class InstanceActions(MethodView):
    @token_required
    @blp.response(200, ActionSchema(many=True))
    def get(self, instance_id: int):
        """What I may start on this application now (a change or extension request, an inspection)."""
        instance = queries.instance_for(api_user(), instance_id)
        return read_models.actions_with_forms(
            instance, instance_actions.available_actions(api_user(), instance)
        )


@blp.route("/instances/<int:instance_id>/actions/<element_id>")
class InstanceActionStart(MethodView):
    @token_required
    @blp.arguments(CompleteRequest)
    @blp.response(200, InstanceStateSchema)
    @blp.alt_response(422, schema=ApiError, description="Invalid data, or not possible now")
    @blp.alt_response(404, schema=ApiError, description="No such application or action in your scope")
    def post(self, body, instance_id: int, element_id: str):
        """Start the action (its event sub-process) with the form's data; answers the new state."""
        instance_actions.start_action(api_user(), instance_id, element_id, body["data"])
        return read_models.state_of(queries.instance_for(api_user(), instance_id), api_user())


@blp.route("/instances/<int:instance_id>/verify")
class InstanceVerify(MethodView):
    @token_required
    @blp.response(200, ChainReportSchema)
    @blp.alt_response(403, schema=ApiError, description="Only auditors and the province")
    def get(self, instance_id: int):
        """Walk the application's hash chain; names the first broken link (event and field)."""
        return chain_check.verify_chain(access.audited_instance(api_user(), instance_id))


@blp.route("/instances/<int:instance_id>/reexecution")
class InstanceReexecution(MethodView):
    @token_required
    @blp.response(200, ReexecutionSchema)
    @blp.alt_response(403, schema=ApiError, description="Only auditors and the province")
    def get(self, instance_id: int):
        """Replay the history from the pinned diagram version; compares every step's state hash."""
        return reexecution.reexecute(access.audited_instance(api_user(), instance_id))


@blp.route("/instances/<int:instance_id>/audit-package")
class InstanceAuditPackage(MethodView):
    @token_required
    @blp.response(200, description="application/zip: events, diagram and form versions, reports, 申报表")
    @blp.alt_response(403, schema=ApiError, description="Only auditors and the province")
    def get(self, instance_id: int):
        """The application's audit package as a zip (recorded in the security log)."""
        return audit_package_response(api_user(), instance_id)


@blp.route("/incidents")
class Incidents(MethodView):
    @token_required
    @blp.arguments(IncidentQuery, location="query")
    @blp.response(200, IncidentSchema(many=True), headers=page_headers_doc({"type": "integer"}))
    @blp.alt_response(403, schema=ApiError, description="Only administrators, auditors and process owners")
    def get(self, args):
        """Open incidents: running applications that cannot go on by themselves, the latest opened
        first, a page at a time (see X-Next-After)."""
        page = incident_list.incidents_page(api_user(), args.get("kind"), page_request(args))
        return page.items, page_headers(page)


@blp.route("/admin-changes")
class AdminChanges(MethodView):
    @token_required
    @blp.arguments(AdminChangeQuery, location="query")
    @blp.response(200, AdminChangeSchema(many=True), headers=page_headers_doc({"type": "integer"}))
    @blp.alt_response(403, schema=ApiError, description="Only auditors and administrators")
    def get(self, args):
        """Administrative changes (users, units), newest first: who, when, before → after; a page at
        a time (see X-Next-After)."""
        page = admin_change_log.page(api_user(), args.get("kind"), page_request(args))
        return page.items, page_headers(page)
