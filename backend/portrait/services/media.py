"""Media for `/media/...`: stored avatar files and the generated default avatar."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from html import escape

from flask import Flask, current_app

from portrait.errors import NotFound
from portrait.imaging.variants import SQUARE_NAMES
from portrait.models import User
from portrait.models.media import MEDIA_URL_PREFIX
from portrait.storage import MediaItem, MediaStore, MongoMediaStore

STORE = "portrait.media_store"
KEY_PATTERN = re.compile(r"^[0-9a-f]{64}\.(webp|jpg)$")
DEFAULT_SIZES = SQUARE_NAMES  # one SVG scales to all; no JPEG fallback needed


def init_app(app: Flask) -> None:
    app.extensions[STORE] = MongoMediaStore()  # tests may put another store in its place


def store() -> MediaStore:
    return current_app.extensions[STORE]


def read_media(*, key: str) -> MediaItem:
    if not KEY_PATTERN.match(key):
        raise NotFound("No such media.")
    item = store().get(key)
    if item is None or User.objects(id=item.owner, suspended__ne=None).only("id").first():
        raise NotFound("No such media.")  # nor a suspended account's
    return item


def initials(name: str) -> str:
    """Up to two letters or digits: the first of the first two words ("Ada Lovelace" -> AL)."""
    letters = [next((c for c in word if c.isalnum()), "") for word in name.split()]
    # upper() may lengthen a letter ("ﬃ" -> "FFI"): cut after it so the URL stays valid.
    return "".join(letters[:2]).upper()[:2] or "?"


def hue(handle: str) -> int:
    """A colour that stays with the handle (any case) across visits and servers."""
    return int.from_bytes(hashlib.sha256(handle.lower().encode()).digest()[:2], "big") % 360


def default_avatar(*, handle: str, display_name: str) -> dict:
    """The `avatar` of a profile without a picture: the same URLs shape as a real one."""
    url = f"{MEDIA_URL_PREFIX}default/{hue(handle)}/{initials(display_name)}.svg"
    return {"urls": dict.fromkeys(DEFAULT_SIZES, url), "default": True}


def default_avatar_svg(*, hue_value: int, text: str) -> str:
    """Initials on a colour. The URL carries everything drawn, so it is cacheable forever;
    anything but a hue and one or two letters/digits is refused (404) by the caller."""
    if not 0 <= hue_value < 360 or not 1 <= len(text) <= 2 or not all(_drawable(c) for c in text):
        raise NotFound("No such default avatar.")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">'
        f'<rect width="512" height="512" fill="hsl({hue_value},45%,42%)"/>'
        '<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#fff" font-size="220" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">'
        f"{escape(text)}</text></svg>"
    )


def _drawable(char: str) -> bool:
    return char == "?" or unicodedata.category(char)[0] in ("L", "N")


def svg_etag(svg: str) -> str:
    return hashlib.sha256(svg.encode()).hexdigest()
