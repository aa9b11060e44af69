"""The flow graph of a diagram version, read backwards: which recorded step made an element ready.

The history records only what people and timers did (a task completed, a request started, a timer
fired, the start and the end), never when a task became ready nor which sequence flows were taken.
Both follow from the diagram: walking back from an element along its incoming flows, through what
the history does not record (gateways, script tasks, throw events, the start and end of a called
process or sub-process), the first recorded elements reached are the steps that can have made it
ready; the flows walked on the way are the ones taken from there to it. The walk:

* stops at a *recorded* element: a user task, a timer event, a message start or boundary event, or
  the main process's start event (the history's ``started`` event, which names no element);
* leaves a call activity or an embedded sub-process backwards through its end events, and enters it
  backwards from its start event to the call activity's own incoming flows;
* from a boundary event goes to the activity it is attached to: a boundary event is armed when that
  activity begins, so it shares that activity's predecessors (the activity itself is not one of them);
* keeps, per recorded element reached, only the flows and elements that every path from it takes:
  the history cannot tell which of two branches was taken between two recorded steps (e.g. which
  end a called process reached before its caller went on), so neither branch is counted.

Element ids are read as unique within a version: where two called processes reuse an id, their
flows are merged (our diagrams do not; the workbench's checks keep ids meaningful per element).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ...engine import parse_bpmn_xml
from ...extensions import db
from ...models import ProcessVersion

_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
MAIN_START = ""  # the ``started`` event names no element: it stands for the main start event

_FLOW_NODES = {
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "task",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
}


@dataclass
class _Node:
    id: str
    kind: str
    parent: str  # the process or sub-process holding it
    incoming: list[tuple[str, str]] = field(default_factory=list)  # (flow id, source id)
    recorded: bool = False
    attached_to: str | None = None
    called: str | None = None  # a call activity's process id


@dataclass(frozen=True)
class Path:
    """How a recorded element leads to another: the flows and the unrecorded elements every way takes."""

    flows: frozenset[str]
    passed: frozenset[str]


def _definitions(element: Any) -> set[str]:
    return {child.tag.removeprefix(_NS) for child in element if child.tag.endswith("EventDefinition")}


def _is_recorded(kind: str, definitions: set[str]) -> bool:
    if kind == "userTask":
        return True
    if kind in ("startEvent", "boundaryEvent", "intermediateCatchEvent"):
        return bool({"timerEventDefinition", "messageEventDefinition"} & definitions)
    return False


class FlowGraph:
    """The version's flow nodes and sequence flows, with the backward walk described above."""

    def __init__(self, nodes: dict[str, _Node], main_process_id: str) -> None:
        self._nodes = nodes
        self._callers: dict[str, list[str]] = {}
        self._ends: dict[str, list[str]] = {}
        self._starts: dict[str, list[str]] = {}
        for node in nodes.values():
            if node.called:
                self._callers.setdefault(node.called, []).append(node.id)
            if node.kind == "endEvent":
                self._ends.setdefault(node.parent, []).append(node.id)
            if node.kind == "startEvent" and not node.recorded:
                self._starts.setdefault(node.parent, []).append(node.id)
        self.main_starts = frozenset(self._starts.get(main_process_id, []))
        self._cache: dict[str, dict[str, Path]] = {}

    @classmethod
    def of(cls, version: ProcessVersion) -> FlowGraph:
        nodes: dict[str, _Node] = {}
        for filename, text in version.bpmn_files.items():
            root = parse_bpmn_xml(text.encode(), filename)
            for process in root.iter(f"{_NS}process"):
                _read_container(process, process.get("id"), nodes)
        return cls(nodes, version.main_process_id)

    @classmethod
    def cached(cls, version: ProcessVersion) -> FlowGraph:
        """The version's graph, kept with its walks: versions are immutable."""
        return _graph_of(version.id, version.content_hash)

    def predecessors(self, element_id: str) -> dict[str, Path]:
        """Recorded element id (``MAIN_START`` for the start) -> what every path from it to ``element_id``
        takes: the recorded elements that can have made ``element_id`` ready, and the way from each."""
        if element_id not in self._cache:
            self._cache[element_id] = self._walk(element_id)
        return self._cache[element_id]

    def _stops_at(self, node_id: str) -> bool:
        node = self._nodes.get(node_id)
        return node is None or node.recorded or node_id in self.main_starts

    def _walk(self, element_id: str) -> dict[str, Path]:
        """Explore backwards to the recorded elements, then keep per recorded element what every path
        from it to ``element_id`` takes (a "must" analysis, the greatest fixed point over the loops)."""
        forward: dict[str, list[tuple[str | None, str, frozenset[str]]]] = defaultdict(list)
        recorded: set[str] = set()
        queue, explored = deque([element_id]), {element_id}
        while queue:
            node_id = queue.popleft()
            for flow, source, passing in self._entries(node_id):
                forward[source].append((flow, node_id, passing))
                if self._stops_at(source):
                    recorded.add(source)
                elif source not in explored:
                    explored.add(source)
                    queue.append(source)
        certain: dict[str, Path] = {element_id: Path(frozenset(), frozenset())}
        changed = True
        while changed:
            changed = False
            for node_id in [*explored - {element_id}, *recorded]:
                paths = [
                    Path(
                        certain[target].flows | ({flow} if flow else set()),
                        certain[target].passed | passing | ({target} if target != element_id else set()),
                    )
                    for flow, target, passing in forward[node_id]
                    if target in certain
                ]
                if not paths:
                    continue
                path = Path(
                    frozenset.intersection(*(p.flows for p in paths)),
                    frozenset.intersection(*(p.passed for p in paths)),
                )
                if certain.get(node_id) != path:
                    certain[node_id], changed = path, True
        return {MAIN_START if r in self.main_starts else r: certain[r] for r in recorded if r in certain}

    def _entries(self, node_id: str) -> list[tuple[str | None, str, frozenset[str]]]:
        """(flow taken or None, node reached backwards, elements passed on the way) from ``node_id``."""
        node = self._nodes.get(node_id)
        if node is None:
            return []
        if node.kind == "boundaryEvent" and node.attached_to:
            return [(None, source, passed) for _flow, source, passed in self._entries(node.attached_to)]
        entries: list[tuple[str | None, str, frozenset[str]]] = []
        for flow, source in node.incoming:
            inner = self._ends.get(self._nodes[source].called or source, []) if source in self._nodes else []
            if inner:  # leaving a call activity or sub-process backwards: through its ends
                entries += [(flow, end, frozenset({source})) for end in inner]
            else:
                entries.append((flow, source, frozenset()))
        if not node.incoming and node.kind == "startEvent" and node.id not in self.main_starts:
            embedded = [node.parent] if node.parent in self._nodes else []
            containers = self._callers.get(node.parent, []) or embedded
            for container in containers:
                entries += [(f, e, frozenset({container}) | p) for f, e, p in self._entries(container)]
        return entries


@lru_cache(maxsize=16)
def _graph_of(version_id: int, content_hash_: str) -> FlowGraph:
    return FlowGraph.of(db.session.get_one(ProcessVersion, version_id))  # the caller holds the version


def _read_container(container: Any, container_id: str, nodes: dict[str, _Node]) -> None:
    flows = []
    for child in container:
        tag = child.tag.removeprefix(_NS) if isinstance(child.tag, str) else ""
        if tag == "sequenceFlow":
            flows.append(child)
        elif tag in _FLOW_NODES:
            node = _Node(
                id=child.get("id"),
                kind=tag,
                parent=container_id,
                recorded=_is_recorded(tag, _definitions(child)),
                attached_to=child.get("attachedToRef"),
                called=child.get("calledElement") if tag == "callActivity" else None,
            )
            nodes[node.id] = node
            if tag == "subProcess":  # embedded, or an event sub-process (its message start is recorded)
                _read_container(child, node.id, nodes)
    for flow in flows:
        target = nodes.get(flow.get("targetRef"))
        if target is not None:
            target.incoming.append((flow.get("id"), flow.get("sourceRef")))
