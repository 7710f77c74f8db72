"""The dispatcher as its own process on FerretDB: killed mid-delivery, or two at once, every
event still arrives, with the ids it was written with, in order per user, and none invented."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections import defaultdict

import pytest
from pymongo import MongoClient

from portrait import create_app, db
from portrait.events.models import EventRecord, WebhookEndpoint
from portrait.events.webhooks import new_secret
from portrait.models import User
from tests.conftest import test_config
from tests.events.receivers import receiver
from tests.topology.servers import ROOT, mongo_server, stop
from tests.utils.auth import AuthActions
from tests.utils.waiting import wait_until

pytestmark = pytest.mark.slow
API = "/api/v1"


@pytest.fixture(scope="module")
def ferret(tmp_path_factory):
    with mongo_server(tmp_path_factory.mktemp("ferret-events")) as port:
        yield f"mongodb://127.0.0.1:{port}"


@pytest.fixture
def world(ferret):
    """An API app on a fresh FerretDB database (the test drives it in-process)."""
    name = f"events_{uuid.uuid4().hex[:10]}"
    app = create_app({**test_config(name), "MONGO_URI": ferret, "WEBHOOKS_ALLOW_PRIVATE": True})
    with app.app_context():
        yield app, name
    db.close()
    with MongoClient(ferret) as client:
        client.drop_database(name)


def dispatcher(ferret: str, name: str, log, **extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "PORTRAIT_ENV": "development",
        "SECRET_KEY": "dispatcher-test-secret-key-0123456789abcdef",
        "MONGO_URI": ferret,
        "MONGO_DB": name,
        "WEBHOOKS_ALLOW_PRIVATE": "true",
        "EVENTS_POLL_SECONDS": "0.1",
        "EVENTS_RETRY_BASE_SECONDS": "0.2",
        "LOG_LEVEL": "INFO",
        **extra,
    }
    argv = [sys.executable, "-m", "portrait.events"]
    return subprocess.Popen(argv, env=env, cwd=ROOT / "backend", stdout=log, stderr=log)


def make_events(app, users: int = 4, edits: int = 2) -> dict[str, list[str]]:
    """Signs up `users` and edits each profile; returns each user's event ids, in order."""
    auth = AuthActions(app.test_client())
    for n in range(users):
        account = auth.signup(handle=f"user{n}", email=f"user{n}@example.com")
        for k in range(edits):
            body = {"bio": f"edit {k}"}
            assert (
                auth.client.patch(f"{API}/me", json=body, headers=account.headers).status_code
                == 200
            )
    return {
        str(doc["_id"]): [e["id"] for e in doc["outbox"]]
        for doc in User._get_collection().find({}, {"outbox": 1})
    }


def endpoint(url: str) -> WebhookEndpoint:
    return WebhookEndpoint(url=url, secret=new_secret(), description="test").save()


def assert_all_arrived_in_order(received: list[dict], written: dict[str, list[str]]):
    firsts: dict[str, list[str]] = defaultdict(list)
    for event in received:
        if event["id"] not in firsts[event["subject"]]:
            firsts[event["subject"]].append(event["id"])
    assert dict(firsts) == written  # every id, in each user's order, and no other
    stored = {r.id for r in EventRecord.objects}
    assert stored == {i for ids in written.values() for i in ids}
    assert not any(doc.get("outbox") for doc in User._get_collection().find())  # all moved


def test_sigkill_mid_delivery_loses_nothing_and_invents_nothing(world, ferret, tmp_path):
    app, name = world
    with receiver(hold=lambda n: n == 3) as hook, (tmp_path / "d.log").open("ab") as log:
        hook.secret = endpoint(hook.url).secret
        written = make_events(app)
        first = dispatcher(ferret, name, log, EVENTS_LEASE_SECONDS="3")
        try:
            wait_until(hook.held.is_set, "the third delivery to be in flight")
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            stop(first)
        hook.release.set()  # the killed dispatcher's request completes: the receiver has it
        second = dispatcher(ferret, name, log, EVENTS_LEASE_SECONDS="3")
        try:
            total = sum(len(ids) for ids in written.values())
            wait_until(lambda: len(set(hook.ids())) == total, "every event to arrive", timeout=120)
        finally:
            assert stop(second) == 0  # SIGTERM: a clean stop
    assert_all_arrived_in_order(hook.received, written)
    assert len(hook.ids()) <= total + 1  # at most the one in flight came twice, same id


def test_two_dispatchers_at_once_deliver_each_event_once(world, ferret, tmp_path):
    app, name = world
    with receiver() as hook, (tmp_path / "d.log").open("ab") as log:
        hook.secret = endpoint(hook.url).secret
        written = make_events(app, users=6, edits=3)
        procs = [dispatcher(ferret, name, log) for _ in range(2)]
        try:
            total = sum(len(ids) for ids in written.values())
            wait_until(lambda: len(hook.ids()) >= total, "every event to arrive", timeout=120)
        finally:
            for proc in procs:
                stop(proc)
    assert sorted(hook.ids()) == sorted(set(hook.ids()))  # leases: nobody delivered twice
    assert_all_arrived_in_order(hook.received, written)
