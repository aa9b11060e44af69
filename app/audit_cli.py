"""`flask --app app audit …`: the auditor's checks from the command line (read-only)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click
from flask import Flask
from flask.cli import AppGroup

from . import clock
from .services.audit import access, chain_check, reexecution

if TYPE_CHECKING:
    from .models import Instance

audit = AppGroup(
    "audit", help="Verify history chains, re-execute histories, export or check signed chain heads."
)


def _instances(instance_ids: tuple[int, ...], every: bool) -> list[Instance]:
    if not every and not instance_ids:
        raise click.UsageError("name instance ids, or pass --all")
    return access.instances_to_check(None if every else instance_ids)


@audit.command("verify")
@click.argument("instance_ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every instance.")
def verify_command(instance_ids: tuple[int, ...], every: bool) -> None:
    """Walk each instance's hash chain; print the first broken link of each that fails."""
    broken = 0
    instances = _instances(instance_ids, every)
    for instance in instances:
        problem = chain_check.verify_chain(instance).problem
        if problem is not None:
            broken += 1
            where = f"event #{problem.seq} field {problem.field}"
            click.echo(f"instance {instance.id}: BROKEN at {where}: {problem.message}")
    click.echo(f"{len(instances) - broken} of {len(instances)} chains intact")
    sys.exit(1 if broken else 0)


@audit.command("reexecute")
@click.argument("instance_ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every instance.")
def reexecute_command(instance_ids: tuple[int, ...], every: bool) -> None:
    """Replay each history from its pinned diagram version and compare every step's state hash."""
    failed = 0
    instances = _instances(instance_ids, every)
    for instance in instances:
        report = reexecution.reexecute(instance)
        if report.ok:
            click.echo(f"instance {instance.id}: verified: {report.verified} steps")
        else:
            failed += 1
            click.echo(f"instance {instance.id}: DIFFERS: {json.dumps(report.failure, ensure_ascii=False)}")
    click.echo(f"{len(instances) - failed} of {len(instances)} histories re-executed to their stored states")
    sys.exit(1 if failed else 0)


@audit.command("export-heads")
@click.argument("output", type=click.File("w"))
def export_heads_command(output) -> None:
    """Write every instance's chain head, signed with the audit HMAC key (kept outside the database)."""
    export = chain_check.export_heads(clock.now())
    json.dump(export, output, ensure_ascii=False, indent=1)
    click.echo(f"{len(export['heads'])} chain heads exported at {export['exported_at']}")


@audit.command("check-heads")
@click.argument("export_file", type=click.File("r"))
def check_heads_command(export_file) -> None:
    """Compare the database with an earlier export: a rewritten chain no longer matches its head."""
    problems = chain_check.check_heads(json.load(export_file))
    for problem in problems:
        click.echo(problem)
    click.echo("all exported heads match" if not problems else f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


def register(app: Flask) -> None:
    app.cli.add_command(audit)
