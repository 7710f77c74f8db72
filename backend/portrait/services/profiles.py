"""Profiles: read, edit (conditional on the version), list with a cursor."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from mongoengine.errors import NotUniqueError

from portrait import events
from portrait.errors import BadRequest, Conflict, NotFound, PreconditionFailed
from portrait.models import User
from portrait.models.user import handle_key, utcnow
from portrait.services.accounts import ensure_unique


@dataclass(frozen=True)
class ProfilePage:
    items: list[User]
    next_cursor: str | None


def read_profile(*, handle: str) -> User:
    user = User.objects(handle_key=handle_key(handle), suspended=None).first()
    if user is None:  # a suspended account has no public page
        raise NotFound(f"No profile with the handle {handle!r}.")
    return user


def update_profile(
    *, user: User, changes: dict[str, Any], expected_version: int | None = None
) -> User:
    """Applies `changes`; with `expected_version` (from If-Match) only if nobody changed the
    profile since, else 412. The version check and the write are one atomic update."""
    # Every profile field is public: the event carries the new values of those sent.
    event = events.emit("profile.updated", user_id=user.id, data=_changed(changes))
    if "handle" in changes:
        ensure_unique(handle=changes["handle"], user=user)
        changes = {**changes, "handle_key": handle_key(changes["handle"])}
    query = User.objects(id=user.id)
    if expected_version is not None:
        query = query.filter(version=expected_version)
    updates = {f"set__{name}": value for name, value in changes.items()}
    try:
        updated = query.update_one(**updates, set__updated_at=utcnow(), inc__version=1, **event)
    except NotUniqueError as exc:
        raise Conflict("This handle is taken.", errors={"handle": ["taken"]}) from exc
    if not updated:
        if expected_version is not None and User.objects(id=user.id).first():
            raise PreconditionFailed("The profile changed since you read it; reload and retry.")
        raise NotFound("The account no longer exists.")
    return User.objects(id=user.id).get()


def _changed(changes: dict[str, Any]) -> dict[str, Any]:
    return {"changed": sorted(changes), "profile": dict(changes)}


def _encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except ValueError as exc:  # binascii.Error, UnicodeDecodeError, non-ASCII input
        raise BadRequest("Invalid cursor.", errors={"cursor": ["invalid"]}) from exc


def list_profiles(*, limit: int, cursor: str | None = None, prefix: str | None = None):
    """Profiles ordered by handle; `next_cursor` continues after the last item (stable under
    inserts, unlike offsets). `prefix` filters handles that start with it."""
    query = User.objects(suspended=None)
    if prefix:
        # A key range, not a regex: it uses the index and works on every MongoDB-wire server
        # (handle keys are ASCII, so every key with the prefix sorts below prefix + DEL).
        start = handle_key(prefix)
        query = query.filter(handle_key__gte=start, handle_key__lt=start + "\x7f")
    if cursor:
        query = query.filter(handle_key__gt=_decode_cursor(cursor))
    items = list(query.order_by("handle_key").limit(limit + 1))
    more = len(items) > limit
    items = items[:limit]
    return ProfilePage(items, _encode_cursor(items[-1].handle_key) if more else None)
