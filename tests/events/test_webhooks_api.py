"""Admin webhook endpoints: who may use them, the secret shown once, rotation, the SSRF guard,
the delivery log and redelivery."""

from __future__ import annotations

import pytest
from bson import ObjectId

from portrait.events.models import FAILED, Delivery
from portrait.models import User

BASE = "/api/v1/admin/webhooks"


@pytest.fixture
def admin(auth):
    account = auth.signup()
    User.objects(id=ObjectId(account.user["id"])).update_one(set__role="admin")
    return account


def create(client, admin, **body):
    body = {"url": "https://hooks.example.com/portrait", **body}
    return client.post(BASE, json=body, headers=admin.headers)


def test_only_admins_reach_the_endpoints(client, account):
    assert client.get(BASE).status_code == 401
    response = client.get(BASE, headers=account.headers)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    sent = client.post(BASE, json={"url": "https://x.example"}, headers=account.headers)
    assert sent.status_code == 403


def test_the_secret_is_shown_at_creation_and_rotation_only(client, admin, monkeypatch):
    monkeypatch.setattr(
        "socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("93.184.215.14", 443))]
    )
    response = create(client, admin, event_types=["portrait.user.created"], description="CRM")
    assert response.status_code == 201
    hook = response.get_json()
    assert hook["secret"].startswith("whsec_") and hook["event_types"] == ["portrait.user.created"]
    listed = client.get(BASE, headers=admin.headers).get_json()["items"]
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
    one = client.get(f"{BASE}/{hook['id']}", headers=admin.headers).get_json()
    assert "secret" not in one and one["description"] == "CRM"
    rotated = client.post(f"{BASE}/{hook['id']}/rotate-secret", headers=admin.headers)
    assert rotated.status_code == 200
    assert rotated.get_json()["secret"].startswith("whsec_")
    assert rotated.get_json()["secret"] != hook["secret"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fd00:ec2::254]/hook",
        "http://0.0.0.0/hook",
        "ftp://example.com/hook",
        "http://user:pw@example.com/hook",
    ],
)
def test_private_and_metadata_addresses_are_refused(client, admin, url):
    response = create(client, admin, url=url)
    assert response.status_code in (400, 422), response.get_json()
    assert response.mimetype == "application/problem+json"
    assert client.get(BASE, headers=admin.headers).get_json()["items"] == []


def test_private_addresses_are_allowed_when_configured(make_app, auth):
    client = make_app(WEBHOOKS_ALLOW_PRIVATE=True).test_client()
    account = type(auth)(client).signup()
    User.objects(id=ObjectId(account.user["id"])).update_one(set__role="admin")
    assert create(client, account, url="http://127.0.0.1:9/hook").status_code == 201


def test_unknown_event_types_and_fields_are_refused(client, admin):
    assert create(client, admin, event_types=["portrait.nope"]).status_code == 422
    assert create(client, admin, secret="mine").status_code == 422


def test_edit_delete_and_unknown_ids(make_app, auth):
    client = make_app(WEBHOOKS_ALLOW_PRIVATE=True).test_client()
    admin = type(auth)(client).signup()
    User.objects(id=ObjectId(admin.user["id"])).update_one(set__role="admin")
    hook = create(client, admin, url="http://127.0.0.1:9/a").get_json()
    edited = client.patch(
        f"{BASE}/{hook['id']}", json={"active": False, "description": "off"}, headers=admin.headers
    )
    assert edited.status_code == 200 and edited.get_json()["active"] is False
    assert client.get(f"{BASE}/nope", headers=admin.headers).status_code == 404
    assert client.get(f"{BASE}/{ObjectId()}/deliveries", headers=admin.headers).status_code == 404
    assert client.delete(f"{BASE}/{hook['id']}", headers=admin.headers).status_code == 204
    assert client.get(f"{BASE}/{hook['id']}", headers=admin.headers).status_code == 404


def test_a_failed_delivery_is_listed_and_can_be_sent_again(make_app, auth):
    client = make_app(WEBHOOKS_ALLOW_PRIVATE=True).test_client()
    admin = type(auth)(client).signup()
    User.objects(id=ObjectId(admin.user["id"])).update_one(set__role="admin")
    hook = create(client, admin, url="http://127.0.0.1:9/a").get_json()
    Delivery(
        id=f"{hook['id']}:e1",
        sink=hook["id"],
        event_id="e1",
        type="portrait.user.created",
        subject=admin.user["id"],
        seq=1,
        status=FAILED,
        attempts=9,
    ).save()
    log = client.get(f"{BASE}/{hook['id']}/deliveries?status=failed", headers=admin.headers)
    [item] = log.get_json()["items"]
    assert item["status"] == "failed" and item["attempts"] == 9
    path = f"{BASE}/{hook['id']}/deliveries/{item['id']}/redeliver"
    again = client.post(path, headers=admin.headers)
    assert again.status_code == 200 and again.get_json()["status"] == "pending"
    assert client.post(path, headers=admin.headers).status_code == 409  # pending already
    missing = client.post(f"{BASE}/{hook['id']}/deliveries/x:y/redeliver", headers=admin.headers)
    assert missing.status_code == 404


def test_the_admin_role_is_granted_and_revoked_from_the_command_line(app, client, account):
    runner = app.test_cli_runner()
    granted = runner.invoke(args=["users", "set-role", account.email.upper(), "admin"])
    assert granted.exit_code == 0, granted.output
    assert client.get(BASE, headers=account.headers).status_code == 200
    revoked = runner.invoke(args=["users", "set-role", account.email, "moderator"])
    assert revoked.exit_code == 0  # a moderator is no administrator
    assert client.get(BASE, headers=account.headers).status_code == 403
