#!/usr/bin/env python
"""A bounded loopback load against gunicorn: throughput, latency percentiles per kind, and errors.

The script makes a throwaway database (an SQLite file in a temporary directory, or with ``--database
postgresql+psycopg://…`` a database ``loadtest_<random>`` of its own on that server, dropped after;
never the database the URL names), migrates and seeds it (reference data, the demo accounts, version
1 of bpmn/ and forms/), starts ``--applications`` applications through the real services, issues API
tokens, and starts gunicorn with ``--workers`` workers on 127.0.0.1 (the app as ``scripts/run`` serves
it, on the real clock). Then, for each number of ``--clients``, that many threads send requests for
``--seconds``, each request one of:

- ``inbox``: a city's or the province's inbox page (``GET /inbox``, signed in through the form);
- ``application``: an application's page as the province (``GET /applications/<id>``);
- ``complete``: a completion through the API on a task nobody else completes: each prepared
  application cycles between the county's declaration and the city's review (the city returns it
  with comments), and a client takes an application from a shared queue, completes its ready task
  with the task id the previous completion answered, and puts it back (an application whose
  completion failed leaves the cycle: its error is counted once);
- ``start``: a new application through the API (``POST /api/instances``) by a county in one of the
  ``--calls`` calls opened for that (one running application per county and call).

Prints, per phase: requests/s and completions/s, p50/p95/p99 per kind (milliseconds), the errors (any
status but the expected one, or a failed connection) with a sample of each, and the CPU time gunicorn's
processes spent per request with the share of the cores they got (on a machine shared with other work,
what throughput an idle machine would reach is about its cores divided by that CPU time). The goal is 0
errors, and throughput that grows with workers up to the cores. The server's access log is off; its
error log goes to stderr.

The parts: load_test_world.py (the throwaway database and its seeding), load_test_client.py (the
HTTP client), load_test_workload.py (the mix and the clients), load_test_server.py (gunicorn and its CPU
time) and load_test_report.py (the figures printed).

Usage: load_test.py [--seconds 60] [--clients 8,16] [--workers 2] [--database URL]
                    [--applications 48] [--calls 40] [--gunicorn-config FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Sibling modules of this script (its folder is on the path when it runs): the world it seeds, the
# server it starts, the clients' workload and the report of each phase.
from load_test_report import report  # noqa: E402
from load_test_server import cpu_seconds, gunicorn  # noqa: E402
from load_test_workload import Load, run_phase  # noqa: E402
from load_test_world import seed, throwaway_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="of each phase (default 60)")
    parser.add_argument("--clients", default="8,16", help="clients of each phase (default 8,16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="sqlite (default), or a PostgreSQL server's URL (postgresql+psycopg://…): the run makes "
        "a database of its own there",
    )
    parser.add_argument("--applications", type=int, default=48, help="prepared for completions")
    parser.add_argument("--calls", type=int, default=40, help="opened for new applications")
    parser.add_argument(
        "--gunicorn-config",
        type=Path,
        default=ROOT / "gunicorn.conf.py",
        help="gunicorn's settings (default the repository's; an empty file measures without them)",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    phases = [int(n) for n in args.clients.split(",")]
    with throwaway_database(args.database) as url:
        dialect = url.split(":", 1)[0].split("+")[0]
        started = time.perf_counter()
        world = seed(url, args.applications, args.calls)
        print(f"seeded {dialect} in {time.perf_counter() - started:.0f} s: {args.applications} applications")
        print(f"gunicorn: {args.workers} workers, settings {args.gunicorn_config}")
        load = Load(world)
        with gunicorn(url, args.workers, args.gunicorn_config) as (port, pid):
            for clients in phases:
                cpu_before = cpu_seconds(pid)
                tally, seconds = run_phase(port, load, clients, args.seconds)
                server_cpu = cpu_seconds(pid) - cpu_before
                report(f"{dialect}, {args.workers} workers", clients, tally, seconds, server_cpu)


if __name__ == "__main__":
    main()
