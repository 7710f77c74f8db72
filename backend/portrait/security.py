"""Password hashing (argon2id) and the JWT callbacks that tie tokens to live sessions."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_jwt_extended import JWTManager

from portrait.errors import problem_response

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


def _unauthorized(detail: str):
    return problem_response(
        401,
        "Unauthorized",
        detail,
        type_suffix="unauthorized",
        headers={"WWW-Authenticate": "Bearer"},
    )


def init_jwt(jwt: JWTManager) -> None:
    """Every token names its session (`sid`); a token whose session is revoked, expired or
    gone (logout, password change, deleted account, refresh reuse) is refused."""
    from portrait.models import User
    from portrait.services import sessions

    @jwt.token_in_blocklist_loader
    def _session_revoked(_header: dict, payload: dict[str, Any]) -> bool:
        sid = payload.get("sid")
        return sid is None or not sessions.is_active(sid=sid)

    @jwt.user_lookup_loader
    def _load_user(_header: dict, payload: dict[str, Any]) -> User | None:
        return User.objects(id=payload["sub"]).first()

    jwt.user_lookup_error_loader(lambda _h, _p: _unauthorized("The account no longer exists."))
    jwt.revoked_token_loader(lambda _h, _p: _unauthorized("The session has ended; log in again."))
    jwt.expired_token_loader(lambda _h, _p: _unauthorized("The token has expired."))
    jwt.invalid_token_loader(lambda reason: _unauthorized(f"Invalid token: {reason}."))
    jwt.unauthorized_loader(lambda reason: _unauthorized(reason))
    jwt.needs_fresh_token_loader(lambda _h, _p: _unauthorized("A fresh login is required."))
    jwt.token_verification_failed_loader(lambda _h, _p: _unauthorized("Token rejected."))
