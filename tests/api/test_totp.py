"""Two-factor sign-in (TOTP): enrol with a code from an app, log in with password then code,
recovery codes work once, and turning it off needs password + code
(portrait/services/totp.py, portrait/api/totp.py, POST /auth/login/mfa)."""

from __future__ import annotations

import time

import pyotp

from portrait.models import User
from portrait.models.security_event import SecurityEvent
from tests.utils.factories import PASSWORD

API = "/api/v1"


def enrol(client, account) -> tuple[str, list[str]]:
    """Turns 2FA on for `account`; returns its secret and recovery codes."""
    started = client.post(
        f"{API}/me/2fa/totp", json={"password": PASSWORD}, headers=account.headers
    )
    assert started.status_code == 200, started.get_json()
    secret = started.get_json()["secret"]
    code = pyotp.TOTP(secret).at(time.time() - 30)  # the previous step: leaves `now()` unused
    confirmed = client.post(
        f"{API}/me/2fa/totp/confirm", json={"code": code}, headers=account.headers
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    return secret, confirmed.get_json()["recovery_codes"]


def mfa_login(client, account, code):
    first = client.post(f"{API}/auth/login", json={"email": account.email, "password": PASSWORD})
    assert first.status_code == 200
    token = first.get_json()["mfa_token"]
    return client.post(f"{API}/auth/login/mfa", json={"mfa_token": token, "code": code})


def kinds(account) -> list[str]:
    return [e.kind for e in SecurityEvent.objects(user_id=account.user["id"]).order_by("-id")]


def test_enrolment_gives_a_secret_a_local_qr_and_ten_recovery_codes(client, account):
    started = client.post(
        f"{API}/me/2fa/totp", json={"password": PASSWORD}, headers=account.headers
    )
    body = started.get_json()
    assert started.headers["Cache-Control"] == "no-store"
    assert body["otpauth_uri"].startswith("otpauth://totp/Portrait:")
    assert pyotp.parse_uri(body["otpauth_uri"]).secret == body["secret"]
    assert body["qr_svg"].startswith("data:image/svg+xml")
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["totp_enabled"] is False  # pending until a code confirms it
    codes = client.post(
        f"{API}/me/2fa/totp/confirm",
        json={"code": pyotp.TOTP(body["secret"]).now()},
        headers=account.headers,
    ).get_json()["recovery_codes"]
    assert len(set(codes)) == 10
    stored = User.objects.get(id=account.user["id"])
    assert body["secret"] not in stored.totp_secret  # encrypted at rest
    assert not set(codes) & set(stored.recovery_codes)  # only hashes are kept
    assert client.get(f"{API}/me", headers=account.headers).get_json()["totp_enabled"] is True
    assert "mfa-enabled" in kinds(account)


def test_enrolment_needs_the_password_and_a_right_code(client, account):
    wrong = client.post(f"{API}/me/2fa/totp", json={"password": "nope"}, headers=account.headers)
    assert wrong.status_code == 401
    secret = client.post(
        f"{API}/me/2fa/totp", json={"password": PASSWORD}, headers=account.headers
    ).get_json()["secret"]
    bad = pyotp.TOTP(secret).at(time.time() - 600)
    refused = client.post(f"{API}/me/2fa/totp/confirm", json={"code": bad}, headers=account.headers)
    assert refused.status_code == 400
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert User.objects.get(id=account.user["id"]).totp_secret is None


def test_confirm_without_a_started_enrolment_is_refused(client, account):
    response = client.post(
        f"{API}/me/2fa/totp/confirm", json={"code": "123456"}, headers=account.headers
    )
    assert response.status_code == 400


def test_login_asks_for_the_code_and_starts_no_session_before_it(client, account):
    secret, _ = enrol(client, account)
    first = client.post(f"{API}/auth/login", json={"email": account.email, "password": PASSWORD})
    body = first.get_json()
    assert first.status_code == 200 and body["mfa_required"] is True
    assert "access_token" not in body and "refresh_token" not in body
    done = client.post(
        f"{API}/auth/login/mfa",
        json={"mfa_token": body["mfa_token"], "code": pyotp.TOTP(secret).now()},
    )
    assert done.status_code == 200, done.get_json()
    session = done.get_json()
    assert session["user"]["handle"] == account.handle and session["refresh_token"]
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {session['access_token']}"})
    assert me.status_code == 200


def test_a_code_is_accepted_once(client, account):
    secret, _ = enrol(client, account)
    code = pyotp.TOTP(secret).now()
    assert mfa_login(client, account, code).status_code == 200
    replay = mfa_login(client, account, code)
    assert replay.status_code == 401
    assert replay.get_json()["type"].endswith("invalid-code")


def test_a_code_one_step_old_is_accepted_but_older_ones_are_not(client, account):
    secret, _ = enrol(client, account)
    totp = pyotp.TOTP(secret)
    assert mfa_login(client, account, totp.at(time.time() - 120)).status_code == 401
    assert mfa_login(client, account, totp.now()).status_code == 200


def test_a_recovery_code_logs_in_once(client, account):
    _, codes = enrol(client, account)
    assert mfa_login(client, account, codes[0]).status_code == 200
    assert mfa_login(client, account, codes[0]).status_code == 401
    assert mfa_login(client, account, codes[1].upper()).status_code == 200
    assert len(User.objects.get(id=account.user["id"]).recovery_codes) == 8
    assert {"recovery-code-used", "mfa-failed", "login"} <= set(kinds(account))


def test_disable_needs_password_and_code(client, account):
    secret, codes = enrol(client, account)
    url = f"{API}/me/2fa/totp"
    body = {"password": PASSWORD, "code": "000000"}
    assert client.delete(url, json=body, headers=account.headers).status_code == 401
    body = {"password": "wrong", "code": pyotp.TOTP(secret).now()}
    assert client.delete(url, json=body, headers=account.headers).status_code == 401
    assert User.objects.get(id=account.user["id"]).totp_enabled
    body = {"password": PASSWORD, "code": codes[3]}  # a recovery code works too
    assert client.delete(url, json=body, headers=account.headers).status_code == 204
    assert not User.objects.get(id=account.user["id"]).totp_enabled
    login = client.post(f"{API}/auth/login", json={"email": account.email, "password": PASSWORD})
    assert "access_token" in login.get_json()
    assert "mfa-disabled" in kinds(account)


def test_enrolling_twice_is_a_conflict(client, account):
    enrol(client, account)
    again = client.post(f"{API}/me/2fa/totp", json={"password": PASSWORD}, headers=account.headers)
    assert again.status_code == 409


def test_dangerous_actions_need_a_code_when_enrolled(client, auth, account):
    secret, _ = enrol(client, account)
    without = client.delete(f"{API}/me", json={"password": PASSWORD}, headers=account.headers)
    assert without.status_code == 401 and without.get_json()["type"].endswith("code-required")
    change = {"current_password": PASSWORD, "new_password": "a brand new password"}
    assert client.put(f"{API}/me/password", json=change, headers=account.headers).status_code == 401
    email = {"email": "new@example.com", "password": PASSWORD, "code": "000000"}
    assert client.post(f"{API}/me/email", json=email, headers=account.headers).status_code == 401
    assert auth.login(account.email, PASSWORD).status_code == 200  # the password is unchanged
    code = pyotp.TOTP(secret).now()
    body = {"password": PASSWORD, "code": code}
    assert client.delete(f"{API}/me", json=body, headers=account.headers).status_code == 204
    assert User.objects(id=account.user["id"], deleted_at=None).count() == 0


def test_deleting_the_account_needs_the_password(client, account):
    wrong = client.delete(f"{API}/me", json={"password": "nope"}, headers=account.headers)
    assert wrong.status_code == 401
    missing = client.delete(f"{API}/me", headers=account.headers)
    assert missing.status_code in (400, 415, 422)
    assert User.objects(id=account.user["id"], deleted_at=None).count() == 1
