"""A small pool of evaluator processes: every piece of diagram code runs in one, under hard limits.

The sandbox's own fence (policy, size guards, trace budget) cannot interrupt a single C-level
operation: hashing a tuple nested 64 levels deep in itself or dividing million-bit integers holds the GIL for
minutes. So the engine runs each evaluation in a child process (``evaluator_child``) that the
kernel limits (address space, CPU time) and the parent gives a wall-clock deadline; on a breach the
child is killed (SIGKILL) and replaced, and the caller gets a ``ScriptLimitExceeded`` naming the
limit. Waiting on the pipe releases the GIL, so the server's other threads keep answering.

Children are started with ``subprocess`` (fork+exec: nothing of a multi-threaded server's state is
inherited), lazily, as many as ``EvaluatorLimits.processes`` per server process and shared by its
threads; they are forgotten after a ``fork`` of the server (gunicorn forks workers after import:
each worker starts its own) and killed at exit. Messages are ``evaluator_wire`` frames: JSON, never
pickle, and an answer larger than the result limit is refused unread.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from ..errors import ScriptError, ScriptLimitExceeded
from .evaluator_wire import HEADER, WireError, decode, encode, frame, write_all

T = TypeVar("T")
WALL_CLOCK, CPU_TIME, MEMORY, RESULT_SIZE = "wall clock", "CPU time", "memory", "result size"
_MB = 1024 * 1024
# Task data sent to a child may be larger than a result may be (it was accepted before), up to this.
_REQUEST_BYTES_FACTOR = 16
_START_SECONDS = 10.0
# Load the evaluator without running app/__init__.py (Flask), app/engine/__init__.py (SpiffWorkflow)
# or app/engine/scripting/__init__.py: ``app``, ``app.engine`` and ``app.engine.scripting`` are
# registered as bare packages over their directories (argv[1] is this one's).
_BOOTSTRAP = """
import os, sys, types
scripting_dir = sys.argv[1]
engine_dir = os.path.dirname(scripting_dir)
for name, path in (
    ("app", os.path.dirname(engine_dir)),
    ("app.engine", engine_dir),
    ("app.engine.scripting", scripting_dir),
):
    package = types.ModuleType(name)
    package.__path__ = [path]
    sys.modules[name] = package
del sys.argv[1]
from app.engine.scripting.evaluator_child import main
main()
"""


@dataclass(frozen=True)
class EvaluatorLimits:
    """Per-evaluation limits: the wall clock bounds the caller's wait, the CPU time is enforced by
    the kernel in the child, memory is the child's whole address space (about 15 MB at rest)."""

    wall_seconds: float = 2.0
    cpu_seconds: float = 1.0
    memory_bytes: int = 256 * _MB
    result_bytes: int = 1 * _MB
    processes: int = 2

    def describe(self, limit: str) -> str:
        """``stopped at the CPU time limit (1 s)``: the words a ScriptLimitExceeded starts with."""
        value = {
            WALL_CLOCK: f"{self.wall_seconds:g} s",
            CPU_TIME: f"{self.cpu_seconds:g} s",
            MEMORY: _size(self.memory_bytes),
            RESULT_SIZE: _size(self.result_bytes),
        }[limit]
        return f"stopped at the {limit} limit ({value})"


def _size(count: int) -> str:
    return f"{count / _MB:.3g} MB" if count >= _MB else f"{count / 1024:.3g} KB"


class _Evaluator:
    """One child process and its pipes."""

    def __init__(self, limits: EvaluatorLimits) -> None:
        self.limits = limits
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-S",
                "-s",
                "-P",
                "-c",
                _BOOTSTRAP,
                str(Path(__file__).resolve().parent),
                str(limits.cpu_seconds),
                str(limits.memory_bytes),
                str(limits.result_bytes),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            # A fixed hash seed: a script's set order is the same in every process, so replays agree.
            env={"PYTHONHASHSEED": "0"},
            start_new_session=True,
        )
        # Popen opens both pipes, since stdin and stdout are PIPE above.
        assert self.process.stdin is not None and self.process.stdout is not None
        self._requests: IO[bytes] = self.process.stdin
        self._answers: IO[bytes] = self.process.stdout
        try:
            resting = self._read_frame(time.monotonic() + _START_SECONDS, 1024).get("ready")
        except ScriptError as exc:
            self.kill()
            raise ScriptError(f"the evaluator process could not start: {exc.message}") from None
        if not isinstance(resting, int) or resting >= limits.memory_bytes:
            self.kill()
            raise ScriptError(
                f"the evaluator process could not start: the memory limit ({_size(limits.memory_bytes)}) "
                f"is below what it needs at rest ({_size(resting if isinstance(resting, int) else 0)})"
            )

    def send(self, data: bytes) -> None:
        try:
            write_all(self._requests.fileno(), data)
        except OSError:
            raise self._died() from None

    def receive(self) -> dict[str, Any]:
        """The next answer, waited for until the wall-clock limit (counted from now)."""
        deadline = time.monotonic() + self.limits.wall_seconds
        return self._read_frame(deadline, self.limits.result_bytes + 64 * 1024)

    def _read_frame(self, deadline: float, max_bytes: int) -> dict[str, Any]:
        header = self._read(HEADER.size, deadline)
        size = HEADER.unpack(header)[0]
        if size > max_bytes:
            self.kill()
            raise ScriptError(f"the evaluator sent {size} bytes, more than the limit of {max_bytes}")
        try:
            message = decode(self._read(size, deadline))
        except WireError as exc:
            self.kill()
            raise ScriptError(f"the evaluator sent a malformed answer: {exc}") from None
        if not isinstance(message, dict):
            self.kill()
            raise ScriptError("the evaluator sent a malformed answer")
        return message

    def _read(self, size: int, deadline: float) -> bytes:
        fd = self._answers.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        chunks: list[bytes] = []
        while size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                self.kill()
                raise ScriptLimitExceeded(self.limits.describe(WALL_CLOCK), limit=WALL_CLOCK)
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise self._died()
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _died(self) -> ScriptError:
        """The error for a child that closed its pipe: killed by the CPU limit, or crashed."""
        try:
            code = self.process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            code = None
        self.kill()
        if code in (-signal.SIGPROF, -signal.SIGXCPU):
            return ScriptLimitExceeded(self.limits.describe(CPU_TIME), limit=CPU_TIME)
        return ScriptError(f"the evaluator process ended unexpectedly (exit status {code})")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self._requests, self._answers):
            pipe.close()

    def forget(self) -> None:
        """Drop an evaluator inherited through ``fork``: close this process's copy of its pipes only."""
        for pipe in (self._requests, self._answers):
            pipe.close()
        self.process.returncode = 0  # not our child: never wait for it


class EvaluatorPool:
    """Up to ``limits.processes`` evaluators shared by the threads of one server process."""

    def __init__(self, limits: EvaluatorLimits) -> None:
        self.limits = limits
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Condition()
        self._idle: list[_Evaluator] = []
        self._started = 0

    def configure(self, limits: EvaluatorLimits) -> None:
        """Use new limits from now on; idle children with the old ones are stopped."""
        with self._lock:
            if limits == self.limits:
                return
            self.limits = limits
            idle, self._idle = self._idle, []
            self._started -= len(idle)
            self._lock.notify_all()
        for evaluator in idle:
            evaluator.kill()

    def run(self, request: dict[str, Any]) -> dict[str, Any]:
        """One round trip with an evaluator; raises ScriptError (ScriptLimitExceeded for a limit)."""

        data = self._encoded(request)

        def one(evaluator: _Evaluator) -> tuple[dict[str, Any], bool]:
            evaluator.send(data)
            answer = evaluator.receive()
            return answer, answer.get("retire") is True

        answer, limits = self._exchange(one)
        return _checked(answer, limits)

    def run_each(self, request: dict[str, Any]) -> list[dict[str, Any] | ScriptError]:
        """The answers to an ``evaluate_each`` request, in one round trip: the answers the child
        sent, in order, the last of them a ScriptError if that evaluation failed or was stopped."""

        data = self._encoded(request)

        def each(evaluator: _Evaluator) -> tuple[list[dict[str, Any] | ScriptError], bool]:
            evaluator.send(data)
            results: list[dict[str, Any] | ScriptError] = []
            while len(results) < len(request["sources"]):
                try:
                    answer = evaluator.receive()
                except ScriptError as exc:  # stopped or died: the answers so far stand
                    return [*results, exc], True
                try:
                    results.append(_checked(answer, evaluator.limits))
                except ScriptError as exc:
                    return [*results, exc], answer.get("retire") is True
                if answer.get("more") is not True:
                    break
            return results, False

        return self._exchange(each)[0]

    def _encoded(self, request: dict[str, Any]) -> bytes:
        try:
            return frame(encode(request, self.limits.result_bytes * _REQUEST_BYTES_FACTOR))
        except WireError as exc:
            raise ScriptError(f"the task data cannot be passed to the evaluator: {exc}") from None

    def _exchange(self, talk: Callable[[_Evaluator], tuple[T, bool]]) -> tuple[T, EvaluatorLimits]:
        """``talk`` with an idle evaluator; it is killed and replaced if it failed or asks to retire."""
        evaluator = self._checkout()
        try:
            result, retire = talk(evaluator)
        except BaseException:
            evaluator.kill()
            self._checkin(None)
            raise
        limits = evaluator.limits
        if retire or limits != self.limits:
            evaluator.kill()
            self._checkin(None)
        else:
            self._checkin(evaluator)
        return result, limits

    def _checkout(self) -> _Evaluator:
        if os.getpid() != self._pid:
            self._forget_inherited()
        with self._lock:
            while not self._idle and self._started >= self.limits.processes:
                self._lock.wait()
            if self._idle:
                return self._idle.pop()
            self._started += 1
            limits = self.limits
        try:
            return _Evaluator(limits)
        except BaseException:
            self._checkin(None)
            raise

    def _checkin(self, evaluator: _Evaluator | None) -> None:
        with self._lock:
            if evaluator is None:
                self._started -= 1
            else:
                self._idle.append(evaluator)
            self._lock.notify()

    def _forget_inherited(self) -> None:
        idle = self._idle
        self._reset()
        for evaluator in idle:
            evaluator.forget()

    def close(self) -> None:
        """Stop the idle children of this process (at exit)."""
        if os.getpid() != self._pid:
            return
        with self._lock:
            idle, self._idle = self._idle, []
            self._started -= len(idle)
        for evaluator in idle:
            evaluator.kill()


def _checked(answer: dict[str, Any], limits: EvaluatorLimits) -> dict[str, Any]:
    """The answer, or the ScriptError it reports (its text cut short: a child is not trusted)."""
    limit, error = answer.get("limit"), answer.get("error")
    if limit == MEMORY:
        raise ScriptLimitExceeded(limits.describe(MEMORY), limit=MEMORY)
    if limit == RESULT_SIZE:
        raise ScriptLimitExceeded(f"{limits.describe(RESULT_SIZE)}: {str(error)[:200]}", limit=RESULT_SIZE)
    if error is not None:
        raise ScriptError(str(error)[:2000])
    return answer


_POOL = EvaluatorPool(EvaluatorLimits())
atexit.register(_POOL.close)


def configure_evaluators(limits: EvaluatorLimits) -> None:
    """Set the limits of every later evaluation (the app does it from its configuration)."""
    _POOL.configure(limits)


def evaluator_limits() -> EvaluatorLimits:
    return _POOL.limits


def run_in_evaluator(request: dict[str, Any]) -> dict[str, Any]:
    return _POOL.run(request)


def run_each_in_evaluator(request: dict[str, Any]) -> list[dict[str, Any] | ScriptError]:
    return _POOL.run_each(request)
