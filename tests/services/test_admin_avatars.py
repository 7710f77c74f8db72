"""Admins and avatars: a removed avatar and a suspended account's avatar are not served."""

from __future__ import annotations

import pytest

from portrait.models.audit import AuditEntry
from tests.api.test_admin import suspend
from tests.utils.auth import with_role
from tests.utils.avatar import API, upload
from tests.utils.marker_models import marked_photo

PHOTO = marked_photo((640, 480), (0, 0, 10, 10))


@pytest.fixture
def app(make_app, marker_models):
    return make_app(**marker_models.settings)


@pytest.fixture
def member(client, auth):
    account = auth.signup()
    response = upload(client, account, PHOTO)
    assert response.status_code == 200
    return account, response.get_json()["urls"]


def test_an_admin_removes_an_avatar_with_a_reason(app, client, auth, member):
    account, urls = member
    admin = with_role(app, auth, "admin")
    url = f"{API}/admin/users/{account.user['id']}/avatar"
    response = client.delete(url, headers=admin.headers, json={"reason": "Not a person."})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["has_avatar"] is False
    assert all(client.get(u).status_code == 404 for u in urls.values())
    profile = client.get(f"{API}/profiles/{account.user['handle']}").get_json()
    assert profile["avatar"] is None
    [entry] = AuditEntry.objects(action="remove-avatar")
    assert entry.reason == "Not a person." and entry.target == f"user:{account.user['id']}"


def test_a_suspended_accounts_avatar_is_not_served(app, client, auth, member):
    account, urls = member
    admin = with_role(app, auth, "admin")
    assert suspend(client, admin, account).status_code == 200
    assert all(client.get(u).status_code == 404 for u in urls.values())
    client.delete(f"{API}/admin/users/{account.user['id']}/suspension", headers=admin.headers)
    assert all(client.get(u).status_code == 200 for u in urls.values())
