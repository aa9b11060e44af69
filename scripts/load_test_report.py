"""The load test's report: a phase's throughput, latency percentiles per kind, the server's CPU per
request and the errors, printed."""

from __future__ import annotations

import os
import statistics

from load_test_workload import MIX, Tally


def _ms(values: list[float], share: int) -> str:
    if len(values) < 2:
        return f"{values[0] * 1000:8.1f}" if values else "       -"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[share - 1] * 1000:8.1f}"


def report(label: str, clients: int, tally: Tally, seconds: float, server_cpu: float) -> None:
    """The phase's figures. The server's CPU per request does not depend on what else the machine
    runs (the database server's is not counted); its share of the cores shows whether it got them."""
    total = sum(len(v) for v in tally.latencies.values()) + sum(tally.errors.values())
    completions = len(tally.latencies["complete"])
    print(
        f"\n[{label}, {clients} clients, {seconds:.0f} s] {total / seconds:.1f} requests/s, "
        f"{completions / seconds:.1f} completions/s, {sum(tally.errors.values())} errors"
    )
    print(
        f"  gunicorn CPU: {server_cpu / max(total, 1) * 1000:.0f} ms per request, "
        f"{server_cpu / seconds:.2f} of {os.cpu_count()} cores (load average now "
        f"{os.getloadavg()[0]:.1f})"
    )
    print(f"  {'kind':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind in MIX:
        values = tally.latencies[kind]
        print(f"  {kind:<12}{len(values):>7}{_ms(values, 50)}{_ms(values, 95)}{_ms(values, 99)}")
    for kind, count in tally.skipped.items():
        print(f"  ({count} {kind} requests became application pages: nothing left to {kind})")
    for key, count in sorted(tally.errors.items()):
        print(f"  error x{count} {key} -- e.g. {tally.samples[key]}")
