"""MediaStore on the `media` collection (see portrait.models.media for why not GridFS)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from bson import Binary
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

from portrait.models.media import Media
from portrait.storage.base import MediaItem, StorageError


class MongoMediaStore:
    """Each call resolves the collection afresh, so the store follows the app's connection."""

    def __init__(self, collection: Callable[[], Collection] | None = None) -> None:
        self._collection = collection or Media._get_collection

    def put(self, item: MediaItem) -> None:
        document = {
            "owner": item.owner,
            "kind": item.kind,
            "content_type": item.content_type,
            "size": item.size,
            "sha256": item.sha256,
            "data": Binary(item.data),
            "created_at": item.created_at,
        }
        # $setOnInsert: the key is content-addressed, so an existing document already holds
        # these exact bytes; an upsert makes retries and duplicate uploads idempotent.
        self._run(
            lambda c: c.update_one({"_id": item.key}, {"$setOnInsert": document}, upsert=True)
        )

    def get(self, key: str) -> MediaItem | None:
        document = self._run(lambda c: c.find_one({"_id": key}))
        if document is None:
            return None
        return MediaItem(
            key=document["_id"],
            owner=document["owner"],
            kind=document["kind"],
            content_type=document["content_type"],
            data=bytes(document["data"]),
            sha256=document["sha256"],
            created_at=document["created_at"],
        )

    def exists(self, key: str) -> bool:
        return self._run(lambda c: c.count_documents({"_id": key}, limit=1)) > 0

    def delete(self, keys: Iterable[str]) -> None:
        keys = sorted(set(keys))
        if keys:
            self._run(lambda c: c.delete_many({"_id": {"$in": keys}}))

    def keys_owned_by(self, owner: str, *, created_before: datetime | None = None) -> set[str]:
        query: dict[str, Any] = {"owner": owner}
        if created_before is not None:
            query["created_at"] = {"$lt": created_before}
        return self._run(lambda c: {d["_id"] for d in c.find(query, {"_id": 1})})

    def owners(self, *, created_before: datetime) -> set[str]:
        return set(
            self._run(lambda c: c.distinct("owner", {"created_at": {"$lt": created_before}}))
        )

    def release(self, keys: Iterable[str]) -> None:
        keys = sorted(set(keys))
        if keys:
            held = {"_id": {"$in": keys}, "kind": "held"}
            self._run(lambda c: c.update_many(held, {"$set": {"kind": "variant"}}))

    def _run(self, operation: Callable[[Collection], Any]) -> Any:
        try:
            return operation(self._collection())
        except PyMongoError as exc:
            raise StorageError(f"media store unavailable: {exc}") from exc
