"""What is published is what is checked (DESIGN.md §8): beyond the whole picture, the
rendered 512 px square and, for large masters, overlapping tiles go through nudity-detection;
then the API's policy bands decide from the policy labels' scores.

Each view is one more model call on pixels the API already holds (the decoded upload or the
decoded master; nothing is decoded twice here). The view with the highest score decides:
under MODERATION_REVIEW_AT accepted, from it accepted *pending review* (the owner sees it,
nobody else until a moderator approves), at MODERATION_REJECT_AT or above refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from PIL import Image

from portrait.clients.model_service import Moderation
from portrait.imaging.render import CONTENT_TYPES
from portrait.imaging.tiles import tile_boxes, tile_jpeg
from portrait.models import User
from portrait.models.user import utcnow
from portrait.services import avatar_models


@dataclass(frozen=True)
class View:
    name: str  # "picture" (whole), "square" (what is published) or "tile"
    moderation: Moderation

    @property
    def score(self) -> float:
        return self.moderation.policy_score


def check_views(*, square_webp: bytes, picture: Image.Image | None = None) -> list[View]:
    """The published square and, when `picture` is given and large, its tiles. Asked at the
    review line, so every policy label that matters comes back with its score."""
    views = [("square", square_webp, CONTENT_TYPES["webp"])]
    if picture is not None:
        for box in tile_boxes(picture.width, picture.height):
            views.append(("tile", tile_jpeg(picture, box), "image/jpeg"))
    answers = avatar_models.moderate_all(
        [(data, content_type) for _, data, content_type in views],
        threshold=current_app.config["MODERATION_REVIEW_AT"],
    )
    return [View(name, answer) for (name, _, _), answer in zip(views, answers, strict=True)]


def master_score(views: list[View]) -> float:
    """The highest score of the views of the whole master (the picture itself and tiles)."""
    return max((v.score for v in views if v.name != "square"), default=0.0)


def decide(
    *, user: User, views: list[View], sha256: str, size: int, floor: float = 0.0
) -> dict | None:
    """Refuses (422 avatar-rejected, recorded) at the reject line; else the review to store
    with the avatar: None when accepted, a pending one in the review band. `floor` is a score
    already known for the picture (a re-frame starts from its master's)."""
    view = max(views, key=lambda v: v.score)
    config = current_app.config
    if view.score >= config["MODERATION_REJECT_AT"]:
        raise avatar_models.reject(
            user=user, moderation=view.moderation, sha256=sha256, size=size, view=view.name
        )
    score = max(view.score, floor)
    if score < config["MODERATION_REVIEW_AT"]:
        return None
    return {"state": "pending", "reason": None, "at": utcnow(), "score": round(score, 4),
            "labels": _labels(views)}  # fmt: skip


def _labels(views: list[View]) -> list[dict]:
    """Every label any view saw, with its highest score, highest first (for moderators)."""
    best: dict[str, float] = {}
    for view in views:
        for d in view.moderation.detections:
            best[d.label] = max(best.get(d.label, 0.0), d.score)
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    return [{"label": label, "score": round(score, 4)} for label, score in ranked]
