"""The short-lived token between a right password and the second factor. Signed with its own
key (derived from SECRET_KEY), so it is never an access or refresh token, and neither of those
is ever one of these; it starts no session and carries only the account and its purpose."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import jwt
from bson import ObjectId
from bson.errors import InvalidId
from flask import current_app

from portrait.errors import Unauthorized
from portrait.models import User
from portrait.models.base import utcnow

PURPOSE = "mfa"
LIFETIME = timedelta(minutes=5)


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"portrait mfa token", hashlib.sha256).digest()


def issue(user: User) -> str:
    now = utcnow()
    claims = {"sub": str(user.id), "purpose": PURPOSE, "iat": now, "exp": now + LIFETIME}
    return jwt.encode(claims, _key(), algorithm="HS256")


def invalid() -> Unauthorized:
    return Unauthorized(
        "This sign-in step expired or is not valid; log in with your password again.",
        type_suffix="invalid-mfa-token",
    )


def read(token: str) -> User:
    """The account waiting for its second factor, or 401."""
    try:
        claims = jwt.decode(token, _key(), algorithms=["HS256"], options={"require": ["exp"]})
        user_id = ObjectId(claims["sub"])
    except (jwt.PyJWTError, KeyError, TypeError, InvalidId) as exc:
        raise invalid() from exc
    if claims.get("purpose") != PURPOSE:
        raise invalid()
    user = User.objects(id=user_id, deleted_at=None).first()
    if user is None or not user.totp_enabled:
        raise invalid()
    return user


def peek(token: object) -> User | None:
    """For the rate limiter's key: the account, or None when the token is not valid."""
    try:
        return read(token) if isinstance(token, str) else None
    except Unauthorized:
        return None
