"""Sign-up, login, refresh rotation with reuse detection, logout (portrait/api/auth.py)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
from flask_jwt_extended import create_access_token, create_refresh_token

from portrait.models import RefreshSession, User
from tests.utils.auth import AuthActions
from tests.utils.factories import PASSWORD, signup_data

API = "/api/v1"


def me(client, token):
    return client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})


def refresh(client, token):
    return client.post(f"{API}/auth/refresh", headers={"Authorization": f"Bearer {token}"})


# --- sign-up ---------------------------------------------------------------------------------


def test_signup_returns_user_and_working_tokens(client):
    data = signup_data(email="Ada@Example.com", handle="Ada_L", display_name="  Ada  ")
    response = client.post(f"{API}/auth/signup", json=data)
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["email"] == "Ada@Example.com"
    assert body["user"]["handle"] == "Ada_L"
    assert body["user"]["display_name"] == "Ada"  # trimmed
    assert body["token_type"] == "Bearer" and body["expires_in"] == 15 * 60
    assert "password" not in body["user"] and "password_hash" not in body["user"]
    assert response.headers["Cache-Control"] == "no-store"
    assert me(client, body["access_token"]).get_json()["handle"] == "Ada_L"
    assert refresh(client, body["refresh_token"]).status_code == 200


def test_password_is_stored_as_argon2id_never_in_clear(client, account):
    stored = User.objects(email_key=account.email.lower()).get().password_hash
    assert stored.startswith("$argon2id$")
    assert account.password not in stored


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"password": "x" * 7}, "password"),
        ({"password": "x" * 129}, "password"),
        ({"handle": "ab"}, "handle"),
        ({"handle": "a" * 31}, "handle"),
        ({"handle": "ada-l"}, "handle"),
        ({"handle": "ädä"}, "handle"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 51}, "display_name"),
        ({"is_admin": True}, "is_admin"),
        ({"email": None}, "email"),
    ],
)
def test_signup_rejects_invalid_fields_with_field_errors(client, overrides, field):
    response = client.post(f"{API}/auth/signup", json=signup_data(**overrides))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 422 and body["type"].endswith("validation-error")
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize("missing", ["email", "password", "handle", "display_name"])
def test_signup_requires_every_field(client, missing):
    data = signup_data()
    del data[missing]
    response = client.post(f"{API}/auth/signup", json=data)
    assert response.status_code == 422
    assert missing in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("overrides"), [{"password": "x" * 8}, {"password": "x" * 128}, {"handle": "abc"}]
)
def test_signup_accepts_boundary_values(make_app, overrides):
    client = make_app(PASSWORD_MIN_SCORE=0).test_client()  # the length rule alone
    response = client.post(f"{API}/auth/signup", json=signup_data(**overrides))
    assert response.status_code == 201


@pytest.mark.parametrize("second", ["ada@example.com", "ADA@EXAMPLE.COM", " Ada@example.com "])
def test_duplicate_email_is_409_case_insensitively(client, second):
    assert (
        client.post(f"{API}/auth/signup", json=signup_data(email="Ada@Example.com")).status_code
        == 201
    )
    response = client.post(f"{API}/auth/signup", json=signup_data(email=second))
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"email": ["taken"]}


def test_duplicate_handle_is_409_case_insensitively(client, auth):
    auth.signup(handle="Grace")
    response = client.post(f"{API}/auth/signup", json=signup_data(handle="gRACE"))
    assert response.status_code == 409
    assert response.get_json()["errors"] == {"handle": ["taken"]}
    assert User.objects(handle_key="grace").count() == 1


# --- login -----------------------------------------------------------------------------------


def test_login_with_any_email_case_returns_tokens(auth, client, account):
    response = auth.login(account.email.upper(), PASSWORD)
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"]["handle"] == account.handle
    assert me(client, body["access_token"]).status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_401(auth, account):
    wrong = auth.login(account.email, "wrong password!")
    unknown = auth.login("nobody@example.com", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["type"].endswith("invalid-credentials")


def test_login_rehashes_when_argon2_parameters_change(app, auth, account):
    before = User.objects(handle=account.handle).get().password_hash
    app.config["ARGON2_TIME_COST"] = 2
    assert auth.login(account.email, PASSWORD).status_code == 200
    after = User.objects(handle=account.handle).get().password_hash
    assert before != after and ",t=2," not in before and "t=2" in after
    assert auth.login(account.email, PASSWORD).status_code == 200  # still the same password


# --- refresh rotation ------------------------------------------------------------------------


def test_refresh_rotates_and_reuse_revokes_the_family(make_app):
    # No grace window: every replay is a copy (tests/api/test_sessions.py tests the window).
    client = make_app(REFRESH_REUSE_GRACE=0).test_client()
    auth = AuthActions(client)
    account = auth.signup()
    first = refresh(client, account.refresh_token)
    assert first.status_code == 200
    pair = first.get_json()
    assert pair["refresh_token"] != account.refresh_token
    assert me(client, pair["access_token"]).status_code == 200

    reused = refresh(client, account.refresh_token)  # the spent token, e.g. stolen
    assert reused.status_code == 401
    assert reused.get_json()["type"].endswith("refresh-token-reused")
    # The whole family is gone: the newest refresh token and every access token.
    assert refresh(client, pair["refresh_token"]).status_code == 401
    assert me(client, pair["access_token"]).status_code == 401
    assert me(client, account.access_token).status_code == 401
    # Other sessions of the same user are not affected, and logging in again works.
    assert auth.login(account.email, PASSWORD).status_code == 200


def test_reuse_in_one_session_leaves_other_sessions_alive(client, auth, account):
    other = auth.login_account(account)
    refresh(client, account.refresh_token)
    refresh(client, account.refresh_token)  # reuse: revokes the first family only
    assert me(client, other.access_token).status_code == 200
    assert refresh(client, other.refresh_token).status_code == 200


def test_access_token_cannot_refresh_and_refresh_token_cannot_access(client, account):
    assert refresh(client, account.access_token).status_code == 401
    assert me(client, account.refresh_token).status_code == 401


def _session_id(token: str) -> str:
    from flask_jwt_extended import decode_token

    return decode_token(token)["sid"]


def test_expired_tokens_are_401(app, client, account):
    with app.app_context():
        user_id = account.user["id"]
        claims = {"sid": _session_id(account.refresh_token)}
        past = timedelta(seconds=-1)
        access = create_access_token(user_id, additional_claims=claims, expires_delta=past)
        refresh_token = create_refresh_token(user_id, additional_claims=claims, expires_delta=past)
    response = me(client, access)
    assert response.status_code == 401
    assert response.get_json()["detail"] == "The token has expired."
    assert refresh(client, refresh_token).status_code == 401


def test_expired_session_is_refused_even_if_the_ttl_monitor_has_not_run(app, client, account):
    with app.app_context():
        sid = _session_id(account.refresh_token)
    RefreshSession.objects(id=sid).update_one(
        set__expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    assert refresh(client, account.refresh_token).status_code == 401
    assert me(client, account.access_token).status_code == 401


def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = "A" if signature[5] != "A" else "B"
    return ".".join([header, payload, signature[:5] + flipped + signature[6:]])


@pytest.mark.parametrize(
    "make_token",
    [
        _tamper,
        lambda token: token[:-2],
        lambda token: "not.a.jwt",
        lambda token: token.replace(token.split(".")[1], token.split(".")[1][::-1]),
    ],
    ids=["bad-signature", "truncated", "garbage", "edited-payload"],
)
def test_tampered_tokens_are_401(client, account, make_token):
    response = me(client, make_token(account.access_token))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert refresh(client, make_token(account.refresh_token)).status_code == 401


def test_token_signed_with_another_secret_is_401(client, account):
    claims = pyjwt.decode(account.access_token, options={"verify_signature": False})
    forged = pyjwt.encode(claims, "another-secret-key-that-is-also-long-enough", "HS256")
    assert me(client, forged).status_code == 401
    assert me(client, account.access_token).status_code == 200  # the genuine one still works


# --- logout ----------------------------------------------------------------------------------


@pytest.mark.parametrize("token_kind", ["access_token", "refresh_token"])
def test_logout_revokes_the_session(client, auth, account, token_kind):
    other = auth.login_account(account)
    token = getattr(account, token_kind)
    response = client.post(f"{API}/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 204
    assert me(client, account.access_token).status_code == 401
    assert refresh(client, account.refresh_token).status_code == 401
    assert me(client, other.access_token).status_code == 200


def test_logout_without_a_token_is_401(client):
    response = client.post(f"{API}/auth/logout")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


needs_real_server = pytest.mark.skipif(
    not os.environ.get("PORTRAIT_TEST_MONGO_URI"),
    reason="mongomock is not thread-safe; this race needs a real server (scripts/test runs it)",
)


def concurrent_refreshes(app, token: str, n: int = 6) -> list:
    start = threading.Barrier(n)

    def use_token(_):
        client = app.test_client()
        start.wait()
        return refresh(client, token)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(use_token, range(n)))


@needs_real_server
def test_concurrent_uses_of_one_refresh_token_let_exactly_one_win(make_app):
    app = make_app(REFRESH_REUSE_GRACE=0)  # no grace: every loser is a copy
    account = AuthActions(app.test_client()).signup()
    responses = concurrent_refreshes(app, account.refresh_token)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [401] * 5
    winner = next(r for r in responses if r.status_code == 200).get_json()
    # The losers saw a reuse, so the family is revoked: even the winner's new token is dead.
    assert refresh(app.test_client(), winner["refresh_token"]).status_code == 401


@needs_real_server
def test_concurrent_uses_by_one_client_within_the_grace_window_keep_one_session(app, account):
    # Tabs restoring at once: one rotation wins, the others get that session's current pair.
    responses = concurrent_refreshes(app, account.refresh_token)
    assert [r.status_code for r in responses] == [200] * 6
    jtis = {
        pyjwt.decode(r.get_json()["refresh_token"], options={"verify_signature": False})["jti"]
        for r in responses
    }
    assert len(jtis) == 1
    assert refresh(app.test_client(), responses[0].get_json()["refresh_token"]).status_code == 200
    assert RefreshSession.objects(revoked_at=None).count() == 1
