"""The avatar pipeline (DESIGN.md §3): upload -> moderate -> frame -> render -> store.

Views call `replace_avatar`, `reframe_avatar` and `delete_avatar`; each either changes the
avatar completely or leaves the profile and its media exactly as they were (see
`avatar_commit` for how, without transactions).
"""

from __future__ import annotations

import logging
import uuid

from PIL import Image

from portrait import imaging
from portrait.errors import (
    ImageRejected,
    NotFound,
    PortraitError,
)
from portrait.imaging import Box, Rendition
from portrait.models import User
from portrait.models.media import Avatar
from portrait.services import avatar_models, moderation, screening
from portrait.services.avatar_commit import avatar_lease, commit, take_lease
from portrait.services.avatar_decode import check_header, decode, decode_slot
from portrait.services.media import default_avatar, store
from portrait.storage import MediaItem

log = logging.getLogger(__name__)


class InvalidCrop(PortraitError):
    status, title, type_suffix = 422, "Invalid Crop", "invalid-crop"


def _reload(user: User) -> User:
    fresh = User.objects(id=user.id).first()
    if fresh is None:
        raise NotFound("The account no longer exists.")
    return fresh


def _item(owner: str, kind: str, ext: str, data: bytes) -> MediaItem:
    return MediaItem(
        key=imaging.media_key(owner, data, ext),
        owner=owner,
        kind=kind,
        content_type=imaging.render.CONTENT_TYPES[ext],
        data=data,
        sha256=imaging.sha256_hex(data),
    )


def _variants(owner: str, renditions: list[Rendition], review: dict | None) -> list[MediaItem]:
    # A picture waiting for a person is "held": served only privately until approved.
    kind = "variant" if review is None or review["state"] == "approved" else "held"
    return [_item(owner, kind, r.ext, r.data) for r in renditions]


def replace_avatar(*, user: User, data: bytes) -> User:
    """Makes the uploaded picture the user's avatar, or raises and changes nothing."""
    check_header(data)  # a refusal at once: no lease, no slot
    # The lease first: a second upload of the same user is 409 at once, not a slot's wait.
    with avatar_lease(user.id), decode_slot():  # the slot bounds all master-sized work
        decoded = decode(data)
        image = decoded.image
        master = imaging.encode_master(image)
        user = _reload(user)
        analysis = avatar_models.analyze(master)
        sha256, size = imaging.sha256_hex(data), len(data)
        whole = screening.View("picture", analysis.moderation)
        with moderation.holding_refusals(user=user, master=master):  # for an appeal
            screening.decide(user=user, views=[whole], sha256=sha256, size=size)  # early
            if analysis.crop is None:  # explicit to the model's own threshold: for review
                analysis = avatar_models.with_crop(analysis, master)
            frame = avatar_models.framing(analysis, image.width, image.height)
            renditions = imaging.render_variants(image, frame.crop)
            views = [whole, *screening.check_views(square_webp=renditions[0].data, picture=image)]
            review = screening.decide(user=user, views=views, sha256=sha256, size=size)
        summary = avatar_models.moderation_summary(analysis, score=screening.master_score(views))
        return _publish(user, master, image, renditions, frame, moderation=summary, review=review)


def _publish(
    user: User,
    master: bytes,
    image: Image.Image,
    renditions: list[Rendition],
    frame: avatar_models.Framing,
    *,
    moderation: dict,
    review: dict | None,
) -> User:
    """A new master and its variants become the user's avatar."""
    owner = str(user.id)
    master_item = _item(owner, "master", "jpg", master)
    variants = _variants(owner, renditions, review)
    avatar = _avatar(
        master_item.key,
        image.size,
        variants,
        frame.crop,
        faces=frame.faces,
        moderation=moderation,
        framing=frame.summary,
        review=review,
    )
    return _commit(user, avatar, [master_item, *variants], event="avatar.accepted")


def _commit(user: User, avatar: Avatar, items: list[MediaItem], *, event: str) -> User:
    if not avatar.public:  # queued first: no pending picture without its item
        moderation.open_review(user=user, avatar=avatar)
        event = "avatar.pending_review"  # the public sees nothing new until a person approves
    return commit(store=store(), user=user, avatar=avatar, items=items, event=event)


def _avatar(master_key: str, size, variants: list[MediaItem], crop: Box, **fields) -> Avatar:
    names = imaging.VARIANT_NAMES  # render_variants' order
    return Avatar(
        rev=uuid.uuid4().hex,
        master_key=master_key,
        master_width=size[0],
        master_height=size[1],
        variants={name: item.key for name, item in zip(names, variants, strict=True)},
        crop=crop.as_dict(),
        **fields,
    )


def reframe_avatar(*, user: User, crop: dict) -> User:
    """Re-renders the variants from the stored master with a crop the user chose."""
    with avatar_lease(user.id):
        user = _reload(user)
        current = user.avatar
        if current is None:
            raise NotFound("You have no avatar to re-frame; upload one first.")
        try:
            box = imaging.validate_crop(Box(**crop), current.master_width, current.master_height)
        except imaging.InvalidCrop as exc:
            raise InvalidCrop(str(exc), errors={"crop": [str(exc)]}) from exc
        if current.review is not None and current.review.get("state") == "rejected":
            raise ImageRejected(
                "A moderator refused this picture, so it cannot be re-framed; upload another.",
                type_suffix="avatar-rejected",
            )
        master, master_bytes = _read_master(current)
        renditions = imaging.render_variants(master, box)
        # A re-frame publishes another part of the master: that square is checked too, and
        # starts from the master's own score (a borderline picture stays under review).
        views = screening.check_views(square_webp=renditions[0].data)
        review = screening.decide(
            user=user,
            views=views,
            sha256=imaging.sha256_hex(master_bytes),
            size=len(master_bytes),
            floor=current.moderation.get("score", 0.0),
        )
        variants = _variants(str(user.id), renditions, review)
        avatar = _avatar(
            current.master_key,
            master.size,
            variants,
            box,
            faces=[dict(face) for face in current.faces],
            moderation=dict(current.moderation),
            framing={**current.framing, "method": "user"},
            review=review,
        )
        return _commit(user, avatar, variants, event="avatar.reframed")


def _read_master(avatar: Avatar) -> tuple[Image.Image, bytes]:
    item = store().get(avatar.master_key)
    if item is None:  # should not happen: commits never drop a referenced master
        log.error("master %s of an avatar is missing", avatar.master_key)
        raise NotFound("The original picture is no longer available; upload it again.")
    return imaging.decode_master(item.data), item.data


def delete_avatar(*, user: User) -> User:
    """Removes the avatar and its media; removing no avatar is fine (idempotent)."""
    with avatar_lease(user.id):
        user = _reload(user)
        if user.avatar is None:
            return user
        return commit(store=store(), user=user, avatar=None, items=[], event="avatar.removed")


def publish_appealed(*, user_id, master: bytes, review: dict) -> User:
    """A refused picture a moderator approved on appeal becomes the avatar, framed by the
    model (no moderation call: a person decided)."""
    with avatar_lease(user_id):
        user = User.objects(id=user_id).first()
        if user is None:
            raise NotFound("The account no longer exists.")
        image = imaging.decode_master(master)
        frame = avatar_models.frame_only(master, image.width, image.height)
        renditions = imaging.render_variants(image, frame.crop)
        labels = review.get("labels", [])
        score = max((label["score"] for label in labels), default=0.0)
        summary = {"explicit": False, "labels": [x["label"] for x in labels], "score": score}
        return _publish(user, master, image, renditions, frame, moderation=summary, review=review)


def delete_all_media(user: User) -> None:
    """Account deletion: every media item the user owns. The lease is taken and kept (it
    expires by itself) so no avatar change can store new media while the account goes."""
    take_lease(user.id)
    media = store()
    media.delete(media.keys_owned_by(str(user.id)))


def default_view(user: User) -> dict:
    """`default_avatar`: generated initials to show when `avatar` is null."""
    return default_avatar(handle=user.handle, display_name=user.display_name)
