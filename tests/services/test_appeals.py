"""Appeals: a refused picture is kept only if its owner asks a person to look, and only
until a moderator decides (or MODERATION_APPEAL_DAYS pass); an approval publishes it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portrait.models.moderation import HeldRefusal, ModerationItem
from portrait.models.user import utcnow
from tests.services.test_avatar_review import own_avatar, public_avatar
from tests.services.test_moderation_queue import decide, queue
from tests.utils.auth import with_role
from tests.utils.avatar import API, upload
from tests.utils.marker_models import MAGENTA, marked_photo

REFUSED = marked_photo((640, 480), (0, 0, 640, 480), MAGENTA)


@pytest.fixture
def app(make_app, marker_models):
    return make_app(**marker_models.settings)


@pytest.fixture
def moderator(app, auth):
    return with_role(app, auth, "moderator")


def send_appeal(client, account, body=None):
    return client.post(f"{API}/me/avatar/appeal", headers=account.headers, json=body or {})


@pytest.fixture
def refused(client, account):
    response = upload(client, account, REFUSED)
    assert response.status_code == 422
    return response.get_json()


def test_a_refusal_offers_an_appeal_and_holds_the_picture_briefly(refused, account):
    assert refused["appeal"]["url"] == f"{API}/me/avatar/appeal"
    [held] = HeldRefusal.objects
    assert held.id == account.user["id"]
    assert held.expires_at <= utcnow() + timedelta(minutes=15)


def test_an_appeal_queues_the_picture_for_moderators_only(client, account, refused, moderator):
    response = send_appeal(client, account, {"note": "  It is a costume.  "})
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["state"] == "open"
    assert HeldRefusal.objects.count() == 0
    [item] = queue(client, moderator, "?kind=appeal")["items"]
    assert item["note"] == "It is a costume."
    assert item["labels"] == [{"label": "FEMALE_BREAST_EXPOSED", "score": 0.9}]
    image = client.get(item["image_url"], headers=moderator.headers)
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"] == "private, no-store"
    assert client.get(item["image_url"], headers=account.headers).status_code == 403
    assert send_appeal(client, account).status_code == 404  # nothing left to appeal


def test_an_approved_appeal_publishes_the_framed_picture(client, account, refused, moderator):
    item_id = send_appeal(client, account).get_json()["id"]
    body = {"decision": "approve", "reason": "A costume, fine."}
    assert decide(client, moderator, item_id, body).status_code == 200
    mine = own_avatar(client, account)
    assert mine["review"] == {"state": "approved", "reason": "A costume, fine."}
    assert mine["crop"] == {"x": 80, "y": 0, "width": 480, "height": 480}  # the model framed it
    assert public_avatar(client, account)["urls"] == mine["urls"]
    assert ModerationItem.objects.get(id=item_id).image is None  # deleted after the decision
    image = client.get(f"{API}/moderation/items/{item_id}/image", headers=moderator.headers)
    assert image.status_code == 404


def test_a_rejected_appeal_deletes_the_picture(client, account, refused, moderator):
    item_id = send_appeal(client, account).get_json()["id"]
    body = {"decision": "reject", "reason": "No."}
    assert decide(client, moderator, item_id, body).status_code == 200
    assert own_avatar(client, account) is None
    assert ModerationItem.objects.get(id=item_id).image is None


def test_without_a_refusal_there_is_nothing_to_appeal(client, account):
    response = send_appeal(client, account)
    assert response.status_code == 404
    assert response.get_json()["type"].endswith("nothing-to-appeal")


def test_a_held_picture_expires_unappealed(client, account, refused):
    HeldRefusal.objects.update(set__expires_at=utcnow() - timedelta(seconds=1))
    assert send_appeal(client, account).status_code == 404
    assert ModerationItem.objects.count() == 0


def test_an_appeal_refuses_unknown_fields(client, account, refused):
    assert send_appeal(client, account, {"note": "x", "approve": True}).status_code == 422
    assert HeldRefusal.objects.count() == 1


def test_undecided_appeals_expire_with_their_pictures(app, client, account, refused, moderator):
    item_id = send_appeal(client, account).get_json()["id"]
    days = app.config["MODERATION_APPEAL_DAYS"]
    ModerationItem.objects(id=item_id).update(set__created_at=utcnow() - timedelta(days=days + 1))
    assert queue(client, moderator)["items"] == []
    item = ModerationItem.objects.get(id=item_id)
    assert item.state == "expired" and item.image is None
