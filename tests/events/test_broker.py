"""The Redis Stream: a real redis-server on loopback; a consumer group reads every event once,
and while Redis is down the events wait, then flow when it is back."""

from __future__ import annotations

import contextlib
import shutil
import subprocess

import pytest
import redis

from portrait.events.dispatcher import Dispatcher
from portrait.events.models import DELIVERED, PENDING, REDIS_SINK, Delivery, EventRecord
from tests.topology.servers import free_port, stop, wait_for_port
from tests.utils.auth import AuthActions
from tests.utils.waiting import wait_until

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
STREAM = "portrait.events"


@contextlib.contextmanager
def redis_server(port: int):
    argv = [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc, timeout=60)
        yield redis.Redis(port=port)
    finally:
        stop(proc)


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def app(make_app, port):
    return make_app(EVENTS_REDIS_URL=f"redis://127.0.0.1:{port}/0", EVENTS_RETRY_BASE_SECONDS=0.01)


def drain(app) -> None:
    """Runs dispatcher passes until every redis delivery is out (or the deadline)."""
    dispatcher = Dispatcher(app)

    def done() -> bool:
        with app.app_context():
            dispatcher.step()
            return not Delivery.objects(sink=REDIS_SINK, status=PENDING).count()

    wait_until(done, "every event to reach Redis")


def sign_ups(app, n: int) -> None:
    auth = AuthActions(app.test_client())
    for _ in range(n):
        auth.signup()


def test_a_consumer_group_reads_every_event_once(app, port):
    with redis_server(port) as r:
        r.xgroup_create(STREAM, "search-index", id="0", mkstream=True)
        sign_ups(app, 5)
        drain(app)
        got = r.xreadgroup("search-index", "worker-1", {STREAM: ">"}, count=100)
        again = r.xreadgroup("search-index", "worker-2", {STREAM: ">"}, count=100)
    [(_, entries)] = got
    ids = [fields[b"id"].decode() for _, fields in entries]
    with app.app_context():
        assert sorted(ids) == sorted(record.id for record in EventRecord.objects)
    assert len(ids) == 5 and again == []
    assert {fields[b"type"] for _, fields in entries} == {b"portrait.user.created"}


def test_while_redis_is_down_events_wait_then_flow(app, port):
    sign_ups(app, 3)
    with app.app_context():
        Dispatcher(app).step()  # Redis is not running: every attempt fails
        waiting = list(Delivery.objects(sink=REDIS_SINK))
        assert len(waiting) == 3 and {d.status for d in waiting} == {PENDING}
        assert all(d.attempts == 1 and d.log[-1]["error"].startswith("redis") for d in waiting)
    with redis_server(port) as r:
        drain(app)
        entries = r.xrange(STREAM)
    with app.app_context():
        assert {d.status for d in Delivery.objects(sink=REDIS_SINK)} == {DELIVERED}
        assert sorted(f[b"id"].decode() for _, f in entries) == sorted(
            record.id for record in EventRecord.objects
        )
