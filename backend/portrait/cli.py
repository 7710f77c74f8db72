"""Command-line administration, the Flask way: `flask --app portrait users ...`.

Roles are granted here and nowhere else (no API can give one). The commands read the same
settings as the app (MONGO_URI...). With no MONGO_URI the data lives inside the running
embedded server (`./scripts/dev`), so the commands are sent to it (portrait.cli_bridge).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup

from portrait import cli_bridge
from portrait.errors import PortraitError
from portrait.models.user import ROLES
from portrait.services import moderation

users = AppGroup("users", help="Accounts and their roles.")
SERVING = "portrait.cli_bridge"  # set in the embedded server, which runs commands itself


def _set_role(*, email: str, role: str, actor: str) -> str:
    try:
        user = moderation.set_role(email=email, role=role, actor=actor)
    except PortraitError as exc:
        raise cli_bridge.CommandFailed(exc.detail or str(exc)) from exc
    return f"{user.email} ({user.handle}) is now {user.role}"


def _list(*, role: str | None) -> str:
    found = moderation.users_with_roles(role=role)
    return "\n".join(f"{u.email}\t{u.handle}\t{u.role or 'user'}" for u in found)


COMMANDS = {"set-role": _set_role, "list": _list}


def _run(command: str, **params) -> None:
    """Runs here on a real database; on the embedded store, inside the running server."""
    try:
        app = current_app
        # Tests (and the embedded server itself) hold their data in this very process.
        if app.config["MONGO_URI"] or app.testing or SERVING in app.extensions:
            output = COMMANDS[command](**params)
        else:
            path = cli_bridge.socket_path()
            if not path.exists():
                raise cli_bridge.CommandFailed(
                    "MONGO_URI is not set and no embedded server is running (./scripts/dev, "
                    f"port {path.stem}): there is no data to change. Set MONGO_URI or PORT."
                )
            output = cli_bridge.forward(path, command, params)
    except (cli_bridge.CommandFailed, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if output:
        click.echo(output)


@contextmanager
def serving_embedded(app, port: int) -> Iterator[None]:
    """In `python -m portrait` on the embedded store: answers these commands from the CLI
    while the block (the server) runs."""
    server = app.extensions[SERVING] = cli_bridge.serve(app, port, COMMANDS)
    try:
        yield
    finally:
        cli_bridge.stop(server)


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role(email: str, role: str) -> None:
    """Give the account with EMAIL the ROLE (admin includes moderator). Audited."""
    _run("set-role", email=email, role=role, actor=f"cli:{getpass.getuser()}")


@users.command("list")
@click.option("--role", type=click.Choice(ROLES), help="Only accounts with this role.")
def list_users(role: str | None) -> None:
    """List accounts (email, handle, role)."""
    _run("list", role=role)
