"""What is published is what is checked (DESIGN.md §8): beyond the whole picture, the
rendered 512 px square and, for large masters, overlapping tiles go through nudity-detection.

Each view is one more model call on pixels the API already holds (the decoded upload or the
decoded master; nothing is decoded twice here). The worst answer across views decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from portrait.clients.model_service import Moderation
from portrait.imaging.render import CONTENT_TYPES
from portrait.imaging.tiles import tile_boxes, tile_jpeg
from portrait.models import User
from portrait.services import avatar_models


@dataclass(frozen=True)
class View:
    name: str  # "picture" (whole), "square" (what is published) or "tile"
    moderation: Moderation


def check_views(*, square_webp: bytes, picture: Image.Image | None = None) -> list[View]:
    """The published square and, when `picture` is given and large, its tiles."""
    square = avatar_models.moderate(square_webp, content_type=CONTENT_TYPES["webp"])
    views = [View("square", square)]
    if picture is not None:
        for box in tile_boxes(picture.width, picture.height):
            answer = avatar_models.moderate(tile_jpeg(picture, box), content_type="image/jpeg")
            views.append(View("tile", answer))
    return views


def worst(views: list[View]) -> View:
    """The view that counts: an explicit one first, then the highest policy score."""
    return max(views, key=lambda v: (v.moderation.explicit, v.moderation.policy_score))


def require_clean(*, user: User, views: list[View], sha256: str, size: int) -> None:
    """Refuses (422 avatar-rejected, recorded) when any view is explicit."""
    view = worst(views)
    if view.moderation.explicit:
        raise avatar_models.reject(
            user=user, moderation=view.moderation, sha256=sha256, size=size, view=view.name
        )
