"""Hostile clients and the second factor: an mfa_token (password right, code not yet given)
is no access token, an access token is no mfa_token, an expired or re-signed one is 401, and
guessing codes is slowed like guessing passwords."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pyotp

from tests.api.test_totp import enrol
from tests.conftest import TEST_SECRET
from tests.utils.factories import PASSWORD

API = "/api/v1"


def mfa_token_of(client, account) -> str:
    body = {"email": account.email, "password": PASSWORD}
    return client.post(f"{API}/auth/login", json=body).get_json()["mfa_token"]


def second_factor(client, token: str, code: str):
    return client.post(f"{API}/auth/login/mfa", json={"mfa_token": token, "code": code})


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "access_token" not in response.get_json()


def test_an_mfa_token_is_not_an_access_token(client, account):
    enrol(client, account)
    token = mfa_token_of(client, account)
    for path in ("/me", "/me/sessions"):
        assert_401(client.get(f"{API}{path}", headers={"Authorization": f"Bearer {token}"}))
    assert_401(client.post(f"{API}/auth/refresh", headers={"Authorization": f"Bearer {token}"}))


def test_an_access_token_is_not_an_mfa_token(client, account):
    secret, _ = enrol(client, account)
    assert_401(second_factor(client, account.access_token, pyotp.TOTP(secret).now()))
    assert_401(second_factor(client, account.refresh_token, pyotp.TOTP(secret).now()))


def test_an_expired_or_resigned_mfa_token_is_401(client, account):
    secret, _ = enrol(client, account)
    claims = pyjwt.decode(mfa_token_of(client, account), options={"verify_signature": False})
    past = datetime.now(UTC) - timedelta(minutes=1)
    # Signed with SECRET_KEY itself (the access tokens' key): not the mfa tokens' own key.
    forged = pyjwt.encode({**claims, "exp": past + timedelta(hours=1)}, TEST_SECRET, "HS256")
    assert_401(second_factor(client, forged, pyotp.TOTP(secret).now()))
    unsigned = pyjwt.encode(claims, None, "none")
    assert_401(second_factor(client, unsigned, pyotp.TOTP(secret).now()))


def test_an_mfa_token_past_its_five_minutes_is_401(client, account, monkeypatch):
    from portrait.services import mfa_tokens

    secret, _ = enrol(client, account)
    monkeypatch.setattr(mfa_tokens, "LIFETIME", timedelta(seconds=-1))  # issued expired
    expired = mfa_token_of(client, account)
    response = second_factor(client, expired, pyotp.TOTP(secret).now())
    assert_401(response)
    assert response.get_json()["type"].endswith("invalid-mfa-token")


def test_guessing_codes_is_slowed_but_the_owner_elsewhere_gets_in(make_app):
    from tests.utils.auth import AuthActions

    client = make_app(PROXY_HOPS=1, LOGIN_DELAY_AFTER=3).test_client()
    owner = AuthActions(client).signup()
    secret, _ = enrol(client, owner)
    attacker = {"headers": {"X-Forwarded-For": "203.0.113.7"}}
    body = {"email": owner.email, "password": PASSWORD}
    token = client.post(f"{API}/auth/login", json=body, **attacker).get_json()["mfa_token"]
    guesses = [
        client.post(
            f"{API}/auth/login/mfa", json={"mfa_token": token, "code": f"{n:06d}"}, **attacker
        )
        for n in range(3)
    ]
    assert [g.status_code for g in guesses] == [401] * 3
    blocked = client.post(
        f"{API}/auth/login/mfa",
        json={"mfa_token": token, "code": pyotp.TOTP(secret).now()},
        **attacker,
    )
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    owner_at_home = {"headers": {"X-Forwarded-For": "198.51.100.20"}}
    token = client.post(f"{API}/auth/login", json=body, **owner_at_home).get_json()["mfa_token"]
    done = client.post(
        f"{API}/auth/login/mfa",
        json={"mfa_token": token, "code": pyotp.TOTP(secret).at(time.time() + 30)},
        **owner_at_home,
    )
    assert done.status_code == 200
