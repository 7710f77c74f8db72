"""The security log: what happened to your account, from where (GET /me/security-events),
and one structured log line per event for operators (portrait/services/security_log.py)."""

from __future__ import annotations

import json
import logging

from portrait.models.security_event import SecurityEvent
from portrait.services import security_log
from tests.utils.auth import AuthActions
from tests.utils.factories import PASSWORD

API = "/api/v1"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def events_of(client, account) -> list[dict]:
    response = client.get(f"{API}/me/security-events", headers=account.headers)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()["events"]


def test_logins_failures_and_password_changes_are_listed_newest_first(client, auth, account):
    from_laptop = {"headers": {"User-Agent": FIREFOX}, "environ_base": {"REMOTE_ADDR": "192.0.2.7"}}
    assert auth.login(account.email, "wrong password", **from_laptop).status_code == 401
    assert auth.login(account.email, PASSWORD, **from_laptop).status_code == 200
    body = {"current_password": PASSWORD, "new_password": "a brand new password"}
    assert client.put(f"{API}/me/password", json=body, headers=account.headers).status_code == 204
    events = events_of(client, account)
    assert [e["kind"] for e in events] == ["password-changed", "login", "login-failed"]
    assert events[1]["ip"] == "192.0.2.7" and events[1]["device"] == "Firefox on Linux"
    assert all(e["at"] for e in events)


def test_session_ends_logout_and_refresh_reuse_are_recorded(make_app):
    client = make_app(REFRESH_REUSE_GRACE=0).test_client()
    auth = AuthActions(client)
    account = auth.signup()
    viewer = auth.login_account(account)
    other = next(
        s
        for s in client.get(f"{API}/me/sessions", headers=viewer.headers).get_json()["sessions"]
        if not s["current"]
    )
    client.delete(f"{API}/me/sessions/{other['id']}", headers=viewer.headers)
    stolen = auth.login_account(account)
    bearer = {"Authorization": f"Bearer {stolen.refresh_token}"}
    assert client.post(f"{API}/auth/refresh", headers=bearer).status_code == 200
    assert client.post(f"{API}/auth/refresh", headers=bearer).status_code == 401  # a copy
    kinds = [e["kind"] for e in events_of(client, viewer)]
    assert kinds[:3] == ["refresh-reuse", "login", "session-ended"]
    assert client.post(f"{API}/auth/logout-all", headers=viewer.headers).status_code == 204
    assert SecurityEvent.objects(user_id=account.user["id"]).order_by("-at").first().kind == (
        "logout-all"
    )


def test_each_event_is_one_structured_log_line_and_unknown_emails_are_not_stored(
    client, auth, caplog
):
    with caplog.at_level(logging.INFO, logger="portrait.security"):
        assert auth.login("nobody@example.com", "guess").status_code == 401
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "portrait.security"]
    assert lines == [
        {
            "event": "login-failed",
            "user_id": None,
            "ip": "127.0.0.1",
            "user_agent": lines[0]["user_agent"],
        }
    ]
    assert SecurityEvent.objects.count() == 0


def test_only_the_last_50_are_shown_and_each_user_keeps_a_bounded_log(app, client, account):
    with app.test_request_context():
        for n in range(security_log.KEPT_PER_USER + 5):
            security_log.record(account.user["id"], "login-failed", None, n=n)
    assert len(events_of(client, account)) == 50
    assert SecurityEvent.objects(user_id=account.user["id"]).count() <= security_log.KEPT_PER_USER


def test_events_need_a_token_and_go_with_the_account(client, account):
    assert client.get(f"{API}/me/security-events").status_code == 401
    assert (
        client.delete(f"{API}/me", json={"password": PASSWORD}, headers=account.headers).status_code
        == 204
    )
    assert SecurityEvent.objects(user_id=account.user["id"]).count() == 0
