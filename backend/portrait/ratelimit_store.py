"""Rate-limit counters in MongoDB that every gunicorn worker and replica shares.

`limits`' own MongoDB storage updates its counters with aggregation pipelines and needs TTL
indexes, which FerretDB 1.x (our real test server) does not implement, so signup and login
failed with 500 there. This fixed-window storage uses only `$inc`, conditional updates and
a unique `_id`, which every MongoDB-wire server has. Select it with a `portrait+` prefix on
the MongoDB URI (`portrait+mongodb://host/db`); the config does that by default.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from limits.storage import Storage
from pymongo import MongoClient, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, OperationFailure, PyMongoError

PREFIX = "portrait+"
COLLECTION = "rate_limits"
UNSUPPORTED = {115, 238}  # CommandNotSupported, NotImplemented


class MongoCounterStorage(Storage):
    STORAGE_SCHEME = [PREFIX + "mongodb", PREFIX + "mongodb+srv"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._uri = uri.removeprefix(PREFIX)
        self._options = {"serverSelectionTimeoutMS": 3000, **options, "tz_aware": True}
        self._collection: Collection | None = None
        self._lock = threading.Lock()

    @property
    def base_exceptions(self) -> type[Exception]:
        return PyMongoError

    @property
    def counters(self) -> Collection:
        # Connected lazily, after gunicorn forked the worker (pymongo is not fork-safe).
        with self._lock:
            if self._collection is None:
                client = MongoClient(self._uri, **self._options)
                collection = client.get_default_database("portrait")[COLLECTION]
                try:  # a convenience only: expired windows are reset in incr() anyway
                    collection.create_index("expireAt", expireAfterSeconds=0)
                except OperationFailure as exc:
                    if exc.code not in UNSUPPORTED:
                        raise
                self._collection = collection
            return self._collection

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = datetime.now(UTC)
        for _ in range(3):  # a lost race to create the window just means: add to it
            live = self.counters.find_one_and_update(
                {"_id": key, "expireAt": {"$gt": now}},
                {"$inc": {"count": amount}},
                return_document=ReturnDocument.AFTER,
            )
            if live:
                return int(live["count"])
            window = {"count": amount, "expireAt": now + timedelta(seconds=expiry)}
            if self.counters.find_one_and_update(
                {"_id": key, "expireAt": {"$lte": now}}, {"$set": window}
            ):
                return amount
            try:
                self.counters.insert_one({"_id": key, **window})
                return amount
            except DuplicateKeyError:
                continue
        raise RuntimeError(f"rate-limit window {key!r} kept changing under us")

    def get(self, key: str) -> int:
        doc = self.counters.find_one({"_id": key, "expireAt": {"$gt": datetime.now(UTC)}})
        return int(doc["count"]) if doc else 0

    def get_expiry(self, key: str) -> float:
        doc = self.counters.find_one({"_id": key})
        return (doc["expireAt"] if doc else datetime.now(UTC)).timestamp()

    def check(self) -> bool:
        try:
            self.counters.database.command("ping")
        except PyMongoError:
            return False
        return True

    def reset(self) -> int | None:
        return self.counters.delete_many({}).deleted_count

    def clear(self, key: str) -> None:
        self.counters.delete_one({"_id": key})

    def close(self) -> None:
        with self._lock:
            if self._collection is not None:
                self._collection.database.client.close()
                self._collection = None
