"""The moderators' queue: borderline pictures wait there; a moderator's decision publishes or
rejects them, once, audited; the queue's images reach moderators only."""

from __future__ import annotations

import pytest

from portrait.models.audit import AuditEntry
from portrait.services import moderation
from tests.services.test_avatar_review import own_avatar, public_avatar
from tests.services.test_avatar_screening import reframe
from tests.utils.auth import with_role
from tests.utils.avatar import API, upload
from tests.utils.marker_models import CYAN, marked_photo

BORDERLINE = marked_photo((640, 480), (0, 0, 640, 480), CYAN)
CLEAN = marked_photo((640, 480), (0, 0, 40, 40), CYAN)


@pytest.fixture
def app(make_app, marker_models):
    return make_app(**marker_models.settings)


@pytest.fixture
def moderator(app, auth):
    return with_role(app, auth, "moderator")


@pytest.fixture
def pending(client, auth):
    """A member whose avatar waits for review."""
    member = auth.signup()
    assert upload(client, member, BORDERLINE).status_code == 200
    return member


def queue(client, account, query=""):
    response = client.get(f"{API}/moderation/queue{query}", headers=account.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def decide(client, account, item_id, body):
    return client.post(
        f"{API}/moderation/items/{item_id}/decision", headers=account.headers, json=body
    )


def test_a_borderline_picture_waits_in_the_queue(client, moderator, pending):
    page = queue(client, moderator)
    assert page["next_cursor"] is None
    [item] = page["items"]
    assert item["kind"] == "review" and item["state"] == "open" and item["decided"] is None
    assert item["user"] == {"id": pending.user["id"], "handle": pending.user["handle"]}
    assert item["labels"] == [{"label": "FEMALE_BREAST_EXPOSED", "score": 0.3}]
    assert item["image_url"].startswith(f"{API}/moderation/items/")
    image = client.get(item["image_url"], headers=moderator.headers)
    assert image.status_code == 200 and image.mimetype == "image/webp"
    assert image.headers["Cache-Control"] == "private, no-store"
    assert client.get(item["image_url"], headers=pending.headers).status_code == 403
    assert client.get(item["image_url"]).status_code == 401
    assert queue(client, moderator, "?kind=appeal")["items"] == []


def test_approval_publishes_the_picture_once_and_is_audited(client, moderator, pending):
    [item] = queue(client, moderator)["items"]
    response = decide(client, moderator, item["id"], {"decision": "approve", "reason": " ok "})
    assert response.status_code == 200, response.get_json()
    decided = response.get_json()
    assert decided["state"] == "approved"
    assert decided["decided"]["by"] == moderator.user["id"]
    assert decided["decided"]["reason"] == "ok"
    assert own_avatar(client, pending)["review"] == {"state": "approved", "reason": "ok"}
    urls = public_avatar(client, pending)["urls"]
    assert client.get(urls["512"]).headers["Cache-Control"].startswith("public")
    assert queue(client, moderator)["items"] == []
    again = decide(client, moderator, item["id"], {"decision": "reject", "reason": "no"})
    assert again.status_code == 409 and again.get_json()["type"].endswith("already-decided")
    [entry] = AuditEntry.objects(action="approve-review")
    assert (entry.actor, entry.target, entry.reason) == (
        moderator.user["id"],
        f"item:{item['id']}",
        "ok",
    )


def test_rejection_keeps_it_from_the_public_and_tells_the_owner(client, moderator, pending):
    [item] = queue(client, moderator)["items"]
    body = {"decision": "reject", "reason": "Please choose a picture of your face."}
    assert decide(client, moderator, item["id"], body).status_code == 200
    assert own_avatar(client, pending)["review"] == {"state": "rejected", "reason": body["reason"]}
    assert public_avatar(client, pending) is None
    response = reframe(client, pending, {"x": 0, "y": 0, "width": 200, "height": 200})
    assert response.status_code == 422
    assert own_avatar(client, pending)["review"]["state"] == "rejected"


def test_a_replaced_picture_is_no_longer_decided(client, moderator, pending):
    [item] = queue(client, moderator)["items"]
    assert upload(client, pending, CLEAN).status_code == 200
    assert queue(client, moderator)["items"] == []
    response = decide(client, moderator, item["id"], {"decision": "approve", "reason": "ok"})
    assert response.status_code == 409
    assert own_avatar(client, pending)["review"] is None


def test_a_decision_interrupted_after_its_effect_can_be_made_again(
    client, moderator, pending, monkeypatch
):
    [item] = queue(client, moderator)["items"]
    close = moderation._close

    def dies_once(*args):
        monkeypatch.setattr(moderation, "_close", close)
        raise ConnectionError("the API died here")

    monkeypatch.setattr(moderation, "_close", dies_once)
    body = {"decision": "approve", "reason": "ok"}
    assert decide(client, moderator, item["id"], body).status_code == 500  # died midway
    assert public_avatar(client, pending) is not None  # the effect landed, the item is open
    assert decide(client, moderator, item["id"], body).status_code == 200
    assert queue(client, moderator)["items"] == []
    assert AuditEntry.objects(action="approve-review").count() == 1
    contrary = {"decision": "reject", "reason": "no"}
    assert decide(client, moderator, item["id"], contrary).status_code == 409


@pytest.mark.parametrize(
    ("item_id", "body", "status"),
    [
        ("not-an-id", {"decision": "approve", "reason": "ok"}, 404),
        ("0" * 24, {"decision": "approve", "reason": "ok"}, 404),
        (None, {"decision": "maybe", "reason": "ok"}, 422),
        (None, {"decision": "approve"}, 422),
        (None, {"decision": "approve", "reason": "   "}, 422),
        (None, {"decision": "approve", "reason": "ok", "state": "approved"}, 422),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(
    client, moderator, pending, item_id, body, status
):
    [item] = queue(client, moderator)["items"]
    response = decide(client, moderator, item_id or item["id"], body)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert queue(client, moderator)["items"] == [item]


def test_an_invalid_cursor_is_a_400(client, moderator):
    response = client.get(f"{API}/moderation/queue?cursor=zzz", headers=moderator.headers)
    assert response.status_code == 400


def test_the_queue_pages_oldest_first(client, moderator, auth, monkeypatch):
    members = [auth.signup() for _ in range(3)]
    for member in members:
        assert upload(client, member, BORDERLINE).status_code == 200
    monkeypatch.setattr(moderation, "QUEUE_PAGE", 2)
    first = queue(client, moderator)
    second = queue(client, moderator, f"?cursor={first['next_cursor']}")
    handles = [item["user"]["handle"] for item in first["items"] + second["items"]]
    assert handles == [m.user["handle"] for m in members] and second["next_cursor"] is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/moderation/queue"),
        ("post", "/moderation/items/0123456789abcdef01234567/decision"),
        ("get", "/moderation/items/0123456789abcdef01234567/image"),
    ],
)
def test_only_moderators_and_admins_get_in(app, client, auth, method, path):
    body = {"decision": "approve", "reason": "ok"} if method == "post" else None
    call = getattr(client, method)
    assert call(f"{API}{path}", json=body).status_code == 401
    assert call(f"{API}{path}", json=body, headers=auth.signup().headers).status_code == 403
    admin = with_role(app, auth, "admin")
    assert call(f"{API}{path}", json=body, headers=admin.headers).status_code in (200, 404)
