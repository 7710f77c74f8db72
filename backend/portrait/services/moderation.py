"""Every state change of moderation lives here, so that events can later be published from
one place (DESIGN.md §11): roles, the moderators' queue and its decisions, and the audit entry
of every moderator/admin action.

No multi-document transactions. A decision applies its effect first (one conditional update
of the avatar, pinned to the item's avatar state), then closes the item (one conditional
update on `state: open`), then audits. If the API dies in between, the item is still open
and the same decision can simply be made again: the effect is found already applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from bson import ObjectId
from bson.errors import InvalidId
from flask import current_app
from mongoengine.errors import NotUniqueError

from portrait import events
from portrait.errors import (
    BadRequest,
    Conflict,
    DatabaseUnavailable,
    ImageRejected,
    NotFound,
    PortraitError,
)
from portrait.imaging import sha256_hex
from portrait.models import User
from portrait.models.audit import AuditEntry
from portrait.models.media import Avatar
from portrait.models.moderation import HeldRefusal, ModerationItem, Report
from portrait.models.user import email_key, utcnow
from portrait.services import sessions
from portrait.services.media import read_media, store
from portrait.storage import MediaItem, StorageError

DECIDED = {"approve": "approved", "reject": "rejected"}
QUEUE_PAGE = 20
HOLD_MINUTES = 15
HOLD = timedelta(minutes=HOLD_MINUTES)
APPEAL_URL = "/api/v1/me/avatar/appeal"


def audit(
    *, actor: str, action: str, target: str, reason: str = "", details: dict | None = None
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, target=target, reason=reason, details=details or {}
    )
    entry.save(force_insert=True)
    return entry


def set_role(*, email: str, role: str, actor: str) -> User:
    """Gives the account `role` (user, moderator or admin); audited when it changes."""
    user = User.objects(email_key=email_key(email)).first()
    if user is None:
        raise NotFound(f"No account has the email {email!r}.")
    previous = user.role or "user"
    if previous != role:
        User.objects(id=user.id).update_one(
            set__role=role, set__updated_at=utcnow(), inc__version=1
        )
        changed = {"from": previous, "to": role}
        audit(actor=actor, action="set-role", target=f"user:{user.id}", details=changed)
        user.reload()
    return user


def users_with_roles(*, role: str | None = None) -> Iterator[User]:
    """Accounts by email; with `role`, only those holding it."""
    query = User.objects(role=role) if role else User.objects()
    return query.order_by("email_key").only("email", "handle", "role")


# -- the queue -------------------------------------------------------------------------------


def open_review(*, user: User, avatar: Avatar) -> ModerationItem:
    """Queues `avatar` (pending review) for a person. Written before the avatar is committed,
    so no pending picture is ever without its item; one whose avatar never landed (or was
    replaced since) is superseded when it is next seen."""
    item = ModerationItem(
        kind="review",
        user=user.id,
        avatar_rev=avatar.rev,
        image_key=avatar.variants["512"],
        labels=list(avatar.review.get("labels", [])),
    )
    item.save(force_insert=True)
    return item


@dataclass(frozen=True)
class QueuePage:
    items: list[tuple[ModerationItem, User]]
    next_cursor: str | None


def _current(item: ModerationItem, user: User | None) -> bool:
    if user is None:
        return False
    if item.kind == "review":
        return user.avatar is not None and user.avatar.rev == item.avatar_rev
    return True


def queue(*, kind: str | None, cursor: str | None) -> QueuePage:
    """Open items, oldest first; items about a picture that is gone are superseded here."""
    expire_appeals()
    limit = QUEUE_PAGE
    query = ModerationItem.objects(state="open")
    if kind:
        query = query.filter(kind=kind)
    if cursor:
        invalid = BadRequest("Invalid cursor.", errors={"cursor": ["invalid"]})
        query = query.filter(id__gt=_object_id(cursor, error=invalid))
    found = list(query.exclude("image").order_by("id").limit(limit + 1))
    more, found = len(found) > limit, found[:limit]
    users = {u.id: u for u in User.objects(id__in=list({i.user for i in found}))}
    items = []
    for item in found:
        if _current(item, users.get(item.user)):
            items.append((item, users[item.user]))
        else:
            _close(item, "superseded", None)
    return QueuePage(items, str(found[-1].id) if more else None)


def _object_id(value: str, *, error: Exception) -> ObjectId:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError) as exc:
        raise error from exc


def find_item(*, item_id: str) -> ModerationItem:
    item = ModerationItem.objects(id=_object_id(item_id, error=NotFound("No such item."))).first()
    if item is None:
        raise NotFound("No such moderation item.")
    return item


def _close(item: ModerationItem, state: str, decided: dict | None) -> bool:
    """Closes an open item; an appeal's picture is deleted with it."""
    changes = {"set__state": state, "unset__image": True}
    if decided:
        changes["set__decided"] = decided
    return bool(ModerationItem.objects(id=item.id, state="open").update_one(**changes))


def decide(*, item_id: str, decision: str, reason: str, moderator: User) -> ModerationItem:
    """Approves or rejects an open item, with a reason its owner sees; 409 once decided."""
    item = find_item(item_id=item_id)
    if item.state != "open":
        raise Conflict(f"This item is already {item.state}.", type_suffix="already-decided")
    state = DECIDED[decision]
    if item.kind == "review":
        _apply_review(item, state, reason)
    elif item.kind == "appeal" and state == "approved":
        _publish_appeal(item, reason)
    decided = {"by": str(moderator.id), "decision": decision, "reason": reason, "at": utcnow()}
    if not _close(item, state, decided):
        raise Conflict("Someone decided this item meanwhile.", type_suffix="already-decided")
    audit(actor=str(moderator.id), action=f"{decision}-{item.kind}", target=f"item:{item.id}",
          reason=reason, details={"user": str(item.user)})  # fmt: skip
    return find_item(item_id=item_id)


def _apply_review(item: ModerationItem, state: str, reason: str) -> None:
    """The avatar effect: its review, pinned to the reviewed state; repeatable."""
    pinned = {"_id": item.user, "avatar.rev": item.avatar_rev}
    review = {"avatar.review.state": state, "avatar.review.reason": reason,
              "avatar.review.at": utcnow(), "updated_at": utcnow()}  # fmt: skip
    # The decision's event in the same update: the public now sees the picture, or never will.
    event = "avatar.accepted" if state == "approved" else "avatar.rejected"
    changes = {"$set": review, "$inc": {"version": 1},
               **events.emit_raw(event, user_id=item.user, data={"review": state})}  # fmt: skip
    pending = User.objects(__raw__={**pinned, "avatar.review.state": "pending"})
    if not pending.update_one(__raw__=changes):
        current = User.objects(__raw__=pinned).only("avatar").first()
        if current is None:  # the picture was replaced or removed before anyone decided
            _close(item, "superseded", None)
            raise Conflict("The picture changed since; this item is closed.",
                           type_suffix="already-decided")  # fmt: skip
        if (current.avatar.review or {}).get("state") != state:
            raise Conflict("This picture was already decided otherwise.",
                           type_suffix="already-decided")  # fmt: skip
    if state == "approved":  # its files may now be served publicly and cached
        user = User.objects(id=item.user).only("avatar").first()
        keys = list(user.avatar.variants.values()) if user and user.avatar else []
        try:
            store().release(keys)
        except StorageError as exc:  # the item stays open: the decision can be repeated
            raise DatabaseUnavailable("The database is unreachable; retry later.") from exc


def item_owner(item: ModerationItem) -> User | None:
    return User.objects(id=item.user).only("handle").first()


def item_image(*, item_id: str) -> tuple[bytes, str]:
    """The picture an item is about (bytes, content type)."""
    item = find_item(item_id=item_id)
    if item.image:
        return bytes(item.image), "image/jpeg"
    if not item.image_key:
        raise NotFound("This item has no image (any more).")
    media: MediaItem = read_media(key=item.image_key)
    return media.data, media.content_type


# -- appeals -----------------------------------------------------------------------------------


@contextmanager
def holding_refusals(*, user: User, master: bytes) -> Iterator[None]:
    """A refusal in the block holds the refused picture for HOLD_MINUTES so its owner may
    appeal it (the problem document says how); without an appeal it is never kept longer."""
    try:
        yield
    except ImageRejected as refusal:
        until = utcnow() + HOLD
        HeldRefusal(
            id=str(user.id),
            image=master,
            sha256=sha256_hex(master),
            labels=getattr(refusal, "scores", []),
            expires_at=until,
        ).save()  # replaces an earlier refusal: only the latest may be appealed
        refusal.extra["appeal"] = {"url": APPEAL_URL, "until": until.isoformat()}
        raise


def appeal(*, user: User, note: str) -> ModerationItem:
    """Sends the user's latest refusal to a person; 404 when there is none (any more)."""
    held = HeldRefusal.objects(id=str(user.id), expires_at__gt=utcnow()).first()
    if held is None:
        raise NotFound(
            f"There is no refused picture to appeal: it is kept {HOLD_MINUTES} minutes.",
            type_suffix="nothing-to-appeal",
        )
    if ModerationItem.objects(user=user.id, kind="appeal", state="open", sha256=held.sha256):
        raise Conflict("You already appealed this picture.", type_suffix="already-appealed")
    item = ModerationItem(
        kind="appeal", user=user.id, image=held.image, sha256=held.sha256,
        labels=list(held.labels), note=note,
    )  # fmt: skip
    item.save(force_insert=True)  # first the item, then the hold: never lost in between
    HeldRefusal.objects(id=str(user.id), sha256=held.sha256).delete()
    return item


def _publish_appeal(item: ModerationItem, reason: str) -> None:
    from portrait.services import avatar  # the avatar service queues reviews from here

    if not item.image:
        raise Conflict("This appeal's picture is gone.", type_suffix="already-decided")
    review = {"state": "approved", "reason": reason, "at": utcnow(), "labels": item.labels}
    avatar.publish_appealed(user_id=item.user, master=bytes(item.image), review=review)


def expire_appeals(*, now=None) -> int:
    """Appeals nobody decided within MODERATION_APPEAL_DAYS: closed, their pictures deleted."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["MODERATION_APPEAL_DAYS"])
    old = ModerationItem.objects(kind="appeal", state="open", created_at__lt=cutoff)
    return old.update(set__state="expired", unset__image=True)


# -- reports -----------------------------------------------------------------------------------


class CannotReportYourself(PortraitError):
    status, title, type_suffix = 422, "Unprocessable Content", "cannot-report-yourself"


def report(*, reporter: User, target: User, reason: str, note: str) -> Report:
    """Records one report of `target` and counts it into the profile's open report item;
    a second report of the same profile by the same user is a 409."""
    if reporter.id == target.id:
        raise CannotReportYourself("You cannot report your own profile.")
    entry = Report(reporter=reporter.id, target=target.id, reason=reason, note=note)
    try:
        entry.save(force_insert=True)
    except NotUniqueError as exc:
        raise Conflict(
            "You already reported this profile.", type_suffix="already-reported"
        ) from exc
    image = target.avatar.variants.get("512") if target.avatar is not None else None
    ModerationItem.objects(user=target.id, kind="report", state="open").update_one(
        upsert=True,
        inc__reports=1,
        add_to_set__reasons=reason,
        set_on_insert__created_at=utcnow(),
        set_on_insert__image_key=image,
    )
    return entry


# -- admin -------------------------------------------------------------------------------------


def find_user(*, user_id: str) -> User:
    user = User.objects(id=_object_id(user_id, error=NotFound("No such user."))).first()
    if user is None:
        raise NotFound("No such user.")
    return user


def suspend(*, user_id: str, reason: str, admin: User) -> User:
    """Suspends an account: no login, sessions revoked (its tokens stop at once), no public
    page, its avatar no longer served. 409 when already suspended."""
    user = find_user(user_id=user_id)
    if user.id == admin.id:
        raise Conflict("You cannot suspend yourself.", type_suffix="cannot-suspend-yourself")
    # The admin's handle is kept beside the id so the user list reads without a lookup.
    mark = {"at": utcnow(), "by": str(admin.id), "by_handle": admin.handle, "reason": reason}
    if not User.objects(id=user.id, suspended=None).update_one(
        set__suspended=mark, set__updated_at=utcnow(), inc__version=1,
        **events.emit("user.suspended", user_id=user.id, data={}),
    ):  # fmt: skip
        raise Conflict("This account is already suspended.", type_suffix="already-suspended")
    sessions.revoke_user_sessions(user_id=user.id, reason="suspended")
    audit(actor=str(admin.id), action="suspend", target=f"user:{user.id}", reason=reason)
    return find_user(user_id=user_id)


def unsuspend(*, user_id: str, admin: User) -> User:
    """Lifts a suspension (idempotent); audited and published when there was one."""
    user = find_user(user_id=user_id)
    if User.objects(id=user.id, suspended__ne=None).update_one(
        set__suspended=None, set__updated_at=utcnow(), inc__version=1,
        **events.emit("user.unsuspended", user_id=user.id, data={}),
    ):  # fmt: skip
        audit(actor=str(admin.id), action="unsuspend", target=f"user:{user.id}")
    return find_user(user_id=user_id)


def remove_avatar(*, user_id: str, reason: str, admin: User) -> User:
    """Removes an account's avatar and its files (the default avatar shows); audited."""
    from portrait.services import avatar  # the avatar service queues reviews from here

    user = find_user(user_id=user_id)
    had = user.avatar is not None
    user = avatar.delete_avatar(user=user)
    if had:
        audit(actor=str(admin.id), action="remove-avatar", target=f"user:{user.id}", reason=reason)
    return user
