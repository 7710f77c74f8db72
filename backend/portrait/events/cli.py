"""`flask --app portrait events ...`: run the dispatcher, grant the admin role."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portrait.models import User
from portrait.models.user import email_key

events_cli = AppGroup("events", help="Events and webhooks (docs/events.md).")


@events_cli.command("dispatch")
def dispatch() -> None:
    """Run the event dispatcher until SIGTERM/SIGINT."""
    from portrait.events.dispatcher import run_until_signalled

    run_until_signalled(current_app._get_current_object())


@events_cli.command("grant-admin")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the role away instead.")
def grant_admin(email: str, revoke: bool) -> None:
    """Make the account with EMAIL an administrator (roles are granted only here)."""
    role = "user" if revoke else "admin"
    if not User.objects(email_key=email_key(email)).update_one(set__role=role):
        raise click.ClickException(f"no account with the email {email!r}")
    click.echo(f"{email}: role {role}")
