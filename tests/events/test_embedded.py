"""`python -m portrait` on the embedded store: the data lives in that process, so it runs the
event dispatcher as a thread, which ends with the server."""

from __future__ import annotations

import threading

from flask import Flask

from portrait.__main__ import main
from portrait.config import OPTIONS
from portrait.db import embedded_lock
from portrait.events.models import WebhookEndpoint
from portrait.events.webhooks import new_secret
from tests.conftest import FAST_ARGON2
from tests.events.receivers import receiver
from tests.utils.auth import AuthActions
from tests.utils.waiting import wait_until


def test_the_embedded_run_delivers_events_and_stops_its_dispatcher(monkeypatch):
    for option in OPTIONS:
        monkeypatch.delenv(option.name, raising=False)
    env = {"SECRET_KEY": "k" * 40, "WEB_DIST": "/nonexistent", "MEDIA_CLEANUP_INTERVAL": "0"}
    env |= {"WEBHOOKS_ALLOW_PRIVATE": "true", "EVENTS_POLL_SECONDS": "0.05", **FAST_ARGON2}
    for name, value in env.items():
        monkeypatch.setenv(name, str(value))
    before = set(threading.enumerate())
    with receiver() as hook:

        def serve(app: Flask, **_):  # instead of the real server: what a user would do
            with app.app_context(), embedded_lock(app):
                WebhookEndpoint(url=hook.url, secret=new_secret()).save()
            AuthActions(app.test_client()).signup()
            wait_until(lambda: hook.received, "the in-process dispatcher to deliver")

        monkeypatch.setattr(Flask, "run", serve)
        assert main(["--port", "0"]) == 0
    assert [event["type"] for event in hook.received] == ["portrait.user.created"]
    left = [t for t in set(threading.enumerate()) - before if t.is_alive() and "run" in t.name]
    assert left == []  # the dispatcher stopped with the server
