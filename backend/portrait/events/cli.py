"""`flask --app portrait events ...`: run the dispatcher (roles: `flask --app portrait users`)."""

from __future__ import annotations

from flask import current_app
from flask.cli import AppGroup

events_cli = AppGroup("events", help="Events and webhooks (docs/events.md).")


@events_cli.command("dispatch")
def dispatch() -> None:
    """Run the event dispatcher until SIGTERM/SIGINT."""
    from portrait.events.dispatcher import run_until_signalled

    run_until_signalled(current_app._get_current_object())
