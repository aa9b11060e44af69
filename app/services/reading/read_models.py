"""An object together with what a client reads with it: the form a ready task or an action asks for,
an application's open tasks and history.

The API's response schemas dump these as they are (``app/web/api/schemas.py``), so the web never
looks up a form through an instance's process version or queries the tasks of an application itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...engine import MessageStart
from ...forms import FormDefinition
from ...models import Instance, ReadyTask, User
from ..store.deployment import form_for
from .history_view import EventView, event_views
from .inbox import InboxQuery, inbox_page
from .paging import Page
from .queries import open_tasks_of


@dataclass(frozen=True)
class TaskWithForm:
    task: ReadyTask
    form: FormDefinition


@dataclass(frozen=True)
class ActionWithForm:
    action: MessageStart
    form: FormDefinition


@dataclass(frozen=True)
class InstanceState:
    instance: Instance
    ready_tasks: list[ReadyTask]
    history: list[EventView] | None  # as the viewer may read it; None unless asked for


def ready_tasks_with_forms(user: User, query: InboxQuery) -> Page[TaskWithForm]:
    """A page of `user`'s ready tasks (the inbox's), each with the form of its application's version."""
    page = inbox_page(user, query)
    items = [TaskWithForm(task, form_for(task.instance.version, task.form)) for task in page.items]
    return page.showing(items)


def actions_with_forms(instance: Instance, actions: list[MessageStart]) -> list[ActionWithForm]:
    """The actions offered on `instance` (by ``lifecycle.instance_actions``), each with its form."""
    return [ActionWithForm(action, form_for(instance.version, action.form)) for action in actions]


def state_of(instance: Instance, viewer: User, *, with_history: bool = False) -> InstanceState:
    """The application with its ready tasks, and its history as `viewer` may read it when asked for."""
    history = event_views(instance, viewer) if with_history else None
    return InstanceState(instance, open_tasks_of(instance), history)
