"""/healthz and /readyz."""

from __future__ import annotations

from portrait.services.health import add_readiness_check


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_checks_the_database(app, client):
    # The model service has its own suite; here it answers, so only the database matters.
    add_readiness_check(app, "models", lambda: None)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok", "models": "ok"}}


def test_readyz_is_503_with_retry_after_when_a_dependency_fails(app, client):
    def models_down():
        raise ConnectionError("model service refused the connection")

    add_readiness_check(app, "models", models_down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["checks"] == {"database": "ok", "models": "unavailable: ConnectionError"}


def test_readyz_reports_an_unreachable_database(make_app):
    # A closed port on loopback: nothing listens there, so the ping must fail fast.
    app = make_app(MONGO_URI="mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("unavailable")
