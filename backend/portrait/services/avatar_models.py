"""The avatar pipeline's side of the model service: one call, failures mapped, refusals logged.

Fail closed: anything but a clear "not explicit" answer stops the upload (503 when the service
is down, slow or answers garbage); nothing is stored in that case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app

from portrait import events
from portrait.clients.model_service import (
    AvatarAnalysis,
    ModelInputRefused,
    ModelServiceClient,
    ModelServiceUnavailable,
)
from portrait.errors import (
    ImageRejected,
    ModelUnavailable,
    PayloadTooLarge,
    UnprocessableImage,
    UnsupportedMediaType,
)
from portrait.imaging import Box, square_around
from portrait.models import User
from portrait.models.moderation import ModerationEvent
from portrait.services.health import add_readiness_check

log = logging.getLogger(__name__)

CLIENT = "portrait.model_service"
RETRY_AFTER = 10  # seconds a client should wait when the model service is down
_REFUSALS = {413: PayloadTooLarge, 415: UnsupportedMediaType, 422: UnprocessableImage}


def init_app(app: Flask) -> None:
    """Creates the app's model-service client (one per app, thread-safe, pooled) and makes
    /readyz report whether the model service is ready."""
    models = app.extensions[CLIENT] = ModelServiceClient(
        app.config["MODELS_URL"],
        connect_timeout=min(2.0, app.config["MODELS_TIMEOUT"]),
        read_timeout=app.config["MODELS_TIMEOUT"],
        retries=2,
    )
    add_readiness_check(app, "models", lambda: _require(models.ready()))


def _require(ready: bool) -> None:
    if not ready:
        raise RuntimeError("model service not ready")


def client() -> ModelServiceClient:
    return current_app.extensions[CLIENT]  # made by init_app, from create_app


def analyze(master_jpeg: bytes) -> AvatarAnalysis:
    """Moderation + framing of the master in one round trip; domain errors on failure."""
    try:
        return client().analyze_avatar(master_jpeg, content_type="image/jpeg", aspect=1.0)
    except ModelServiceUnavailable as exc:
        log.warning("model service unavailable: %s", exc)
        raise ModelUnavailable(
            "The picture checker is unavailable right now, so nothing was saved. "
            "Please try again in a moment.",
            retry_after=exc.retry_after or RETRY_AFTER,
        ) from exc
    except ModelInputRefused as exc:
        refusal = _REFUSALS.get(exc.status)
        if refusal is None:  # e.g. 404: we asked for a model it does not host (misconfigured)
            log.error("model service refused the avatar pipeline: %s", exc)
            raise ModelUnavailable(
                "The picture checker is misconfigured.", retry_after=RETRY_AFTER
            ) from exc
        raise refusal(exc.detail or "The picture could not be processed.") from exc


def reject(*, user: User, analysis: AvatarAnalysis, sha256: str, size: int) -> ImageRejected:
    """Records the refusal (never the picture) and returns the error to raise."""
    ModerationEvent(
        user=user.id,
        model=analysis.moderation_model,
        version=analysis.moderation_version,
        explicit=True,
        threshold=analysis.threshold,
        reasons=list(analysis.reasons),
        scores=[{"label": d.label, "score": round(d.score, 4)} for d in analysis.detections],
        sha256=sha256,
        size=size,
    ).save(force_insert=True)
    labels = sorted(set(analysis.reasons))
    # The refusal changed no profile field: its event is the whole update.
    User.objects(id=user.id).update_one(
        **events.emit("avatar.rejected", user_id=user.id, data={"reasons": labels})
    )
    readable = ", ".join(label.replace("_", " ").lower() for label in labels) or "nudity"
    return ImageRejected(
        f"This picture was not accepted as an avatar because it appears to show {readable}. "
        "Please choose another picture.",
        type_suffix="avatar-rejected",
        labels=labels,
    )


@dataclass(frozen=True)
class Framing:
    crop: Box
    faces: list[dict]
    summary: dict  # crop model, version, method


def framing(analysis: AvatarAnalysis, width: int, height: int) -> Framing:
    """The model's crop and faces in master pixels (it saw the master, but scale anyway in
    case it reports another size), squared and inside the image."""
    sx, sy = width / analysis.image_width, height / analysis.image_height

    def scaled(box) -> Box:
        return Box(
            round(box.x * sx), round(box.y * sy), round(box.width * sx), round(box.height * sy)
        )

    model_crop = scaled(analysis.crop) if analysis.crop else Box(0, 0, width, height)
    faces = [{**scaled(face.box).as_dict(), "source": face.source} for face in analysis.faces]
    summary = {"model": analysis.crop_model, "version": analysis.crop_version}
    summary["method"] = analysis.method or "centre"
    return Framing(square_around(model_crop, width, height), faces, summary)


def moderation_summary(analysis: AvatarAnalysis) -> dict:
    return {
        "model": analysis.moderation_model,
        "version": analysis.moderation_version,
        "explicit": False,
        "threshold": analysis.threshold,
        "labels": sorted({d.label for d in analysis.detections}),
    }
