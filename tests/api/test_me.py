"""The own account: GET/PATCH /me with ETag and If-Match, password change, deletion."""

from __future__ import annotations

import pytest

from portrait.errors import ServiceUnavailable
from portrait.models import RefreshSession, User
from portrait.services import accounts
from tests.utils.factories import PASSWORD, signup_data

API = "/api/v1"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_me_requires_a_token(client):
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_returns_the_profile_with_an_etag(client, account):
    response = client.get(f"{API}/me", headers=account.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == account.email and body["handle"] == account.handle
    assert body["avatar"] is None
    assert response.headers["ETag"].startswith('"')


def test_if_none_match_gives_304(client, account):
    etag = client.get(f"{API}/me", headers=account.headers).headers["ETag"]
    response = client.get(f"{API}/me", headers={**account.headers, "If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_patch_updates_fields_and_changes_the_etag(client, account):
    before = client.get(f"{API}/me", headers=account.headers)
    changes = {
        "display_name": "  Ada Lovelace ",
        "bio": "Analyst",
        "location": "London",
        "website": "https://ada.example",
    }
    response = client.patch(f"{API}/me", json=changes, headers=account.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["display_name"] == "Ada Lovelace"
    assert (body["bio"], body["location"], body["website"]) == (
        "Analyst",
        "London",
        "https://ada.example",
    )
    assert response.headers["ETag"] != before.headers["ETag"]
    assert client.get(f"{API}/me", headers=account.headers).get_json() == body


def test_patch_with_current_if_match_succeeds(client, account):
    etag = client.get(f"{API}/me", headers=account.headers).headers["ETag"]
    response = client.patch(
        f"{API}/me", json={"bio": "one"}, headers={**account.headers, "If-Match": etag}
    )
    assert response.status_code == 200


def test_stale_if_match_is_412_and_changes_nothing(client, account):
    stale = client.get(f"{API}/me", headers=account.headers).headers["ETag"]
    client.patch(f"{API}/me", json={"bio": "first edit"}, headers=account.headers)
    response = client.patch(
        f"{API}/me", json={"bio": "lost update"}, headers={**account.headers, "If-Match": stale}
    )
    assert response.status_code == 412
    assert response.mimetype == "application/problem+json"
    assert client.get(f"{API}/me", headers=account.headers).get_json()["bio"] == "first edit"


def test_if_match_star_matches_any_version(client, account):
    headers = {**account.headers, "If-Match": "*"}
    assert client.patch(f"{API}/me", json={"bio": "x"}, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"handle": "no spaces"}, "handle"),
        ({"handle": "ab"}, "handle"),
        ({"display_name": ""}, "display_name"),
        ({"bio": "x" * 501}, "bio"),
        ({"location": "x" * 101}, "location"),
        ({"website": "ftp://files.example"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"email": "new@example.com"}, "email"),  # not editable here
        ({"version": 99}, "version"),
    ],
)
def test_patch_rejects_invalid_fields(client, account, changes, field):
    response = client.patch(f"{API}/me", json=changes, headers=account.headers)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_patch_can_clear_the_website(client, account):
    client.patch(f"{API}/me", json={"website": "https://a.example"}, headers=account.headers)
    response = client.patch(f"{API}/me", json={"website": ""}, headers=account.headers)
    assert response.status_code == 200 and response.get_json()["website"] == ""


def test_handle_change_checks_uniqueness_case_insensitively(client, auth, account):
    auth.signup(handle="Taken")
    response = client.patch(f"{API}/me", json={"handle": "tAKEN"}, headers=account.headers)
    assert response.status_code == 409
    own = account.handle.upper()
    assert (
        client.patch(f"{API}/me", json={"handle": own}, headers=account.headers).status_code == 200
    )
    profile = client.get(f"{API}/profiles/{account.handle.lower()}").get_json()
    assert profile["handle"] == own


def change_password(client, account, current, new):
    return client.put(
        f"{API}/me/password",
        json={"current_password": current, "new_password": new},
        headers=account.headers,
    )


def test_password_change_revokes_other_sessions_only(client, auth, account):
    other = auth.login_account(account)
    assert change_password(client, account, PASSWORD, "a brand new password").status_code == 204
    assert client.get(f"{API}/me", headers=other.headers).status_code == 401
    assert client.post(f"{API}/auth/refresh", headers=other.refresh_headers).status_code == 401
    assert client.get(f"{API}/me", headers=account.headers).status_code == 200
    assert auth.login(account.email, PASSWORD).status_code == 401
    assert auth.login(account.email, "a brand new password").status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "status"),
    [("wrong password", "a brand new password", 401), (PASSWORD, "short", 422)],
)
def test_password_change_refusals(client, auth, account, current, new, status):
    assert change_password(client, account, current, new).status_code == status
    assert auth.login(account.email, PASSWORD).status_code == 200


def test_deleted_account_cannot_log_in_and_its_tokens_stop_working(client, auth, account):
    other = auth.login_account(account)
    assert (
        client.delete(f"{API}/me", json={"password": PASSWORD}, headers=account.headers).status_code
        == 204
    )
    assert auth.login(account.email, PASSWORD).status_code == 401
    for session in (account, other):
        assert client.get(f"{API}/me", headers=session.headers).status_code == 401
        assert (
            client.post(f"{API}/auth/refresh", headers=session.refresh_headers).status_code == 401
        )
    assert client.get(f"{API}/profiles/{account.handle}").status_code == 404
    assert RefreshSession.objects(user_id=account.user["id"]).count() == 0
    # The email and handle are free again.
    again = client.post(
        f"{API}/auth/signup", json=signup_data(email=account.email, handle=account.handle)
    )
    assert again.status_code == 201


@pytest.fixture
def deletion_hook(app):
    """Registers a hook on this test's app."""
    return lambda hook: accounts.add_deletion_hook(app, hook)


def test_account_deletion_runs_hooks_before_removing_the_user(client, account, deletion_hook):
    seen = []
    deletion_hook(lambda user: seen.append((user.handle, User.objects(id=user.id).count())))
    assert (
        client.delete(f"{API}/me", json={"password": PASSWORD}, headers=account.headers).status_code
        == 204
    )
    assert seen == [(account.handle, 1)]


def test_a_failing_hook_keeps_the_account(client, auth, account, deletion_hook):
    def media_store_down(user):
        raise ServiceUnavailable("media store unreachable")

    deletion_hook(media_store_down)
    response = client.delete(f"{API}/me", json={"password": PASSWORD}, headers=account.headers)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert User.objects(id=account.user["id"]).count() == 1
    assert auth.login(account.email, PASSWORD).status_code == 200


def test_your_profile_is_never_cached(client, account):
    # It holds the email: no shared cache or back/forward cache may keep a copy.
    response = client.get("/api/v1/me", headers=account.headers)
    assert response.headers["Cache-Control"] == "no-store"
    revalidated = client.get(
        "/api/v1/me", headers={**account.headers, "If-None-Match": response.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.headers["Cache-Control"] == "no-store"
