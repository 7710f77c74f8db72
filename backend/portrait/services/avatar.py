"""The avatar pipeline (DESIGN.md §3): upload -> moderate -> frame -> render -> store.

Views call `replace_avatar`, `reframe_avatar` and `delete_avatar`; each either changes the
avatar completely or leaves the profile and its media exactly as they were (see
`avatar_commit` for how, without transactions).
"""

from __future__ import annotations

import logging
import uuid

from flask import current_app

from portrait import imaging
from portrait.errors import (
    NotFound,
    PayloadTooLarge,
    PortraitError,
    UnprocessableImage,
    UnsupportedMediaType,
)
from portrait.imaging import Box, Limits, Rendition
from portrait.models import User
from portrait.models.media import Avatar
from portrait.services import avatar_models
from portrait.services.avatar_commit import avatar_lease, commit, take_lease
from portrait.services.media import default_avatar, store
from portrait.storage import MediaItem

log = logging.getLogger(__name__)

_IMAGING_ERRORS = {
    imaging.UnsupportedFormat: UnsupportedMediaType,
    imaging.TooLarge: PayloadTooLarge,
    imaging.CorruptImage: UnprocessableImage,
    imaging.TooSmall: UnprocessableImage,
}


class InvalidCrop(PortraitError):
    status, title, type_suffix = 422, "Invalid Crop", "invalid-crop"


def limits() -> Limits:
    config = current_app.config
    imaging.ensure_pillow_limit(config["AVATAR_MAX_PIXELS"])
    return Limits(max_bytes=config["AVATAR_MAX_BYTES"], max_pixels=config["AVATAR_MAX_PIXELS"])


def decode(data: bytes) -> imaging.Decoded:
    """Accept + normalise, with imaging's reasons turned into API errors (415/413/422)."""
    try:
        return imaging.decode_upload(data, limits())
    except imaging.ImagingError as exc:
        raise _IMAGING_ERRORS[type(exc)](str(exc)) from exc


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


def _variants(owner: str, renditions: list[Rendition]) -> list[MediaItem]:
    return [_item(owner, "variant", r.ext, r.data) for r in renditions]


def replace_avatar(*, user: User, data: bytes) -> User:
    """Makes the uploaded picture the user's avatar, or raises and changes nothing."""
    decoded = decode(data)
    image = decoded.image
    master = imaging.encode_master(image)
    with avatar_lease(user.id):
        user = _reload(user)
        analysis = avatar_models.analyze(master)
        if analysis.explicit:
            sha256 = imaging.sha256_hex(data)
            raise avatar_models.reject(user=user, analysis=analysis, sha256=sha256, size=len(data))
        frame = avatar_models.framing(analysis, image.width, image.height)
        owner = str(user.id)
        master_item = _item(owner, "master", "jpg", master)
        variants = _variants(owner, imaging.render_variants(image, frame.crop))
        avatar = _avatar(
            master_item.key,
            image.size,
            variants,
            frame.crop,
            faces=frame.faces,
            moderation=avatar_models.moderation_summary(analysis),
            framing=frame.summary,
        )
        items = [master_item, *variants]
        return commit(store=store(), user=user, avatar=avatar, items=items, event="avatar.accepted")


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
        master = _read_master(current)
        variants = _variants(str(user.id), imaging.render_variants(master, box))
        avatar = _avatar(
            current.master_key,
            master.size,
            variants,
            box,
            faces=[dict(face) for face in current.faces],
            moderation=dict(current.moderation),
            framing={**current.framing, "method": "user"},
        )
        return commit(
            store=store(), user=user, avatar=avatar, items=variants, event="avatar.reframed"
        )


def _read_master(avatar: Avatar):
    item = store().get(avatar.master_key)
    if item is None:  # should not happen: commits never drop a referenced master
        log.error("master %s of an avatar is missing", avatar.master_key)
        raise NotFound("The original picture is no longer available; upload it again.")
    return imaging.decode_master(item.data)


def delete_avatar(*, user: User) -> User:
    """Removes the avatar and its media; removing no avatar is fine (idempotent)."""
    with avatar_lease(user.id):
        user = _reload(user)
        if user.avatar is None:
            return user
        return commit(store=store(), user=user, avatar=None, items=[], event="avatar.removed")


def delete_all_media(user: User) -> None:
    """Account deletion: every media item the user owns. The lease is taken and kept (it
    expires by itself) so no avatar change can store new media while the account goes."""
    take_lease(user.id)
    media = store()
    media.delete(media.keys_owned_by(str(user.id)))


def default_view(user: User) -> dict:
    """`default_avatar`: generated initials to show when `avatar` is null."""
    return default_avatar(handle=user.handle, display_name=user.display_name)
