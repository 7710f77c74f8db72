"""Refresh sessions: issue token pairs, rotate them, detect reuse, revoke; and the JWT
callbacks that tie every token to a live session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from flask import Request, Response, current_app
from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token, get_jti

from portrait.errors import NotFound, Unauthorized, handle_portrait_error
from portrait.models import RefreshSession, User
from portrait.services import security_log


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """Stored times come back aware from MongoDB, naive (but UTC) from mongomock."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _issue(*, user_id: str, sid: uuid.UUID, jti: str | None = None) -> tuple[TokenPair, str]:
    """A new pair; with `jti`, the refresh token is the one already issued under that id."""
    claims = {"sid": str(sid)}
    access = create_access_token(identity=user_id, additional_claims=claims)
    refresh_claims = {**claims, "jti": jti} if jti else claims
    refresh = create_refresh_token(identity=user_id, additional_claims=refresh_claims)
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    return TokenPair(access, refresh, int(lifetime.total_seconds())), get_jti(refresh)


def _expiry(ends_at: datetime | None) -> datetime:
    """A refresh extends the session, never past its absolute end (SESSION_MAX_AGE)."""
    expiry = _now() + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    return min(expiry, _aware(ends_at)) if ends_at else expiry


def start_session(*, user: User, user_agent: str = "", ip: str = "") -> TokenPair:
    """Opens a new session family for `user` (sign-up, login)."""
    # Servers without TTL indexes never delete expired sessions; bound them per user here.
    RefreshSession.objects(user_id=user.id, expires_at__lt=_now()).delete()
    sid = uuid.uuid4()
    pair, jti = _issue(user_id=str(user.id), sid=sid)
    ends_at = _now() + timedelta(seconds=current_app.config["SESSION_MAX_AGE"])
    RefreshSession(
        id=sid,
        user_id=user.id,
        current_jti=jti,
        user_agent=user_agent[:200],
        ip=ip,
        expires_at=_expiry(ends_at),
        ends_at=ends_at,
    ).save(force_insert=True)
    return pair


def rotate_session(
    *, sid: str, jti: str, user_id: str, request: Request | None = None
) -> TokenPair:
    """Spends refresh token `jti` and returns a new pair. The compare-and-set on
    `current_jti` makes two concurrent uses of one token impossible: the loser is a reuse,
    forgiven only within the grace window (`_grace_pair`)."""
    session_id = uuid.UUID(sid)
    now = _now()
    session = RefreshSession.objects(id=session_id, revoked_at=None, expires_at__gt=now).first()
    if session is None:
        raise Unauthorized("The session has ended; log in again.")
    pair, new_jti = _issue(user_id=user_id, sid=session_id)
    user_agent, ip = _client(request)
    rotated = RefreshSession.objects(
        id=session_id, current_jti=jti, revoked_at=None, expires_at__gt=now
    ).update_one(
        set__current_jti=new_jti,
        set__previous_jti=jti,
        set__rotated_at=now,
        set__last_used_at=now,
        set__ip=ip,
        set__expires_at=_expiry(session.ends_at),
    )
    if rotated:
        return pair
    session.reload()
    if session.revoked_at is None and _within_grace(session, jti=jti, user_agent=user_agent):
        return _issue(user_id=user_id, sid=session_id, jti=session.current_jti)[0]
    # The session lives but this token was already spent: someone holds a copy.
    revoke_session(sid=sid, reason="refresh-token-reuse")
    security_log.record(session.user_id, "refresh-reuse", request, session=sid)
    raise RefreshReused()


def _within_grace(session: RefreshSession, *, jti: str, user_agent: str) -> bool:
    """Two tabs restoring at once spend the same token: the one just spent, from the same
    client, within REFRESH_REUSE_GRACE seconds. Anything older or elsewhere is a copy."""
    if session.previous_jti != jti or session.rotated_at is None:
        return False
    grace = timedelta(seconds=current_app.config["REFRESH_REUSE_GRACE"])
    return _now() - _aware(session.rotated_at) <= grace and user_agent[:200] == session.user_agent


class RefreshReused(Unauthorized):
    """A spent refresh token came back: the session is revoked (the security log says so)."""

    def __init__(self) -> None:
        super().__init__(
            "This refresh token was already used; the session has been revoked. Log in again.",
            type_suffix="refresh-token-reused",
        )


def _client(request: Request | None) -> tuple[str, str]:
    """(user agent, address) of the request, both "" without one."""
    if request is None:
        return "", ""
    return request.headers.get("User-Agent", "")[:200], request.remote_addr or ""


def logout(*, sid: str, user_id: str, request: Request | None = None) -> None:
    """Ends the caller's own session."""
    if revoke_session(sid=sid, reason="logout"):
        security_log.record(ObjectId(user_id), "session-ended", request, reason="logout")


def is_active(*, sid: str) -> bool:
    try:
        session_id = uuid.UUID(sid)
    except ValueError:
        return False
    return bool(RefreshSession.objects(id=session_id, revoked_at=None, expires_at__gt=_now()))


def revoke_session(*, sid: str, reason: str, user_id=None) -> bool:
    """Ends a live session (only `user_id`'s when given); False when there was none."""
    query = RefreshSession.objects(id=uuid.UUID(sid), revoked_at=None)
    if user_id is not None:
        query = query.filter(user_id=user_id, expires_at__gt=_now())
    return bool(query.update_one(set__revoked_at=_now(), set__revoked_reason=reason))


def end_own_session(*, user: User, session_id: str, request: Request | None = None) -> None:
    """Ends one of `user`'s live sessions; anyone else's, or none, is 404 (same answer)."""
    try:
        sid = str(uuid.UUID(session_id))
    except ValueError:
        raise NotFound("No such session.") from None
    if not revoke_session(sid=sid, reason="ended-by-user", user_id=user.id):
        raise NotFound("No such session.")
    security_log.record(user, "session-ended", request, session=sid)


def logout_everywhere(*, user_id: str, request: Request | None = None) -> None:
    """Ends every session of the account, the caller's included."""
    ended = revoke_user_sessions(user_id=ObjectId(user_id), reason="logout-all")
    security_log.record(ObjectId(user_id), "logout-all", request, sessions=ended)


def list_sessions(*, user_id) -> list[RefreshSession]:
    """The user's live sessions, most recently used first."""
    query = RefreshSession.objects(user_id=user_id, revoked_at=None, expires_at__gt=_now())
    return list(query.order_by("-last_used_at").limit(100))


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
