"""What pages call a diagram element: its name, or, for an unnamed one (a joining gateway, say), its
kind in words. An element id is the process owner's internal handle and is never shown to people."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...engine import ProcessDefinition

_KIND_LABELS = {
    "ParallelGateway": _l("Parallel gateway (paths split or join)"),
    "ExclusiveGateway": _l("Exclusive gateway (one path is chosen)"),
    "InclusiveGateway": _l("Inclusive gateway (one or more paths)"),
    "EventBasedGateway": _l("Event-based gateway (the first event decides)"),
    "StartEvent": _l("Start event"),
    "EndEvent": _l("End event"),
    "IntermediateCatchEvent": _l("Intermediate event (waits)"),
    "IntermediateThrowEvent": _l("Intermediate event (sends)"),
    "BoundaryEvent": _l("Boundary event"),
    "UserTask": _l("User task"),
    "ScriptTask": _l("Script task"),
    "CallActivity": _l("Sub-process"),
    "SubWorkflowTask": _l("Sub-process"),
    "ParallelMultiInstanceTask": _l("Multi-instance task"),
}


def unnamed_element_labels(definition: ProcessDefinition) -> dict[str, str]:
    """Element id -> the kind in words (in the request's language) of every unnamed flow node."""
    return {
        element_id: str(_KIND_LABELS.get(kind) or _("Unnamed step"))
        for element_id, kind in definition.unnamed_element_kinds().items()
    }
