"""The load test's server: gunicorn on a free loopback port, started and stopped around the run, and the
CPU time its processes spent."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from load_test_client import Client

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int, config: Path) -> Iterator[tuple[int, int]]:
    """gunicorn serving the app on `url` with `workers` workers and the settings file `config`; yields
    its port and its master's process id once it answers."""
    port = _free_port()
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "gunicorn", "--config", str(config), "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, "app:create_app()"], cwd=ROOT, env=env)
    try:
        limit = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {server.returncode}")
            try:
                if Client(port).request("GET", "/login").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > limit:
                raise SystemExit("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a process and of its descendants alive now: gunicorn's master,
    its workers and their evaluator processes."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:  # ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime and stime, fields 14 and 15
        pending += [int(child) for child in children]
    return total
