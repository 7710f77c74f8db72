"""The media store contract, for every implementation (memory, mongomock, real server)."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta

import mongomock
import pymongo
import pytest

from portrait.imaging import media_key, sha256_hex
from portrait.storage import MediaItem, MemoryMediaStore, MongoMediaStore, StorageError


def item(owner: str = "u1", data: bytes = b"webp-bytes", **fields) -> MediaItem:
    return MediaItem(
        key=media_key(owner, data, "webp"),
        owner=owner,
        kind=fields.pop("kind", "variant"),
        content_type="image/webp",
        data=data,
        sha256=sha256_hex(data),
        **fields,
    )


REAL_SERVER = os.environ.get("PORTRAIT_TEST_MONGO_URI")


def _real_server_store(uri: str):
    client = pymongo.MongoClient(uri, serverSelectionTimeoutMS=3000, tz_aware=True)
    name = f"portrait_test_{uuid.uuid4().hex[:8]}"
    return client, name, MongoMediaStore(lambda: client[name]["media"])


# The real-server variant exists when ./scripts/test (or you) point PORTRAIT_TEST_MONGO_URI at
# a MongoDB-wire server.
@pytest.fixture(params=["memory", "mongomock"] + (["mongodb"] if REAL_SERVER else []))
def store(request):
    if request.param == "memory":
        yield MemoryMediaStore()
        return
    if request.param == "mongomock":
        client = mongomock.MongoClient(tz_aware=True)
        yield MongoMediaStore(lambda: client["portrait"]["media"])
        return
    client, name, mongo_store = _real_server_store(REAL_SERVER)
    yield mongo_store
    client.drop_database(name)
    client.close()


def test_put_then_get_returns_the_same_bytes_and_metadata(store):
    original = item(data=b"\x00\x01binary\xff\x00")
    store.put(original)
    loaded = store.get(original.key)
    assert loaded is not None
    assert (loaded.data, loaded.sha256, loaded.size) == (original.data, original.sha256, 10)
    assert (loaded.owner, loaded.kind, loaded.content_type) == ("u1", "variant", "image/webp")
    assert store.exists(original.key)


def test_put_is_idempotent_for_a_content_addressed_key(store):
    first = item()
    store.put(first)
    store.put(item())
    assert store.keys_owned_by("u1") == {first.key}


def test_unknown_keys_are_absent_and_deleting_them_is_harmless(store):
    assert store.get("0" * 64 + ".webp") is None
    assert not store.exists("0" * 64 + ".webp")
    kept = item()
    store.put(kept)
    store.delete(["0" * 64 + ".webp"])
    store.delete([])
    assert store.exists(kept.key)


def test_delete_removes_only_the_given_keys(store):
    a, b, c = item(data=b"a"), item(data=b"b"), item(owner="u2", data=b"a")
    for each in (a, b, c):
        store.put(each)
    store.delete([a.key, c.key])
    assert not store.exists(a.key) and not store.exists(c.key)
    assert store.exists(b.key)


def test_keys_owned_by_filters_by_owner_and_age(store):
    now = datetime.now(UTC)
    old = item(data=b"old", created_at=now - timedelta(hours=1))
    new = item(data=b"new", created_at=now)
    other = item(owner="u2", data=b"old", created_at=now - timedelta(hours=1))
    for each in (old, new, other):
        store.put(each)
    assert store.keys_owned_by("u1") == {old.key, new.key}
    assert store.keys_owned_by("u1", created_before=now - timedelta(minutes=5)) == {old.key}


def test_owners_are_those_with_items_older_than_a_time(store):
    now = datetime.now(UTC)
    store.put(item(owner="u1", data=b"old", created_at=now - timedelta(hours=1)))
    store.put(item(owner="u2", data=b"new", created_at=now))
    store.put(item(owner="u3", data=b"a", created_at=now - timedelta(hours=2)))
    store.put(item(owner="u3", data=b"b", created_at=now - timedelta(hours=2)))
    assert store.owners(created_before=now - timedelta(minutes=5)) == {"u1", "u3"}
    assert store.owners(created_before=now - timedelta(days=1)) == set()


def test_a_down_database_raises_storage_error():
    client = pymongo.MongoClient("mongodb://127.0.0.1:9", serverSelectionTimeoutMS=50)
    store = MongoMediaStore(lambda: client["portrait"]["media"])
    try:
        for operation in (
            lambda: store.put(item()),
            lambda: store.get("k"),
            lambda: store.delete(["k"]),
        ):
            with pytest.raises(StorageError):
                operation()
    finally:
        client.close()


def test_a_users_avatar_keeps_the_stored_shape_of_the_generic_field(app):
    """User.avatar is a typed Avatar now; documents written by the generic field it was (with
    `_cls`) still load, and new writes store exactly that shape."""
    from mongoengine import GenericEmbeddedDocumentField

    from portrait.models import User
    from portrait.models.media import Avatar
    from portrait.services.accounts import create_user

    avatar = Avatar(
        rev="r1",
        master_key="m" * 64 + ".jpg",
        master_width=640,
        master_height=480,
        variants={"512": "v" * 64 + ".webp"},
        crop={"x": 0, "y": 0, "width": 480, "height": 480},
        moderation={"model": "nudity-detection", "explicit": False},
    )
    old_shape = dict(GenericEmbeddedDocumentField().to_mongo(avatar))
    with app.app_context():
        user = create_user(
            email="a@example.com", password="pw-123456", handle="ada", display_name="Ada"
        )
        User.objects(id=user.id).update_one(__raw__={"$set": {"avatar": old_shape}})
        loaded = User.objects(id=user.id).get().avatar
        assert isinstance(loaded, Avatar) and loaded.media_keys() == avatar.media_keys()
        User.objects(id=user.id).update_one(set__avatar=None)
        user = User.objects(id=user.id).get()
        user.avatar = avatar
        user.save()
        stored = User._get_collection().find_one({"_id": user.id})["avatar"]
    assert stored["_cls"] == "Avatar"
    assert {k: v for k, v in stored.items() if k != "updated_at"} == {
        k: v for k, v in old_shape.items() if k != "updated_at"
    }
