"""Engine adapter: the only package that imports SpiffWorkflow.

Typical use from the service layer::

    definition = ProcessDefinition.from_files({"lifecycle.bpmn": ..., "declaration.bpmn": ...},
                                              "zone_lifecycle")
    engine = Engine(definition)
    run = engine.start({"call_deadline": "2026-06-30T23:59:59+08:00"}, now)
    run.complete_task(run.ready_user_tasks()[0].task_id, form_data, now)
    state = run.serialize()            # store it; later: engine.restore(state)
"""

from . import clock as _clock
from .definition import ProcessDefinition, UserTaskSpec, lanes_by_element
from .engine import Engine
from .errors import DiagramError, EngineError, ScriptError, ScriptLimitExceeded, TaskNotReady
from .event_subprocesses import MessageStart
from .properties import DUE_DATE_PROPERTY, ENGLISH_NAME_PROPERTY, FORM_PROPERTY
from .run import FiredTimer, ReadyTask, WorkflowRun
from .scripting.evaluator_pool import EvaluatorLimits, configure_evaluators, evaluator_limits
from .scripting.sandbox import check_expression
from .scripting.script_engine import check_snippets
from .xml_safety import parse_bpmn_xml

_clock.install()

__all__ = [
    "DiagramError",
    "Engine",
    "EngineError",
    "EvaluatorLimits",
    "DUE_DATE_PROPERTY",
    "ENGLISH_NAME_PROPERTY",
    "FORM_PROPERTY",
    "FiredTimer",
    "MessageStart",
    "ProcessDefinition",
    "ReadyTask",
    "ScriptError",
    "ScriptLimitExceeded",
    "TaskNotReady",
    "UserTaskSpec",
    "WorkflowRun",
    "check_expression",
    "check_snippets",
    "configure_evaluators",
    "evaluator_limits",
    "lanes_by_element",
    "parse_bpmn_xml",
]
