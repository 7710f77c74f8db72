"""Admins: find accounts, suspend and unsuspend them, remove avatars, read the audit log."""

from __future__ import annotations

import pytest

from tests.utils.auth import with_role

API = "/api/v1"


@pytest.fixture
def admin(app, auth):
    return with_role(app, auth, "admin")


def suspend(client, admin, account, reason="Spam bot."):
    url = f"{API}/admin/users/{account.user['id']}/suspension"
    return client.post(url, headers=admin.headers, json={"reason": reason})


def test_a_suspended_account_is_out_until_unsuspended(client, auth, admin, account):
    response = suspend(client, admin, account)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["suspended"]["reason"] == "Spam bot."
    handle = account.user["handle"]
    assert client.get(f"{API}/me", headers=account.headers).status_code == 401  # tokens stop
    assert client.post(f"{API}/auth/refresh", headers=account.refresh_headers).status_code == 401
    login = auth.login(account.email, account.password)
    assert login.status_code == 403 and login.get_json()["type"].endswith("account-suspended")
    wrong = auth.login(account.email, "not the password at all")
    assert wrong.status_code == 401  # nothing told to whoever lacks the password
    assert client.get(f"{API}/profiles/{handle}").status_code == 404
    listed = client.get(f"{API}/profiles?q={handle}").get_json()["items"]
    assert listed == []
    assert suspend(client, admin, account).status_code == 409
    url = f"{API}/admin/users/{account.user['id']}/suspension"
    assert client.delete(url, headers=admin.headers).get_json()["suspended"] is None
    assert auth.login(account.email, account.password).status_code == 200
    assert client.get(f"{API}/profiles/{handle}").status_code == 200
    actions = [e["action"] for e in audit(client, admin)]
    assert actions[:2] == ["unsuspend", "suspend"]  # newest first


def test_the_audit_log_and_suspensions_name_people_by_handle(client, admin, account):
    suspended = suspend(client, admin, account).get_json()["suspended"]
    assert (suspended["by"], suspended["by_handle"]) == (admin.user["id"], admin.handle)
    entry = audit(client, admin)[0]
    assert (entry["action"], entry["reason"]) == ("suspend", "Spam bot.")
    assert (entry["actor"], entry["actor_handle"]) == (admin.user["id"], admin.handle)
    assert entry["target"] == f"user:{account.user['id']}"
    assert entry["target_handle"] == account.handle
    set_role = audit(client, admin)[-1]  # granted from the command line: no handle to show
    assert set_role["actor"].startswith("cli:") and set_role["actor_handle"] is None
    assert set_role["target_handle"] == admin.handle


def audit(client, admin, query=""):
    response = client.get(f"{API}/admin/audit{query}", headers=admin.headers)
    assert response.status_code == 200
    return response.get_json()["items"]


def test_users_are_searchable_by_handle_or_email_prefix(client, auth, admin):
    ada = auth.signup(handle="ada_lovelace", email="countess@example.com")
    auth.signup(handle="bob_builder", email="bob@example.com")
    for q in ("ADA_", "countess@"):
        response = client.get(f"{API}/admin/users?q={q}", headers=admin.headers)
        assert [u["email"] for u in response.get_json()["items"]] == [ada.email]
    everyone = client.get(f"{API}/admin/users", headers=admin.headers).get_json()
    assert len(everyone["items"]) == 3 and everyone["next_cursor"] is None
    assert {u["role"] for u in everyone["items"]} == {"user", "admin"}


def test_pages_follow_the_cursor(client, auth, admin, monkeypatch):
    from portrait.services import admin as admin_service

    monkeypatch.setattr(admin_service, "PAGE", 2)
    for _ in range(3):
        auth.signup()
    first = client.get(f"{API}/admin/users", headers=admin.headers).get_json()
    cursor = first["next_cursor"]
    second = client.get(f"{API}/admin/users?cursor={cursor}", headers=admin.headers).get_json()
    ids = [u["id"] for u in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4 and second["next_cursor"] is None
    bad = client.get(f"{API}/admin/users?cursor=nope", headers=admin.headers)
    assert bad.status_code == 400


def test_bad_input_is_refused_and_changes_nothing(client, admin, account):
    url = f"{API}/admin/users/{account.user['id']}/suspension"
    for body in ({}, {"reason": "  "}, {"reason": "x", "until": "never"}):
        assert client.post(url, headers=admin.headers, json=body).status_code == 422
    for user_id in ("nope", "0" * 24):
        missing = client.post(
            f"{API}/admin/users/{user_id}/suspension", headers=admin.headers, json={"reason": "x"}
        )
        assert missing.status_code == 404
    assert client.get(f"{API}/me", headers=account.headers).status_code == 200
    assert suspend(client, admin, admin).status_code == 409  # not yourself
    assert {entry["action"] for entry in audit(client, admin)} == {"set-role"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/users"),
        ("post", "/admin/users/{id}/suspension"),
        ("delete", "/admin/users/{id}/suspension"),
        ("delete", "/admin/users/{id}/avatar"),
        ("get", "/admin/audit"),
    ],
)
def test_only_admins_get_in(app, client, auth, account, method, path):
    url = API + path.format(id=account.user["id"])
    body = None if method == "get" else {"reason": "x"}
    call = getattr(client, method)
    assert call(url, json=body).status_code == 401
    moderator = with_role(app, auth, "moderator")  # moderators are not admins
    assert call(url, json=body, headers=moderator.headers).status_code == 403
    assert call(url, json=body, headers=account.headers).status_code == 403
