"""`flask --app portrait users ...`: roles are given from the command line only, audited."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests
from flask import Flask

from portrait.__main__ import main
from portrait.cli_bridge import socket_path
from portrait.models.audit import AuditEntry
from tests.api.test_main import start_embedded
from tests.utils.factories import signup_data

API = "/api/v1"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["users", *args])


def role_of(client, account) -> str:
    return client.get(f"{API}/me", headers=account.headers).get_json()["role"]


def test_a_new_account_is_a_user(client, account):
    assert role_of(client, account) == "user"


@pytest.mark.parametrize("role", ["moderator", "admin", "user"])
def test_set_role_gives_the_role_and_audits_it(app, client, account, role):
    result = run(app, "set-role", account.email.upper(), "moderator")  # emails: any case
    assert result.exit_code == 0, result.output
    result = run(app, "set-role", account.email, role)
    assert result.exit_code == 0, result.output
    assert role_of(client, account) == role
    entries = [(e.action, e.target, e.details) for e in AuditEntry.objects.order_by("at")]
    expected = [("set-role", f"user:{account.user['id']}", {"from": "user", "to": "moderator"})]
    if role != "moderator":
        expected.append(("set-role", expected[0][1], {"from": "moderator", "to": role}))
    assert entries == expected
    assert all(entry.actor.startswith("cli:") for entry in AuditEntry.objects)


def test_setting_the_same_role_again_changes_and_audits_nothing(app, account):
    assert run(app, "set-role", account.email, "user").exit_code == 0
    assert AuditEntry.objects.count() == 0


def test_unknown_email_and_unknown_role_fail_clearly(app, client, account):
    result = run(app, "set-role", "nobody@example.com", "admin")
    assert result.exit_code != 0 and "nobody@example.com" in result.output
    result = run(app, "set-role", account.email, "root")
    assert result.exit_code != 0 and "root" in result.output
    assert role_of(client, account) == "user"
    assert AuditEntry.objects.count() == 0


def test_list_shows_accounts_and_filters_by_role(app, auth):
    ada, bob = auth.signup(), auth.signup()
    run(app, "set-role", bob.email, "admin")
    lines = run(app, "list").output.splitlines()
    assert sorted(line.split("\t")[0] for line in lines) == sorted([ada.email, bob.email])
    admins = run(app, "list", "--role", "admin").output.splitlines()
    assert admins == [f"{bob.email}\t{bob.user['handle']}\tadmin"]


def test_no_field_of_the_api_gives_a_role(client, account):
    response = client.patch(f"{API}/me", headers=account.headers, json={"role": "admin"})
    assert response.status_code == 422
    assert role_of(client, account) == "user"


@pytest.mark.slow
def test_the_cli_reaches_the_running_embedded_server(tmp_path):
    """The one command of docs/moderation.md: with no MONGO_URI, `flask --app portrait users`
    changes the data inside the running `python -m portrait` (its socket, found by PORT)."""
    server, base = start_embedded(tmp_path)
    try:
        body = signup_data()
        signed = requests.post(f"{base}{API}/auth/signup", json=body, timeout=30).json()
        headers = {"Authorization": f"Bearer {signed['access_token']}"}
        port = base.rsplit(":", 1)[1]
        env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "PORTRAIT_ENV")}
        flask = [sys.executable, "-m", "flask", "--app", "portrait", "users"]
        done = subprocess.run(
            [*flask, "set-role", body["email"], "moderator"],
            env={**env, "PORT": port},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        me = requests.get(f"{base}{API}/me", headers=headers, timeout=30).json()
        assert me["role"] == "moderator"
        listed = subprocess.run(
            [*flask, "list"], env={**env, "PORT": port}, capture_output=True, text=True, timeout=120
        )
        assert f"{body['email']}\t{body['handle']}\tmoderator" in listed.stdout
        elsewhere = subprocess.run(
            [*flask, "list"], env={**env, "PORT": "1"}, capture_output=True, text=True, timeout=120
        )
        assert elsewhere.returncode != 0 and "no embedded server" in elsewhere.stderr
    finally:
        server.terminate()
        server.communicate(timeout=30)


def test_the_embedded_run_listens_only_while_it_runs(monkeypatch):
    for name in ("MONGO_URI", "SECRET_KEY", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTRAIT_ENV", "development")
    monkeypatch.setenv("WEB_DIST", "/nonexistent")
    listening = []
    monkeypatch.setattr(
        Flask, "run", lambda app, **kw: listening.append(socket_path(kw["port"]).exists())
    )
    assert main(["--port", "0"]) == 0
    assert listening == [True]
    assert not socket_path(0).exists()
