"""The outbox: each state change writes its event in the same update, and only then."""

from __future__ import annotations

import pytest
from bson import ObjectId

from portrait.events import relay
from portrait.events.models import EventRecord
from portrait.models import User
from tests.utils import images
from tests.utils.auth import with_role
from tests.utils.avatar import API, upload
from tests.utils.factories import PASSWORD

SECRETS = ("password", "email", "token", "hash")


def outbox(user_id: str) -> list[dict]:
    doc = User._get_collection().find_one({"_id": ObjectId(user_id)})
    return doc.get("outbox", []) if doc else []


def types(events: list[dict]) -> list[str]:
    return [event["type"].removeprefix("portrait.") for event in events]


def test_sign_up_writes_user_created_with_public_fields_only(app, account):
    [event] = outbox(account.user["id"])
    assert event["specversion"] == "1.0" and event["type"] == "portrait.user.created"
    assert event["subject"] == account.user["id"] and event["source"] == app.config["PUBLIC_URL"]
    assert event["id"] and event["time"] and event["datacontenttype"] == "application/json"
    assert event["data"] == {
        "user_id": account.user["id"],
        "handle": account.user["handle"],
        "display_name": account.user["display_name"],
    }
    text = repr(event).lower()
    assert account.email.lower() not in text and not any(word in text for word in SECRETS)


def test_profile_edit_names_the_changed_fields(client, account):
    etag = client.get(f"{API}/me", headers=account.headers).headers["ETag"]
    changes = {"bio": "Analyst", "website": "https://ada.example"}
    headers = {**account.headers, "If-Match": etag}
    assert client.patch(f"{API}/me", json=changes, headers=headers).status_code == 200
    event = outbox(account.user["id"])[-1]
    assert event["type"] == "portrait.profile.updated"
    assert event["data"]["changed"] == ["bio", "website"]
    assert event["data"]["profile"] == changes


def test_a_refused_edit_writes_no_event(client, account, auth):
    before = outbox(account.user["id"])
    stale = {**account.headers, "If-Match": '"stale.1"'}
    assert client.patch(f"{API}/me", json={"bio": "x"}, headers=stale).status_code == 412
    other = auth.signup(handle="taken")
    taken = client.patch(f"{API}/me", json={"handle": "TAKEN"}, headers=account.headers)
    assert taken.status_code == 409
    bad = client.patch(
        f"{API}/me", json={"website": "javascript:alert(1)"}, headers=account.headers
    )
    assert bad.status_code == 422
    assert outbox(account.user["id"]) == before
    assert types(outbox(other.user["id"])) == ["user.created"]


def test_deletion_relays_its_events_then_removes_the_account(client, account):
    user_id = account.user["id"]
    assert (
        client.delete(f"{API}/me", json={"password": PASSWORD}, headers=account.headers).status_code
        == 204
    )
    assert User._get_collection().find_one({"_id": ObjectId(user_id)}) is None
    records = list(EventRecord.objects(subject=user_id).order_by("seq"))
    assert [(types([r.envelope])[0], r.seq) for r in records] == [
        ("user.created", 1),
        ("user.deleted", 2),
    ]
    assert records[1].envelope["data"]["handle"] == account.user["handle"]


def test_relaying_again_or_after_a_crash_moves_each_event_once(app, client, account, monkeypatch):
    user_id = account.user["id"]
    client.patch(f"{API}/me", json={"bio": "one"}, headers=account.headers)
    ids = [event["id"] for event in outbox(user_id)]
    real_store, stored = relay._store, []

    def store_then_crash(envelope, seq, endpoints):  # the relay dies after storing it all
        real_store(envelope, seq, endpoints)
        stored.append(envelope["id"])
        if len(stored) == len(ids):
            raise RuntimeError("injected crash")

    monkeypatch.setattr(relay, "_store", store_then_crash)
    with app.app_context(), pytest.raises(RuntimeError):
        relay.relay_user(user_id)
    monkeypatch.setattr(relay, "_store", real_store)
    assert [event["id"] for event in outbox(user_id)] == ids  # still there: nothing lost
    client.patch(f"{API}/me", json={"bio": "two"}, headers=account.headers)
    with app.app_context():
        assert relay.relay_user(user_id) == 3
        assert relay.relay_user(user_id) == 0
    records = list(EventRecord.objects(subject=user_id).order_by("seq"))
    assert [r.seq for r in records] == [1, 2, 3]
    assert [r.id for r in records][:2] == ids
    assert types([r.envelope for r in records]) == [
        "user.created",
        "profile.updated",
        "profile.updated",
    ]
    assert outbox(user_id) == []


def test_an_accepted_upload_and_a_removal_write_their_events(make_app, model_service_url, auth):
    client = make_app(MODELS_URL=model_service_url).test_client()
    account = type(auth)(client).signup()
    assert upload(client, account, images.face_photo()).status_code == 200
    assert client.delete(f"{API}/me/avatar", headers=account.headers).status_code in (200, 204)
    events = outbox(account.user["id"])
    assert types(events) == ["user.created", "avatar.accepted", "avatar.removed"]
    assert set(events[1]["data"]["variants"]) >= {"512", "64"}


def test_suspending_and_lifting_it_write_their_events_once(app, client, auth, account):
    admin = with_role(app, auth, "admin")
    url = f"{API}/admin/users/{account.user['id']}/suspension"
    assert client.post(url, json={"reason": "Spam."}, headers=admin.headers).status_code == 200
    assert client.delete(url, headers=admin.headers).status_code == 200
    assert client.delete(url, headers=admin.headers).status_code == 200  # nothing to lift
    events = outbox(account.user["id"])
    assert types(events) == ["user.created", "user.suspended", "user.unsuspended"]
    assert events[-1]["data"] == {"user_id": account.user["id"]}
