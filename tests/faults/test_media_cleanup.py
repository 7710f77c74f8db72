"""The orphan-media cleanup pass (portrait/services/media_cleanup.py) on its own: it removes
old unreferenced media of every owner, and nothing that an avatar uses or an upload in
flight may still commit."""

from __future__ import annotations

from datetime import timedelta

from portrait.models.media import Media
from portrait.models.user import utcnow
from portrait.services.avatar_commit import SWEEP_GRACE
from portrait.services.media_cleanup import sweep_orphans
from tests.utils.auth import AuthActions
from tests.utils.avatar import clean_answer, upload
from tests.utils.images import encode, photo


def plant(owner: str, name: str, age: timedelta) -> str:
    key = name * 64 + ".webp"
    Media._get_collection().insert_one(
        {"_id": key, "owner": owner, "kind": "variant", "data": b"x", "created_at": utcnow() - age}
    )
    return key


def media_keys() -> set[str]:
    return {doc["_id"] for doc in Media._get_collection().find({}, {"_id": 1})}


def test_the_pass_removes_old_orphans_and_keeps_avatars_and_young_media(make_app, canned_models):
    app = make_app(MODELS_URL=canned_models(200, clean_answer(640, 480)))
    client = app.test_client()
    account = AuthActions(client).signup()
    assert upload(client, account, encode(photo((640, 480)), "JPEG")).status_code == 200
    in_use = media_keys()
    owner, old = account.user["id"], SWEEP_GRACE + timedelta(minutes=1)
    orphan = plant(owner, "a", old)
    ghost = plant("not-an-object-id", "b", old)
    gone_user = plant("6b0000000000000000000000", "c", old)
    young = plant(owner, "d", timedelta(seconds=1))

    with app.app_context():
        assert sweep_orphans() == 3  # owners with media older than the grace period

    assert media_keys() == in_use | {young}
    assert {orphan, ghost, gone_user}.isdisjoint(media_keys())
    with app.app_context():
        sweep_orphans()  # idempotent
    assert media_keys() == in_use | {young}
