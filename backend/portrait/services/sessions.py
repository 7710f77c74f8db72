"""Refresh sessions: issue token pairs, rotate them, detect reuse, revoke; and the JWT
callbacks that tie every token to a live session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token, get_jti

from portrait.errors import Unauthorized, handle_portrait_error
from portrait.models import RefreshSession, User


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives


def _now() -> datetime:
    return datetime.now(UTC)


def _issue(*, user_id: str, sid: uuid.UUID) -> tuple[TokenPair, str]:
    claims = {"sid": str(sid)}
    access = create_access_token(identity=user_id, additional_claims=claims)
    refresh = create_refresh_token(identity=user_id, additional_claims=claims)
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return TokenPair(access, refresh, int(lifetime.total_seconds())), get_jti(refresh)


def _expiry() -> datetime:
    return _now() + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]


def start_session(*, user: User, user_agent: str = "") -> TokenPair:
    """Opens a new session family for `user` (sign-up, login)."""
    # Servers without TTL indexes never delete expired sessions; bound them per user here.
    RefreshSession.objects(user_id=user.id, expires_at__lt=_now()).delete()
    sid = uuid.uuid4()
    pair, jti = _issue(user_id=str(user.id), sid=sid)
    RefreshSession(
        id=sid,
        user_id=user.id,
        current_jti=jti,
        user_agent=user_agent[:200],
        expires_at=_expiry(),
    ).save(force_insert=True)
    return pair


def rotate_session(*, sid: str, jti: str, user_id: str) -> TokenPair:
    """Spends refresh token `jti` and returns a new pair. The compare-and-set on
    `current_jti` makes two concurrent uses of one token impossible: the loser is a reuse."""
    session_id = uuid.UUID(sid)
    pair, new_jti = _issue(user_id=user_id, sid=session_id)
    now = _now()
    rotated = RefreshSession.objects(
        id=session_id, current_jti=jti, revoked_at=None, expires_at__gt=now
    ).update_one(set__current_jti=new_jti, set__last_used_at=now, set__expires_at=_expiry())
    if rotated:
        return pair
    if is_active(sid=sid):
        # The session lives but this token was already spent: someone holds a copy.
        revoke_session(sid=sid, reason="refresh-token-reuse")
        raise Unauthorized(
            "This refresh token was already used; the session has been revoked. Log in again.",
            type_suffix="refresh-token-reused",
        )
    raise Unauthorized("The session has ended; log in again.")


def is_active(*, sid: str) -> bool:
    try:
        session_id = uuid.UUID(sid)
    except ValueError:
        return False
    return bool(RefreshSession.objects(id=session_id, revoked_at=None, expires_at__gt=_now()))


def revoke_session(*, sid: str, reason: str) -> None:
    RefreshSession.objects(id=uuid.UUID(sid), revoked_at=None).update_one(
        set__revoked_at=_now(), set__revoked_reason=reason
    )


def revoke_user_sessions(*, user_id, reason: str, keep_sid: str | None = None) -> int:
    """Revokes every session of a user except `keep_sid`; returns how many."""
    query = RefreshSession.objects(user_id=user_id, revoked_at=None)
    if keep_sid:
        query = query.filter(id__ne=uuid.UUID(keep_sid))
    return query.update(set__revoked_at=_now(), set__revoked_reason=reason)


def delete_user_sessions(*, user_id) -> None:
    RefreshSession.objects(user_id=user_id).delete()


def _unauthorized(detail: str) -> Response:
    return handle_portrait_error(Unauthorized(detail))


def init_jwt(jwt: JWTManager) -> None:
    """Every token names its session (`sid`); a token whose session is revoked, expired or
    gone (logout, password change, deleted account, refresh reuse) is refused."""

    @jwt.token_in_blocklist_loader
    def _session_revoked(_header: dict, payload: dict[str, Any]) -> bool:
        sid = payload.get("sid")
        return sid is None or not is_active(sid=sid)

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
