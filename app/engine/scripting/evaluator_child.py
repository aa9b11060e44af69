"""The evaluator process: runs diagram code for the engine under operating-system limits.

Started by ``evaluator_pool`` with only the standard library on its path and the sandbox modules
loaded (not Flask, not SpiffWorkflow): a small address space, a fast start and little to reach. At
start it caps its own address space (RLIMIT_AS) and forbids core files and new processes
(RLIMIT_CORE, RLIMIT_NPROC; the latter is not enforced for root). Before each evaluation it arms a
CPU-time timer (ITIMER_PROF, whose SIGPROF is left at its default action: the kernel ends the
process, even in the middle of a C-level operation) and, as a backstop in whole seconds, raises its
soft RLIMIT_CPU (SIGXCPU) to the CPU time used so far plus the budget plus one second. The
wall-clock deadline is the parent's. Inside, the in-process fence still applies first: the static
policy, the size guards and the trace budget of ``sandbox``.

Protocol (frames of ``evaluator_wire``, read from fd 0, written to the original fd 1; fd 1 is then
pointed at stderr so that nothing else can write into the protocol): the child first sends
``{"ready": <address space in bytes at rest>}``; then per request its answers:

- ``{"op": "evaluate", "source", "context", "external"}`` → ``{"value": ...}``
- ``{"op": "execute", "source", "context", "external"}`` → ``{"context": ...}``: the task data after
  the script, without the globals, functions and external context (SpiffWorkflow's
  ``TaskDataEnvironment._remove_globals_and_functions_from_context``)
- ``{"op": "evaluate_each", "sources", "until_true", "context", "external"}`` → one ``{"value": ...,
  "more": bool}`` per source evaluated, each with its own CPU budget (see ``replies``)
- ``{"op": "check", "sources": [[source, "eval"|"exec"], ...]}`` → ``{"reasons": [None | str, ...]}``
- a failure: ``{"error": str}``, plus ``"limit"`` when a limit stopped it (memory, result size) and
  ``"retire": true`` when the process should not be used again.
"""

from __future__ import annotations

import math
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import ScriptError
from .evaluator_wire import HEADER, WireError, decode, encode, frame, write_all
from .sandbox import GUARDS, SAFE_BUILTINS, compile_restricted, describe_failure, run_bounded
from .script_functions import SCRIPT_FUNCTIONS

GLOBALS: dict[str, Any] = {**GUARDS, **SCRIPT_FUNCTIONS}


def evaluate(source: str, context: dict[str, Any], external: dict[str, Any]) -> Any:
    code = compile_restricted(source, "eval")
    namespace = {**external, **context, **GLOBALS, "__builtins__": SAFE_BUILTINS}
    return run_bounded(code, namespace)


def execute(source: str, context: dict[str, Any], external: dict[str, Any]) -> dict[str, Any]:
    code = compile_restricted(source, "exec")
    namespace = {**context, **external, **GLOBALS, "__builtins__": SAFE_BUILTINS}
    run_bounded(code, namespace)
    return {
        key: value
        for key, value in namespace.items()
        if key != "__builtins__" and key not in GLOBALS and key not in external and not callable(value)
    }


def check(sources: list[list[str]]) -> list[str | None]:
    """Why each (source, mode) is refused by the policy or does not compile, or None."""
    reasons: list[str | None] = []
    for source, mode in sources:
        try:
            compile_restricted(source, mode)
        except ScriptError as exc:
            reasons.append(exc.message)
        else:
            reasons.append(None)
    return reasons


def _failure(message: str, limit: str | None = None, retire: bool = False) -> dict[str, Any]:
    reply: dict[str, Any] = {"error": message}
    if limit:
        reply["limit"] = limit
    if retire:
        reply["retire"] = True
    return reply


_OUT_OF_MEMORY = _failure("out of memory", limit="memory", retire=True)


def _encoded(reply: dict[str, Any], result_bytes: int) -> tuple[bytes, bool]:
    """``reply`` encoded, or the failure saying why it cannot be (the result size limit, or a type)."""
    try:
        return encode(reply, result_bytes), False
    except WireError as exc:
        what = "the task data after the script" if "context" in reply else "the result"
        if exc.too_large:
            return encode(_failure(f"{what} is too large", limit="result size"), result_bytes), True
        return encode(_failure(f"{what} cannot be stored: {exc}"), result_bytes), True


class _Budget:
    """The per-evaluation limits of this process: CPU seconds and the size of one reply."""

    def __init__(self, cpu_seconds: float, result_bytes: int) -> None:
        self.cpu_seconds = cpu_seconds
        self.result_bytes = result_bytes

    def reply(self, work: Callable[[], dict[str, Any]]) -> tuple[bytes, bool, bool]:
        """``work()``'s reply encoded, computed under the CPU budget: (bytes, failed, retire).

        Never raises for anything the code does: a MemoryError (the address-space cap) is answered
        too, and the process then retires because its heap may be left fragmented.
        """
        backstop = math.ceil(time.process_time() + self.cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (backstop, resource.RLIM_INFINITY))
        signal.setitimer(signal.ITIMER_PROF, self.cpu_seconds)
        try:
            return (*_encoded(work(), self.result_bytes), False)
        except MemoryError:
            return encode(_OUT_OF_MEMORY, self.result_bytes), True, True
        except Exception as exc:
            return encode(_failure(describe_failure(exc)), self.result_bytes), True, False
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)


def replies(request: dict[str, Any], budget: _Budget) -> Iterator[tuple[bytes, bool]]:
    """The encoded replies to one request, each with whether to retire the process after it.

    ``evaluate_each`` evaluates its sources in order, one reply each (with ``"more": true`` when
    another follows), until one fails or, with ``until_true``, one is true: SpiffWorkflow's own
    order and stopping rule for a gateway's conditions. Each has its own CPU budget.
    """
    if request.get("op") != "evaluate_each":
        reply, _failed, retire = budget.reply(lambda: _SINGLE[request["op"]](request))
        yield reply, retire
        return
    sources, until_true = request["sources"], request["until_true"]
    for index, source in enumerate(sources):
        more = [False]

        def work(index: int = index, source: str = source, more: list[bool] = more) -> dict[str, Any]:
            value = evaluate(source, request["context"], request["external"])
            more[0] = index + 1 < len(sources) and not (until_true and value)
            return {"value": value, "more": more[0]}

        reply, failed, retire = budget.reply(work)
        yield reply, retire
        if failed or not more[0]:
            return


_SINGLE: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "check": lambda req: {"reasons": check(req["sources"])},
    "evaluate": lambda req: {"value": evaluate(req["source"], req["context"], req["external"])},
    "execute": lambda req: {"context": execute(req["source"], req["context"], req["external"])},
}


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit_process(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _warm_up() -> None:
    """Load what the first evaluations would otherwise import lazily, before the memory cap."""
    execute("x = sorted(str(i) for i in range(3))\ny = f'{1.5:.1f}' + '%s' % 1", {}, {})
    time.strptime("2026-01-01", "%Y-%m-%d")


def main() -> None:
    """Serve requests until the parent closes the pipe. argv: cpu seconds, memory bytes, result bytes."""
    cpu_seconds = float(sys.argv[1])
    memory_bytes, result_bytes = int(sys.argv[2]), int(sys.argv[3])
    requests, answers = 0, os.dup(1)
    os.dup2(2, 1)
    _warm_up()
    _limit_process(memory_bytes)
    write_all(answers, frame(encode({"ready": _address_space()}, result_bytes)))
    budget = _Budget(cpu_seconds, result_bytes)
    while True:
        header = _read_exactly(requests, HEADER.size)
        payload = header and _read_exactly(requests, HEADER.unpack(header)[0])
        if payload is None:
            return
        try:
            request = decode(payload)
        except MemoryError:
            write_all(answers, frame(encode(_OUT_OF_MEMORY, result_bytes)))
            return
        except WireError as exc:
            write_all(answers, frame(encode(_failure(str(exc)), result_bytes)))
            continue
        for reply, retire in replies(request, budget):
            write_all(answers, frame(reply))
            if retire:
                return
