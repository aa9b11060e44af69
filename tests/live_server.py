"""gunicorn serving the app to a test, as ``scripts/run`` serves it: several workers on 127.0.0.1, on the
test's database and the test's clock (``tests/browser/served_app.py`` reads both from the environment).

The browser tests drive it with Chromium; the fault test kills its workers (or all of it) with SIGKILL
and starts it again.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """One gunicorn (master and `workers` workers, in a session of their own), started by ``start``."""

    def __init__(self, database: str, clock_path: Path, workers: int, log: Path):
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SDZONES_TEST_DATABASE_URI": database,
            "SDZONES_TEST_CLOCK_FILE": str(clock_path),
        }
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    def start(self) -> str:
        """Start serving on a free port; returns the base URL once the sign-in page answers."""
        port = _free_port()
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers)]
        command += ["--bind", f"127.0.0.1:{port}", "--graceful-timeout", "2", "tests.browser.served_app:app"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        self.base_url = f"http://127.0.0.1:{port}"
        self._wait_until_serving()
        return self.base_url

    def _wait_until_serving(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}: see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/login", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within 60 s: see {self.log}")

    def worker_pids(self) -> list[int]:
        """The master's worker processes now (the master replaces a dead one with a new process)."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return [int(pid) for pid in children.split()]

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: a crash of the whole server, nothing cleaned up."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """Stop as an operator would (SIGTERM, the workers finish their requests), else kill."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
