"""Committing an avatar change without transactions: order, conditions and clean-up.

1. A per-user lease (a document in `avatar_leases`) lets one avatar change per user run at a
   time; a second concurrent one is refused at once with 409 before any work. Leases expire,
   so a crashed worker blocks nobody for long.
2. Media are written first. If a write fails, what this change wrote is deleted again.
3. The user's `avatar` is swapped by one conditional update on `version` (the profile's
   ETag). If only other profile fields moved meanwhile, the swap is retried against the new
   version; if the avatar itself moved, this change lost: its media are deleted, 409.
4. Only after the swap are the previous avatar's media deleted. A failure there leaves
   unreferenced media, which the sweep at the end of every later commit removes.

Readers therefore see the old avatar or the new one, never a reference to missing media.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from mongoengine.errors import NotUniqueError
from pymongo.errors import PyMongoError

from portrait import events
from portrait.errors import Conflict, NotFound
from portrait.models import User
from portrait.models.media import Avatar, AvatarLease
from portrait.models.user import utcnow
from portrait.storage import MediaItem, MediaStore, StorageError

log = logging.getLogger(__name__)

LEASE_TIME = timedelta(seconds=60)  # longer than any upload may take (model timeout + work)
SWEEP_GRACE = timedelta(minutes=10)  # never sweep media a running change may still commit
SWAP_ATTEMPTS = 3
BUSY = "Another change to your avatar is in progress; try again in a moment."


def take_lease(user_id) -> str:
    """Takes the user's avatar lease and returns its token; 409 if someone else holds it."""
    token, now = uuid.uuid4().hex, utcnow()
    expires_at = now + LEASE_TIME
    try:
        AvatarLease(id=str(user_id), token=token, expires_at=expires_at).save(force_insert=True)
    except NotUniqueError:
        taken = AvatarLease.objects(id=str(user_id), expires_at__lt=now).update_one(
            set__token=token, set__expires_at=expires_at
        )
        if not taken:
            raise Conflict(BUSY, type_suffix="avatar-busy") from None
    return token


@contextmanager
def avatar_lease(user_id) -> Iterator[None]:
    """Holds the user's avatar lease for the block."""
    token = take_lease(user_id)
    try:
        yield
    finally:
        try:
            AvatarLease.objects(id=str(user_id), token=token).delete()
        except PyMongoError as exc:  # the lease expires by itself
            log.warning("could not release avatar lease of %s: %s", user_id, exc)


def _current_avatar(user_id) -> tuple[User | None, Avatar | None]:
    user = User.objects(id=user_id).first()
    return user, (user.avatar if user else None)


def _rev(avatar: Avatar | None) -> str | None:
    return avatar.rev if avatar is not None else None


def discard(store: MediaStore, owner: str, keys: set[str]) -> None:
    """Deletes `keys` except those the user's current avatar uses (best effort)."""
    try:
        _, current = _current_avatar(owner)
        store.delete(keys - (current.media_keys() if current else set()))
    except (StorageError, PyMongoError) as exc:
        log.warning("left %d unreferenced media of %s for the sweep: %s", len(keys), owner, exc)


def _put_all(store: MediaStore, items: list[MediaItem], owner: str) -> None:
    written: set[str] = set()
    try:
        for item in items:
            if not store.exists(item.key):  # already ours (e.g. the same picture again)
                store.put(item)
                written.add(item.key)
    except StorageError:
        discard(store, owner, written)
        raise


def _swap(user: User, avatar: Avatar | None, event: str) -> User:
    """The conditional update (the swap and its `event`); returns the updated user or raises
    Conflict/NotFound."""
    expected_rev, version = _rev(user.avatar), user.version
    # One raw update: the $set of the field's own to_mongo and the $inc in one conditional
    # write.
    stored = User._fields["avatar"].to_mongo(avatar) if avatar is not None else None
    for _ in range(SWAP_ATTEMPTS):
        changes = {"$set": {"avatar": stored, "updated_at": utcnow()}, "$inc": {"version": 1}}
        changes |= events.emit_raw(event, user_id=user.id, data=_event_data(avatar))
        swapped = User.objects(id=user.id, version=version).update_one(__raw__=changes)
        fresh, current = _current_avatar(user.id)
        if swapped:
            return fresh
        if fresh is None:
            raise NotFound("The account no longer exists.")
        if _rev(current) != expected_rev:
            raise Conflict(BUSY, type_suffix="avatar-conflict")
        version = fresh.version  # only other profile fields changed: try again on top
    raise Conflict("Your profile is changing too fast; try again.", type_suffix="avatar-conflict")


def _event_data(avatar: Avatar | None) -> dict:
    return {"rev": avatar.rev, "variants": dict(avatar.variants)} if avatar is not None else {}


def commit(
    *, store: MediaStore, user: User, avatar: Avatar | None, items: list[MediaItem], event: str
):
    """Makes `avatar` (None: no avatar) the user's, storing `items` first, with `event` (an
    event type) in the same update; returns the user."""
    owner, new_keys = str(user.id), {item.key for item in items}
    old_keys = user.avatar.media_keys() if user.avatar is not None else set()
    keep = avatar.media_keys() if avatar is not None else set()  # a re-frame keeps its master
    _put_all(store, items, owner)
    try:
        updated = _swap(user, avatar, event)
    except (Conflict, NotFound):
        discard(store, owner, new_keys)
        raise
    except PyMongoError:
        updated = _landed(user.id, avatar)
        if updated is None:
            discard(store, owner, new_keys)
            raise  # a 503, like every storage error (portrait.errors)
    _delete_quietly(store, old_keys - keep)
    sweep(store=store, owner=owner, keep=keep)
    return updated


def _landed(user_id, avatar: Avatar | None) -> User | None:
    """After an ambiguous write error: the user if our swap did land, else None."""
    try:
        fresh, current = _current_avatar(user_id)
    except PyMongoError:
        return None
    return fresh if fresh is not None and _rev(current) == _rev(avatar) else None


def _delete_quietly(store: MediaStore, keys: set[str]) -> None:
    try:
        store.delete(keys)
    except StorageError as exc:
        log.warning("left %d old media for the sweep: %s", len(keys), exc)


def sweep(*, store: MediaStore, owner: str, keep: set[str]) -> None:
    """Deletes the owner's media older than the grace period that nothing references."""
    try:
        stale = store.keys_owned_by(owner, created_before=utcnow() - SWEEP_GRACE) - keep
        if stale:
            log.info("sweeping %d unreferenced media of %s", len(stale), owner)
            store.delete(stale)
    except StorageError as exc:
        log.warning("media sweep for %s failed: %s", owner, exc)
