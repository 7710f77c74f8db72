"""Rate limits on sign-up, login and refresh: 429 problem+json with Retry-After."""

from __future__ import annotations

from tests.utils.auth import AuthActions
from tests.utils.factories import PASSWORD, signup_data

API = "/api/v1"


def assert_429(response) -> None:
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 3600


def from_ip(ip: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": ip}}


def test_signup_is_limited_per_ip(make_app):
    client = make_app(RATELIMIT_SIGNUP="2 per hour").test_client()
    for _ in range(2):
        assert client.post(f"{API}/auth/signup", json=signup_data()).status_code == 201
    assert_429(client.post(f"{API}/auth/signup", json=signup_data()))
    # Another address is not affected.
    other = client.post(f"{API}/auth/signup", json=signup_data(), **from_ip("10.1.2.3"))
    assert other.status_code == 201


def test_login_is_limited_per_ip(make_app):
    client = make_app(RATELIMIT_LOGIN="3 per minute").test_client()
    account = AuthActions(client).signup()
    for _ in range(3):
        assert AuthActions(client).login(account.email, PASSWORD).status_code == 200
    assert_429(AuthActions(client).login(account.email, PASSWORD))


def test_ten_failed_logins_lock_the_account_for_everyone(client, auth, account):
    # Default: at most 10 failed logins per account per 15 minutes, whatever the address.
    for attempt in range(10):
        ip = f"10.0.0.{attempt}"
        assert auth.login(account.email, "wrong password", **from_ip(ip)).status_code == 401
    locked = auth.login(account.email.upper(), PASSWORD, **from_ip("10.9.9.9"))
    assert_429(locked)
    # Other accounts can still log in.
    other = auth.signup()
    assert auth.login(other.email, PASSWORD).status_code == 200


def test_successful_logins_do_not_count_as_failures(client, auth, account):
    for _ in range(12):
        assert auth.login(account.email, PASSWORD).status_code == 200
    assert auth.login(account.email, "wrong password").status_code == 401


def test_refresh_is_limited_per_ip(make_app):
    client = make_app(RATELIMIT_REFRESH="2 per minute").test_client()
    token = AuthActions(client).signup().refresh_token
    for _ in range(2):
        response = client.post(f"{API}/auth/refresh", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        token = response.get_json()["refresh_token"]
    assert_429(client.post(f"{API}/auth/refresh", headers={"Authorization": f"Bearer {token}"}))


def test_limits_can_be_disabled(make_app):
    client = make_app(RATELIMIT_SIGNUP="1 per hour", RATELIMIT_ENABLED="false").test_client()
    for _ in range(3):
        assert client.post(f"{API}/auth/signup", json=signup_data()).status_code == 201


def xff(ip: str) -> dict:
    return {"headers": {"X-Forwarded-For": ip}}


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(make_app):
    # Otherwise anyone could dodge the per-IP limit by inventing X-Forwarded-For values.
    client = make_app(RATELIMIT_SIGNUP="1 per hour").test_client()
    assert (
        client.post(f"{API}/auth/signup", json=signup_data(), **xff("1.1.1.1")).status_code == 201
    )
    assert_429(client.post(f"{API}/auth/signup", json=signup_data(), **xff("2.2.2.2")))


def test_behind_a_trusted_proxy_the_client_address_is_limited(make_app):
    client = make_app(RATELIMIT_SIGNUP="1 per hour", PROXY_HOPS=1).test_client()
    assert (
        client.post(f"{API}/auth/signup", json=signup_data(), **xff("1.1.1.1")).status_code == 201
    )
    assert_429(client.post(f"{API}/auth/signup", json=signup_data(), **xff("1.1.1.1")))
    assert (
        client.post(f"{API}/auth/signup", json=signup_data(), **xff("2.2.2.2")).status_code == 201
    )
