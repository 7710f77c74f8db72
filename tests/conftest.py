"""Shared fixtures: `app`, `client`, `auth` (+ `make_app` for per-test configuration).

The store is mongomock unless PORTRAIT_TEST_MONGO_URI names a real MongoDB-wire server; then
every app gets a fresh database, dropped after the test. A
database named in that URI only serves as the prefix of those per-test names.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from pymongo import MongoClient
from pymongo.uri_parser import parse_uri

from portrait import create_app, db
from tests.utils.auth import Account, AuthActions

# The model-service fixtures (real and fake) that the avatar, hostile and fault suites share.
pytest_plugins = ["tests.utils.avatar_fixtures", "tests.utils.mail_fixtures"]


def _split_test_uri(uri: str | None) -> tuple[str | None, str]:
    """(URI without its database, database-name prefix)."""
    if not uri:
        return None, "portrait_test"
    prefix = parse_uri(uri)["database"] or "portrait_test"
    return urlsplit(uri)._replace(path="/").geturl(), prefix


TEST_MONGO_URI, DB_PREFIX = _split_test_uri(os.environ.get("PORTRAIT_TEST_MONGO_URI"))
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"

# argon2id with the smallest legal cost keeps the suite fast; the algorithm is the same.
FAST_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8, "ARGON2_PARALLELISM": 1}
# Generous limits so that only the tests about rate limiting meet them.
LOOSE_LIMITS = {
    "RATELIMIT_SIGNUP": "10000 per minute",
    "RATELIMIT_LOGIN": "10000 per minute",
    "RATELIMIT_REFRESH": "10000 per minute",
    "RATELIMIT_AVATAR": "10000 per minute",
    "MODELS_TRY_RATE_LIMIT": "10000 per minute",
    "MODELS_CATALOG_RATE_LIMIT": "10000 per minute",
    "LOGIN_DELAY_AFTER": 10000,
    "RATELIMIT_MAIL": "10000 per minute",
    "RATELIMIT_MAIL_IP": "10000 per minute",
}


def test_config(db_name: str) -> dict[str, Any]:
    config: dict[str, Any] = {
        "PORTRAIT_ENV": "testing",
        "SECRET_KEY": TEST_SECRET,
        "MONGO_URI": TEST_MONGO_URI,
        "MONGO_DB": db_name,
        "WEB_DIST": os.path.join(os.sep, "nonexistent", "web-dist"),
        "RATELIMIT_STORAGE_URI": "memory://",
        **FAST_ARGON2,
        **LOOSE_LIMITS,
    }
    return config


test_config.__test__ = False  # not a test, despite the name


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """`make_app(**overrides)` builds an app on a fresh database; the newest one is live."""
    names: list[str] = []

    def factory(**overrides: Any) -> Flask:
        names.append(f"{DB_PREFIX}_{uuid.uuid4().hex[:12]}")
        return create_app({**test_config(names[-1]), **overrides})

    yield factory
    db.close()
    if TEST_MONGO_URI:
        with MongoClient(TEST_MONGO_URI) as client:
            for name in names:
                client.drop_database(name)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def account(auth: AuthActions) -> Account:
    """A signed-up user with fresh tokens."""
    return auth.signup()
