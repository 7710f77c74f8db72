"""/healthz and /readyz."""

from __future__ import annotations

from datetime import timedelta

from portrait.events import relay
from portrait.events.models import Delivery, WebhookEndpoint
from portrait.events.webhooks import new_secret
from portrait.models.base import utcnow
from portrait.services.health import add_readiness_check, add_readiness_detail

IDLE_EVENTS = {"status": "ok", "lag_seconds": 0, "pending_deliveries": 0, "failing_endpoints": 0}


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_checks_the_database(app, client):
    # The model service has its own suite; here it answers, so only the database matters.
    add_readiness_check(app, "models", lambda: None)
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = {"database": "ok", "models": "ok", "events": IDLE_EVENTS}
    assert response.get_json() == {"status": "ready", "checks": checks}


def test_readyz_is_503_with_retry_after_when_a_dependency_fails(app, client):
    def models_down():
        raise ConnectionError("model service refused the connection")

    add_readiness_check(app, "models", models_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    checks = {"database": "ok", "models": "unavailable: ConnectionError", "events": IDLE_EVENTS}
    assert body["checks"] == checks


def test_readyz_reports_an_unreachable_database(make_app):
    # A closed port on loopback: nothing listens there, so the ping must fail fast.
    app = make_app(MONGO_URI="mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"].startswith("unavailable")
    assert checks["events"]["status"].startswith("unavailable")  # reported, not a 500


def test_readyz_shows_how_far_behind_event_delivery_is(app, client, auth):
    add_readiness_check(app, "models", lambda: None)
    with app.app_context():
        hook = WebhookEndpoint(url="https://hooks.example.com/p", secret=new_secret()).save()
    user = auth.signup().user
    with app.app_context():
        relay.relay_user(user["id"])  # the sign-up's event now waits for the endpoint
        two_minutes_ago = utcnow() - timedelta(minutes=2)
        Delivery.objects(subject=user["id"]).update(set__created_at=two_minutes_ago)
        WebhookEndpoint.objects(id=hook.id).update_one(set__failing=True)
    response = client.get("/readyz")
    assert response.status_code == 200  # a dispatcher behind (or stopped) is no reason
    events = response.get_json()["checks"]["events"]
    assert events["status"] == "ok" and events["lag_seconds"] >= 120
    assert events["pending_deliveries"] == 1 and events["failing_endpoints"] == 1


def test_a_failing_events_detail_is_reported_and_the_api_stays_ready(app, client):
    add_readiness_check(app, "models", lambda: None)

    def events_down():
        raise ConnectionError("the event log does not answer")

    add_readiness_detail(app, "events", events_down)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["events"] == {"status": "unavailable: ConnectionError"}
