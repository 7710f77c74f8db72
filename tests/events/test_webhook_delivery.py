"""Webhook deliveries to real HTTP receivers on loopback: signed, retried with back-off,
given up after the retry period, stopped by 410, never redirected, in order per user."""

from __future__ import annotations

import pytest

from portrait.events.dispatcher import Dispatcher, backoff
from portrait.events.models import DELIVERED, FAILED, PENDING, STOPPED, Delivery, WebhookEndpoint
from portrait.events.webhooks import EXCERPT_BYTES, new_secret
from tests.events.receivers import receiver
from tests.topology.servers import free_port
from tests.utils.auth import AuthActions
from tests.utils.waiting import wait_until

FAST = {"WEBHOOKS_ALLOW_PRIVATE": True, "EVENTS_RETRY_BASE_SECONDS": 0.01}


@pytest.fixture
def app(make_app):
    return make_app(**FAST)


def hook_for(app, url: str) -> WebhookEndpoint:
    with app.app_context():
        return WebhookEndpoint(url=url, secret=new_secret()).save()


def deliveries(app) -> list[Delivery]:
    with app.app_context():
        return list(Delivery.objects.order_by("seq"))


def step(app, times: int = 1) -> None:
    dispatcher = Dispatcher(app)
    with app.app_context():
        for _ in range(times):
            dispatcher.step()


def run_until(app, condition, what: str) -> None:
    dispatcher = Dispatcher(app)

    def check():
        with app.app_context():
            dispatcher.step()
        return condition()

    wait_until(check, what)


def test_a_500_is_retried_and_the_user_order_holds(app):
    with receiver(status=lambda n: 500 if n == 1 else 200) as hook:
        hook.secret = hook_for(app, hook.url).secret
        account = AuthActions(app.test_client()).signup()
        app.test_client().patch("/api/v1/me", json={"bio": "x"}, headers=account.headers)
        step(app)
        assert hook.answers == [500]  # the second event waits behind the first
        run_until(app, lambda: len(hook.received) == 2, "both events to arrive")
    assert [e["type"] for e in hook.received] == [
        "portrait.user.created",
        "portrait.profile.updated",
    ]
    first = deliveries(app)[0]
    assert first.status == DELIVERED and first.attempts == 2
    assert [entry["status"] for entry in first.log] == [500, 200]


def test_a_receiver_that_is_down_is_given_up_after_the_retry_period(make_app):
    app = make_app(**FAST, WEBHOOKS_RETRY_HOURS=0)
    hook = hook_for(app, f"http://127.0.0.1:{free_port()}/down")
    AuthActions(app.test_client()).signup()
    step(app)
    [delivery] = deliveries(app)
    assert delivery.status == FAILED and delivery.log[-1]["error"] == "ConnectionError"
    with app.app_context():
        assert WebhookEndpoint.objects(id=hook.id).get().failing is True


def test_a_slow_receiver_times_out_and_is_retried_later(make_app):
    app = make_app(**{**FAST, "WEBHOOKS_TIMEOUT": 0.5, "EVENTS_RETRY_BASE_SECONDS": 3600})
    with receiver(hold=lambda n: True) as hook:
        hook_for(app, hook.url)
        AuthActions(app.test_client()).signup()
        step(app)
        hook.release.set()
    [delivery] = deliveries(app)
    assert delivery.status == PENDING and delivery.attempts == 1
    assert delivery.log[-1]["error"] in {"ReadTimeout", "ConnectionError"}
    assert delivery.next_at.replace(tzinfo=None) > delivery.created_at.replace(tzinfo=None)


def test_410_stops_sending_to_the_endpoint(app):
    with receiver(status=lambda n: 410) as hook:
        endpoint = hook_for(app, hook.url)
        auth = AuthActions(app.test_client())
        auth.signup()
        step(app, times=3)
        auth.signup()  # after the 410: not even queued for this endpoint
        step(app, times=3)
    assert hook.answers == [410]
    assert [d.status for d in deliveries(app)] == [STOPPED]
    with app.app_context():
        stored = WebhookEndpoint.objects(id=endpoint.id).get()
    assert stored.active is False and stored.disabled_reason == "410 Gone"


def test_redirects_are_not_followed_and_answers_are_cut_short(app):
    with receiver(status=lambda n: 302 if n == 1 else 500, body=b"x" * 10_000) as hook:
        hook_for(app, hook.url)
        AuthActions(app.test_client()).signup()
        step(app, times=2)
        assert hook.answers[0] == 302 and len(hook.answers) <= 2  # nothing went elsewhere
    [delivery] = deliveries(app)
    assert delivery.status == PENDING and delivery.log[0]["status"] == 302
    assert len(delivery.log[0]["excerpt"]) <= EXCERPT_BYTES


def test_a_private_address_is_refused_at_delivery_without_the_setting(make_app):
    app = make_app(EVENTS_RETRY_BASE_SECONDS=0.01)
    with receiver() as hook:
        with app.app_context():  # stored directly, as if DNS changed after registration
            WebhookEndpoint(url=hook.url, secret=new_secret()).save()
        AuthActions(app.test_client()).signup()
        step(app)
    assert hook.answers == []
    assert "private" in deliveries(app)[0].log[-1]["error"]


def test_backoff_doubles_with_jitter_and_is_capped():
    for attempt in range(1, 8):
        delay = backoff(attempt, 5).total_seconds()
        assert 0.5 * 5 * 2 ** (attempt - 1) <= delay <= 5 * 2 ** (attempt - 1)
    assert backoff(40, 5).total_seconds() <= 3600
