"""MongoDB connection (mongoengine) and start-up index creation.

With no MONGO_URI the app runs on mongomock: an in-memory store that forgets everything when
the process ends, which is logged loudly. mongomock is the `memory` extra, imported only then:
the production image does not carry it. Any MongoDB-wire server works otherwise (MongoDB,
a replica set, FerretDB): no transactions, no collation, normalised keys instead.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterable

from flask import Flask
from mongoengine import Document, connect, disconnect
from mongoengine.connection import get_db
from pymongo.errors import OperationFailure, PyMongoError

from portrait.config import ConfigError

log = logging.getLogger(__name__)

SERVER_SELECTION_TIMEOUT_MS = 3000
INDEXES_READY = "portrait.indexes_ready"
DOCUMENTS = "portrait.documents"
EMBEDDED_LOCK = "portrait.embedded_lock"
UNSUPPORTED_CODES = {115, 238}  # CommandNotSupported, NotImplemented


def init_app(app: Flask, *, documents: Iterable[type[Document]]) -> None:
    """Connects the default mongoengine alias for this app and creates the indexes that
    `documents` declare."""
    uri = app.config["MONGO_URI"]
    disconnect()  # a previous app in this process (tests) may still hold the alias
    common = {"db": app.config["MONGO_DB"], "uuidRepresentation": "standard", "tz_aware": True}
    if uri:
        if "serverselectiontimeoutms" not in uri.lower():  # fail fast (503), unless told
            common["serverSelectionTimeoutMS"] = SERVER_SELECTION_TIMEOUT_MS
        connect(host=uri, **common)
        log.info("using MongoDB database %r", get_db().name)
    else:
        if not app.testing:
            log.warning(
                "MONGO_URI is not set: using the embedded in-memory store (mongomock). "
                "Data is NOT persistent and is lost when the process stops."
            )
        connect(host="mongodb://localhost", mongo_client_class=_memory_client(), **common)
        app.extensions[EMBEDDED_LOCK] = threading.RLock()  # see serialize_requests
    app.extensions[DOCUMENTS] = tuple(documents)
    app.extensions[INDEXES_READY] = False
    ensure_indexes(app)


def _memory_client() -> type:
    try:
        import mongomock
    except ImportError as exc:
        raise ConfigError(
            "MONGO_URI is not set and the in-memory store is not installed (mongomock, the "
            "`memory` extra of backend/pyproject.toml): set MONGO_URI"
        ) from exc
    return mongomock.MongoClient


def serialize_requests(app: Flask) -> None:
    """mongomock is not thread-safe (plain dicts and lists; unique indexes checked, then
    written, with no lock), but `python -m portrait` runs Werkzeug's threaded server. So the
    embedded run serves one request at a time under the store's lock: plenty for development,
    and a slow request (a model call) only delays the others. Not done in create_app: tests
    race requests on purpose, and a real MongoDB needs no lock."""
    lock = app.extensions[EMBEDDED_LOCK]
    inner = app.wsgi_app

    def serialized(environ, start_response):
        # The whole request, teardown included, happens inside this call; only the sending
        # of the response body (files, JSON already built) runs after it.
        with lock:
            return inner(environ, start_response)

    app.wsgi_app = serialized


def embedded_lock(app: Flask) -> contextlib.AbstractContextManager:
    """The embedded store's lock, for work outside requests (background passes); a no-op
    on a real MongoDB."""
    return app.extensions.get(EMBEDDED_LOCK) or contextlib.nullcontext()


def ensure_indexes(app: Flask) -> bool:
    """Creates the declared indexes (idempotent). A down database is retried by /readyz."""
    if app.extensions.get(INDEXES_READY):
        return True
    try:
        for document in app.extensions[DOCUMENTS]:
            _create_indexes(document)
    except PyMongoError as exc:
        log.error("could not create indexes yet (database unreachable?): %s", exc)
        return False
    app.extensions[INDEXES_READY] = True
    return True


def _create_indexes(document: type[Document]) -> None:
    collection = document._get_collection()
    for spec in document._meta.get("index_specs", []):
        options = {key: value for key, value in spec.items() if key != "fields"}
        try:
            collection.create_index(spec["fields"], **options)
        except OperationFailure as exc:
            if "expireAfterSeconds" not in options or exc.code not in UNSUPPORTED_CODES:
                raise
            # Some MongoDB-wire servers (FerretDB 1.x) have no TTL indexes. Expiry is checked
            # in code anyway; without TTL, expired documents are purged by the services.
            log.warning("%s: server has no TTL indexes; using a plain index", document.__name__)
            options.pop("expireAfterSeconds")
            collection.create_index(spec["fields"], **options)


def ping() -> None:
    """Raises a PyMongoError when the database does not answer."""
    get_db().command("ping")


def close() -> None:
    disconnect()
