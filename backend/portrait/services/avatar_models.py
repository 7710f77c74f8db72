"""The avatar pipeline's side of the model service: one call, failures mapped, refusals logged.

Fail closed: anything but a clear "not explicit" answer stops the upload (503 when the service
is down, slow or answers garbage); nothing is stored in that case.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace

from flask import Flask, current_app

from portrait import events
from portrait.clients.model_service import (
    AvatarAnalysis,
    ModelInputRefused,
    ModelServiceClient,
    ModelServiceUnavailable,
    Moderation,
    parse_crop,
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
PARALLEL_CHECKS = 3
_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


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


@contextmanager
def _mapped_errors() -> Iterator[None]:
    """The client's errors as the API's: 503 when the service is down, its 4xx passed on."""
    try:
        yield
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
            log.error("model service refused the request: %s", exc)
            raise ModelUnavailable(
                "The picture checker is misconfigured.", retry_after=RETRY_AFTER
            ) from exc
        raise refusal(exc.detail or "The picture could not be processed.") from exc


def analyze(master_jpeg: bytes) -> AvatarAnalysis:
    """Moderation + framing of the master in one round trip; domain errors on failure."""
    with _mapped_errors():
        return client().analyze_avatar(master_jpeg, content_type="image/jpeg", aspect=1.0)


def _smart_crop(master_jpeg: bytes):
    """`smart-crop` alone on the master: ((crop, faces, method), model, version)."""
    with _mapped_errors():
        answer = client().predict("smart-crop", master_jpeg, content_type="image/jpeg", aspect=1.0)
        try:
            return parse_crop(answer.result), answer.model, answer.version
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelServiceUnavailable(f"unexpected smart-crop response: {exc!r}") from exc


def with_crop(analysis: AvatarAnalysis, master_jpeg: bytes) -> AvatarAnalysis:
    """`analysis` framed by `smart-crop` alone: the pipeline does not frame what its own
    threshold calls explicit, but the API's policy may keep such a picture for review."""
    (crop, faces, method), model, version = _smart_crop(master_jpeg)
    return replace(
        analysis, crop=crop, faces=faces, method=method, crop_model=model, crop_version=version
    )


def frame_only(master_jpeg: bytes, width: int, height: int) -> Framing:
    """The model's framing of a master no moderation call is wanted for (an appeal a
    moderator approved)."""
    (crop, faces, method), model, version = _smart_crop(master_jpeg)
    box = Box(crop.x, crop.y, crop.width, crop.height)
    return Framing(
        square_around(box, width, height),
        [
            {
                "x": f.box.x,
                "y": f.box.y,
                "width": f.box.width,
                "height": f.box.height,
                "source": f.source,
            }
            for f in faces
        ],  # fmt: skip
        {"model": model, "version": version, "method": method},
    )


def moderate_all(
    images: list[tuple[bytes, str]], *, threshold: float | None = None
) -> list[Moderation]:
    """`nudity-detection` alone on each view of the picture (the square, tiles), in order.
    PARALLEL_CHECKS at a time: with several model workers (production runs one per core)
    the views of one upload are checked side by side."""
    models = client()

    def one(view: tuple[bytes, str]) -> Moderation:
        return models.moderate(view[0], content_type=view[1], threshold=threshold)

    with _mapped_errors():
        return list(_checks().map(one, images))


def _checks() -> ThreadPoolExecutor:
    global _EXECUTOR
    with _EXECUTOR_LOCK:  # one pool per process: its threads keep their pooled connections
        if _EXECUTOR is None:
            _EXECUTOR = ThreadPoolExecutor(PARALLEL_CHECKS, thread_name_prefix="moderation")
        return _EXECUTOR


def reject(
    *, user: User, moderation: Moderation, sha256: str, size: int, view: str = "picture"
) -> ImageRejected:
    """Records the refusal (never the picture) and returns the error to raise. `view` says
    what was checked: the whole "picture", the published "square" or a "tile"."""
    scores = [{"label": d.label, "score": round(d.score, 4)} for d in moderation.detections]
    ModerationEvent(
        user=user.id,
        model=moderation.model,
        version=moderation.version,
        explicit=True,
        threshold=moderation.threshold,
        reasons=list(moderation.reasons),
        scores=scores,
        sha256=sha256,
        size=size,
        view=view,
    ).save(force_insert=True)
    labels = sorted(set(moderation.reasons))
    # The refusal changed no profile field: its event is the whole update.
    User.objects(id=user.id).update_one(
        **events.emit("avatar.rejected", user_id=user.id, data={"reasons": labels})
    )
    readable = ", ".join(label.replace("_", " ").lower() for label in labels) or "nudity"
    refusal = ImageRejected(
        f"This picture was not accepted as an avatar because it appears to show {readable}. "
        "Please choose another picture, or ask a person to look at this one.",
        type_suffix="avatar-rejected",
        labels=labels,
    )
    refusal.scores = scores  # for an appeal's moderator (portrait.services.moderation)
    return refusal


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


def moderation_summary(analysis: AvatarAnalysis, *, score: float) -> dict:
    """What the avatar keeps of its checks; `score` is the master's (whole picture and tiles)
    highest policy score, which every later re-frame starts from."""
    return {
        "model": analysis.moderation_model,
        "version": analysis.moderation_version,
        "explicit": False,
        "threshold": analysis.threshold,
        "labels": sorted({d.label for d in analysis.detections}),
        "score": round(score, 4),
    }
