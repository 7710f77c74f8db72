"""Password hashing (argon2id); the JWT session callbacks live in portrait.services.sessions."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_DUMMY_HASHES = "portrait.dummy_hash"


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches. With no hash (unknown account) a dummy hash is still
    verified so the response time does not reveal which emails have accounts."""
    hasher = password_hasher()
    if password_hash is None:
        password_hash = current_app.extensions.get(_DUMMY_HASHES)
        if password_hash is None:
            password_hash = current_app.extensions[_DUMMY_HASHES] = hasher.hash("dummy-password")
        _verify(hasher, password_hash, password)
        return False
    return _verify(hasher, password_hash, password)


def _verify(hasher: PasswordHasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash was made with other parameters than the configured ones."""
    return password_hasher().check_needs_rehash(password_hash)
