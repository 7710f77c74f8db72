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
