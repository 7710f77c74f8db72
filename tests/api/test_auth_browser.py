"""Browser mode: the refresh token lives in an httpOnly SameSite cookie, CSRF double-submit."""

from __future__ import annotations

import jwt as pyjwt

from tests.utils.auth import AuthActions
from tests.utils.factories import PASSWORD, signup_data

API = "/api/v1"
REFRESH_COOKIE = "refresh_token_cookie"
CSRF_COOKIE = "csrf_refresh_token"


def set_cookies(response) -> dict[str, str]:
    """Set-Cookie headers by cookie name."""
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def signup_in_browser(client):
    return client.post(f"{API}/auth/signup?client=browser", json=signup_data())


def test_browser_signup_sets_httponly_samesite_cookie_and_no_body_token(client):
    response = signup_in_browser(client)
    assert response.status_code == 201
    body = response.get_json()
    assert "refresh_token" not in body and body["access_token"]
    cookies = set_cookies(response)
    refresh_cookie = cookies[REFRESH_COOKIE]
    assert "HttpOnly" in refresh_cookie
    assert "SameSite=Strict" in refresh_cookie
    assert "Path=/api/v1/auth" in refresh_cookie
    # The CSRF twin must be readable by the SPA's script, on every page.
    assert "HttpOnly" not in cookies[CSRF_COOKIE] and "Path=/;" in cookies[CSRF_COOKIE]


def test_cookies_are_secure_in_production_settings(make_app):
    app = make_app(COOKIE_SECURE="true")
    response = signup_in_browser(app.test_client())
    assert "Secure" in set_cookies(response)[REFRESH_COOKIE]


def test_cookie_refresh_needs_the_csrf_header(client):
    signup_in_browser(client)
    response = client.post(f"{API}/auth/refresh")
    assert response.status_code == 401
    assert "CSRF" in response.get_json()["detail"]
    wrong = client.post(f"{API}/auth/refresh", headers={"X-CSRF-TOKEN": "forged"})
    assert wrong.status_code == 401


def test_cookie_refresh_rotates_the_cookie(make_app):
    client = make_app(REFRESH_REUSE_GRACE=0).test_client()  # every replay is a copy
    signup_in_browser(client)
    old_cookie = client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth").value
    csrf = client.get_cookie(CSRF_COOKIE).value
    response = client.post(f"{API}/auth/refresh", headers={"X-CSRF-TOKEN": csrf})
    assert response.status_code == 200
    assert "refresh_token" not in response.get_json()
    new_cookie = client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth").value
    assert new_cookie != old_cookie
    access = response.get_json()["access_token"]
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {access}"}).status_code == 200

    # Replaying the spent cookie (a stolen copy) revokes the family.
    new_csrf = client.get_cookie(CSRF_COOKIE).value
    client.set_cookie(REFRESH_COOKIE, old_cookie, path="/api/v1/auth")
    replay = client.post(f"{API}/auth/refresh", headers={"X-CSRF-TOKEN": csrf})
    assert replay.status_code == 401
    client.set_cookie(REFRESH_COOKIE, new_cookie, path="/api/v1/auth")
    assert client.post(f"{API}/auth/refresh", headers={"X-CSRF-TOKEN": new_csrf}).status_code == 401


def test_browser_login_and_logout_clear_the_cookies(client, auth, account):
    response = client.post(
        f"{API}/auth/login?client=browser", json={"email": account.email, "password": PASSWORD}
    )
    assert response.status_code == 200 and "refresh_token" not in response.get_json()
    csrf = client.get_cookie(CSRF_COOKIE).value
    logout = client.post(f"{API}/auth/logout", headers={"X-CSRF-TOKEN": csrf})
    assert logout.status_code == 204
    assert client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth") is None
    assert client.post(f"{API}/auth/refresh", headers={"X-CSRF-TOKEN": csrf}).status_code == 401


def test_unknown_client_mode_is_422(client):
    response = client.post(f"{API}/auth/signup?client=fridge", json=signup_data())
    assert response.status_code == 422
    assert "client" in response.get_json()["errors"]


def test_cookie_wins_when_the_spa_also_sends_its_access_token(client):
    access = signup_in_browser(client).get_json()["access_token"]
    headers = {
        "Authorization": f"Bearer {access}",
        "X-CSRF-TOKEN": client.get_cookie(CSRF_COOKIE).value,
    }
    assert client.post(f"{API}/auth/refresh", headers=headers).status_code == 200
    headers["X-CSRF-TOKEN"] = client.get_cookie(CSRF_COOKIE).value
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {access}"}).status_code == 401


def test_logout_with_a_dead_cookie_is_401_and_still_clears_it(client):
    signup_in_browser(client)
    csrf = client.get_cookie(CSRF_COOKIE).value
    spent = client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth").value
    assert client.post(f"{API}/auth/logout", headers={"X-CSRF-TOKEN": csrf}).status_code == 204
    client.set_cookie(REFRESH_COOKIE, spent, path="/api/v1/auth")
    client.set_cookie(CSRF_COOKIE, csrf)
    response = client.post(f"{API}/auth/logout", headers={"X-CSRF-TOKEN": csrf})
    assert response.status_code == 401
    assert client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth") is None


def browser_and_mobile_sessions(client, auth):
    """A mobile account whose client also holds another session's refresh cookie (its cookie
    jar caught it, as some HTTP stacks do). Returns (mobile account, that cookie, its CSRF)."""
    signup_in_browser(client)
    cookie = client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth").value
    return auth.signup(), cookie, client.get_cookie(CSRF_COOKIE).value


def test_mobile_logout_with_a_refresh_bearer_ignores_stray_cookies(client, auth):
    mobile, cookie, csrf = browser_and_mobile_sessions(client, auth)
    response = client.post(f"{API}/auth/logout", headers=mobile.refresh_headers)
    assert response.status_code == 204
    assert client.get(f"{API}/me", headers=mobile.headers).status_code == 401
    # The mobile session ended, not the cookie's.
    client.set_cookie(REFRESH_COOKIE, cookie, path="/api/v1/auth")
    client.set_cookie(CSRF_COOKIE, csrf)
    assert client.post(f"{API}/auth/refresh", headers={"X-CSRF-TOKEN": csrf}).status_code == 200


def test_mobile_refresh_with_a_refresh_bearer_ignores_stray_cookies(make_app):
    client = make_app(REFRESH_REUSE_GRACE=0).test_client()  # every replay is a copy
    auth = AuthActions(client)
    mobile, cookie, _ = browser_and_mobile_sessions(client, auth)
    response = client.post(f"{API}/auth/refresh", headers=mobile.refresh_headers)
    assert response.status_code == 200
    assert response.get_json()["refresh_token"]  # mobile delivery, in the body
    # The cookie was neither used nor rotated.
    assert client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth").value == cookie
    spent = client.post(f"{API}/auth/refresh", headers=mobile.refresh_headers)
    assert spent.status_code == 401


def restore_cookies(client, cookie: str, csrf: str) -> None:
    """Put back cookies that a refused logout cleared, as an attacker's page would find them."""
    client.set_cookie(REFRESH_COOKIE, cookie, path="/api/v1/auth")
    client.set_cookie(CSRF_COOKIE, csrf)


def test_cookie_logout_without_the_csrf_header_is_refused(client):
    access = signup_in_browser(client).get_json()["access_token"]
    cookie = client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth").value
    csrf = client.get_cookie(CSRF_COOKIE).value
    for headers in ({}, {"Authorization": f"Bearer {access}"}):  # + the SPA's access token
        restore_cookies(client, cookie, csrf)
        response = client.post(f"{API}/auth/logout", headers=headers)
        assert response.status_code == 401
        assert "CSRF" in response.get_json()["detail"]
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {access}"}).status_code == 200


def test_a_forged_refresh_bearer_does_not_stand_in_for_the_cookie(client):
    signup_in_browser(client)
    cookie = client.get_cookie(REFRESH_COOKIE, path="/api/v1/auth").value
    csrf = client.get_cookie(CSRF_COOKIE).value
    # Claims `type: refresh` but is signed with another key: it is verified as the header
    # token and refused; the cookie's session is neither used nor ended.
    forged = pyjwt.encode({"type": "refresh", "sub": "x", "sid": "x"}, "not-our-key" * 4)
    for path in ("refresh", "logout"):
        restore_cookies(client, cookie, csrf)
        response = client.post(f"{API}/auth/{path}", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401
        assert "CSRF" not in response.get_json()["detail"]
    restore_cookies(client, cookie, csrf)
    assert client.post(f"{API}/auth/refresh", headers={"X-CSRF-TOKEN": csrf}).status_code == 200
