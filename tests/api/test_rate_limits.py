"""Rate limits on sign-up, login and refresh: 429 problem+json with Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portrait.models.login_failure import LoginFailures
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


def test_failed_logins_are_limited_per_account_and_address_not_per_account(client, auth, account):
    # Default: at most 10 wrong passwords per account and address per 15 minutes.
    for _ in range(10):
        assert auth.login(account.email, "wrong password", **from_ip("10.0.0.1")).status_code == 401
    assert_429(auth.login(account.email.upper(), PASSWORD, **from_ip("10.0.0.1")))
    # The owner elsewhere is not locked out, and other accounts are not slowed.
    assert auth.login(account.email, PASSWORD, **from_ip("10.9.9.9")).status_code == 200
    other = auth.signup()
    assert auth.login(other.email, PASSWORD, **from_ip("10.0.0.1")).status_code == 200


def test_failed_logins_are_limited_per_address_across_accounts(make_app):
    client = make_app(RATELIMIT_LOGIN_FAILURES_PER_ADDRESS="4 per 15 minutes").test_client()
    auth = AuthActions(client)
    accounts = [auth.signup() for _ in range(5)]
    for victim in accounts[:4]:  # one guess per account: the per-account budget is untouched
        assert auth.login(victim.email, "guess", **from_ip("10.0.0.1")).status_code == 401
    assert_429(auth.login(accounts[4].email, PASSWORD, **from_ip("10.0.0.1")))
    assert auth.login(accounts[4].email, PASSWORD, **from_ip("10.0.0.2")).status_code == 200


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


def change_password(client, account, current: str):
    body = {"current_password": current, "new_password": "a brand new password"}
    return client.put(f"{API}/me/password", json=body, headers=account.headers)


def test_wrong_current_passwords_are_limited_like_failed_logins(make_app):
    client = make_app(RATELIMIT_LOGIN_FAILURES="3 per 15 minutes").test_client()
    auth = AuthActions(client)
    account, other = auth.signup(), auth.signup()
    for attempt in range(3):
        assert change_password(client, account, f"guess {attempt}").status_code == 401
    # A stolen access token gives no more guesses: even the right password waits now...
    assert_429(change_password(client, account, PASSWORD))
    # ...and the guesses spent the same budget as failed logins.
    assert_429(auth.login(account.email, PASSWORD))
    assert change_password(client, other, PASSWORD).status_code == 204


def test_right_current_passwords_do_not_count(make_app):
    client = make_app(RATELIMIT_LOGIN_FAILURES="2 per 15 minutes").test_client()
    account = AuthActions(client).signup()
    for _ in range(3):
        body = {"current_password": PASSWORD, "new_password": PASSWORD}
        response = client.put(f"{API}/me/password", json=body, headers=account.headers)
        assert response.status_code == 204
    assert change_password(client, account, "wrong").status_code == 401


def test_avatar_uploads_and_reframes_share_a_per_user_limit(make_app):
    client = make_app(RATELIMIT_AVATAR="3 per hour").test_client()
    auth = AuthActions(client)
    account, other = auth.signup(), auth.signup()
    not_an_image = {"data": b"not an image", "content_type": "application/octet-stream"}
    crop = {"x": 0, "y": 0, "width": 64, "height": 64}
    # Refused uploads count too: decoding them is work all the same.
    for _ in range(2):
        response = client.put(f"{API}/me/avatar", headers=account.headers, **not_an_image)
        assert response.status_code == 415
    assert (
        client.patch(f"{API}/me/avatar/crop", json=crop, headers=account.headers).status_code == 404
    )
    assert_429(client.put(f"{API}/me/avatar", headers=account.headers, **not_an_image))
    assert_429(client.patch(f"{API}/me/avatar/crop", json=crop, headers=account.headers))
    # Per account, not per address: the other user (same IP) is not affected.
    response = client.put(f"{API}/me/avatar", headers=other.headers, **not_an_image)
    assert response.status_code == 415
    # Removing the avatar is not limited.
    assert client.delete(f"{API}/me/avatar", headers=account.headers).status_code == 204


def test_repeated_failures_wait_longer_each_time_and_the_right_password_clears_them(make_app):
    client = make_app(LOGIN_DELAY_AFTER=3).test_client()
    auth = AuthActions(client)
    account = auth.signup()

    def time_passes(seconds: int) -> None:
        LoginFailures.objects.update(set__last_at=datetime.now(UTC) - timedelta(seconds=seconds))

    for _ in range(3):
        assert auth.login(account.email, "wrong password").status_code == 401
    waiting = auth.login(account.email, "wrong password")
    assert_429(waiting)
    assert int(waiting.headers["Retry-After"]) == 1
    time_passes(1)
    assert auth.login(account.email, "wrong password").status_code == 401  # the 4th failure
    assert int(auth.login(account.email, PASSWORD).headers["Retry-After"]) == 2
    time_passes(2)
    assert auth.login(account.email, PASSWORD).status_code == 200
    assert LoginFailures.objects.count() == 0
    assert auth.login(account.email, "wrong password").status_code == 401  # free again
