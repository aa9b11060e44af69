"""Command-line entry points: `flask --app app seed | deploy | worker | reindex-search`."""

from __future__ import annotations

import logging
import time

import click
from flask import Flask, current_app

from .demo import seeding
from .extensions import db
from .services import leases
from .services.accounts import credentials
from .services.administration import users
from .services.errors import ServiceError, ValidationFailed
from .services.lifecycle import timers
from .services.store import deployment, reference_data, search_index


def register(app: Flask) -> None:
    @app.cli.command("deploy")
    @click.option("--note", default="", help="Change note stored with the version.")
    def deploy_command(note: str) -> None:
        """Deploy bpmn/ and forms/ as a new version (nothing happens if unchanged)."""
        version = _deploy(note)
        click.echo(f"process {version.process_key} version {version.version} ({version.content_hash[:12]})")

    @app.cli.command("seed")
    @click.option("--demo/--no-demo", default=False, help="Also create demo accounts and applications.")
    @click.option("--password", envvar="DEMO_PASSWORD", default=seeding.DEMO_PASSWORD, show_default=True)
    def seed_command(demo: bool, password: str) -> None:
        """Load reference data, deploy bpmn/ and forms/, and (with --demo) demo accounts and applications."""
        counts = reference_data.load_reference_data()
        click.echo(f"organisations: {counts}")
        config = current_app.config
        version, deployed = deployment.seed_directories(
            config["PROCESS_KEY"], config["MAIN_PROCESS_ID"], config["BPMN_DIR"], config["FORMS_DIR"]
        )
        if deployed:
            click.echo(f"process version {version.version}: deployed from bpmn/ and forms/")
        elif version.deployed_by_id is not None:
            click.echo(
                f"process version {version.version} (deployed on the workbench) is kept; "
                "`flask --app app deploy` deploys bpmn/ and forms/ over it"
            )
        else:
            click.echo(f"process version {version.version}: bpmn/ and forms/ unchanged")
        indexed = search_index.reindex_if_missing()
        if indexed:
            click.echo(f"search texts written for {indexed} past step(s)")
        if demo:
            users = seeding.create_demo_users(password)
            click.echo(f"demo accounts: {users}")
            created = seeding.create_demo_programme()
            seeding.create_demo_draft()
            click.echo(f"demo applications created: {created}")

    @app.cli.command("reindex-search")
    def reindex_search_command() -> None:
        """Rewrite the search texts of every application from its history (steps write their own)."""
        click.echo(f"search texts written for {search_index.reindex()} step(s)")

    @app.cli.command("reset-password")
    @click.argument("username")
    @click.password_option(help="The new password (asked twice when not given).")
    def reset_password_command(username: str, password: str) -> None:
        """Give a user a new password; every web session and API token of theirs ends at once."""
        user = credentials.user_named(username)
        if user is None:
            raise click.ClickException(f"no user named {username!r}")
        try:
            changed = credentials.set_password(user, password)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(
            f"password of {username} changed: {changed.sessions_ended} session(s) ended, "
            f"{changed.tokens_revoked} API token(s) revoked"
        )

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.option("--name", default="系统管理员", show_default=True, help="The name shown for the account.")
    @click.password_option(help="The password (asked twice when not given).")
    def create_admin_command(username: str, name: str, password: str) -> None:
        """Create an administrator (the first one, typically); recorded in the administrative change log."""
        try:
            users.create_administrator(username, name, password)
        except ValidationFailed as exc:
            raise click.ClickException("; ".join(e.message for e in exc.errors)) from None
        click.echo(f"administrator {username} created")

    @app.cli.command("worker")
    @click.option("--once", is_flag=True, help="Fire due timers once and exit.")
    def worker_command(once: bool) -> None:
        """Each TIMER_POLL_SECONDS: fire due timers, find stalled applications, warn of deadlines, mail,
        check submitted plans for similarity."""
        logging.basicConfig(level=logging.INFO)
        interval = current_app.config["TIMER_POLL_SECONDS"]
        log = logging.getLogger("worker")
        log.info("worker %s: a pass every %s s", leases.holder(), interval)
        while True:
            try:
                done = timers.worker_pass()
            except Exception:  # the database may be briefly unavailable: keep the deadlines alive
                log.exception("timer pass failed; retrying in %s s", interval)
                db.session.remove()
            else:
                if done.fired or done.warned or done.mailed or done.compared:
                    log.info(
                        "fired %s timer(s), warned of %s deadline(s), sent %s mail(s), checked %s plan(s)",
                        done.fired,
                        done.warned,
                        done.mailed,
                        done.compared,
                    )
                if done.stalled:
                    log.error("%s application(s) stalled: see the incident list", done.stalled)
            if once:
                break
            time.sleep(interval)


def _deploy(note: str):
    config = current_app.config
    return deployment.deploy_directories(
        config["PROCESS_KEY"], config["MAIN_PROCESS_ID"], config["BPMN_DIR"], config["FORMS_DIR"], note=note
    )
