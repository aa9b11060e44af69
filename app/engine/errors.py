"""Exceptions raised by the engine adapter.

Callers never see SpiffWorkflow's own exception types: every failure is mapped to one of these
three, so the service layer can decide between "bad diagram", "bad script/data" and "stale click"
(a ``ScriptLimitExceeded`` is a ``ScriptError`` that also names the limit it hit).
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class; ``message`` is an English, human readable description."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.element_id = element_id

    def __str__(self) -> str:
        if self.element_id:
            return f"{self.message} (element {self.element_id})"
        return self.message


class DiagramError(EngineError):
    """The BPMN files are unsafe, invalid, or do not contain the requested process.

    ``filename`` names the offending file when known.
    """

    def __init__(self, message: str, element_id: str | None = None, filename: str | None = None) -> None:
        super().__init__(message, element_id)
        self.filename = filename


class ScriptError(EngineError):
    """A script, condition or timer expression failed or was refused by the sandbox.

    The workflow object that raised it is in an undefined state and must be discarded; callers
    restore a fresh one from the last stored state.
    """


class ScriptLimitExceeded(ScriptError):
    """Diagram code was stopped at a hard limit: ``limit`` is "wall clock", "CPU time", "memory" or
    "result size". Nothing the code did reaches the workflow."""

    def __init__(self, message: str, element_id: str | None = None, limit: str = "") -> None:
        super().__init__(message, element_id)
        self.limit = limit


class TaskNotReady(EngineError):
    """The task id is unknown, not a user task, or not READY (e.g. completed by someone else)."""
