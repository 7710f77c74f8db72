"""HTTP routes: catalog, predict (latest or pinned), the avatar pipeline, health."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from portrait_models import pipelines
from portrait_models.config import Settings
from portrait_models.decoding import DecodedImage, decode
from portrait_models.errors import ModelNotReady, ServiceError
from portrait_models.registry import Model, Option, Registry, parse_options
from portrait_models.shadow import Shadow

bp = Blueprint("models", __name__)

AVATAR_OPTIONS = {"aspect": Option(float, 1.0, 0.2, 5.0, "crop width / height")}


@dataclass(frozen=True)
class Service:
    """What the views need, built once per app (``app.extensions["portrait_models"]``)."""

    settings: Settings
    registry: Registry
    shadow: Shadow | None = None


def _service() -> Service:
    return current_app.extensions["portrait_models"]


def _decoded_body() -> DecodedImage:
    settings = _service().settings
    data = request.get_data(cache=False)  # 413 above MAX_CONTENT_LENGTH, before reading it all
    return decode(
        data,
        max_pixels=settings.max_pixels,
        decode_size=settings.decode_size,
        max_decode_bytes=settings.decode_max_bytes,
    )


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


@bp.get("/v1/models")
def list_models():
    """The catalog: every model with its versions, options, output and license."""
    pipeline = {
        "name": "avatar",
        "path": "/v1/pipelines/avatar",
        "description": "nudity-detection, then smart-crop only if not explicit, on one decode",
        "options": {name: {"type": "float", "default": o.default, "minimum": o.minimum,
                           "maximum": o.maximum} for name, o in AVATAR_OPTIONS.items()},
    }  # fmt: skip
    return jsonify(models=_service().registry.catalog(), pipelines=[pipeline])


@bp.post("/v1/models/<name>/predict")
@bp.post("/v1/models/<name>/versions/<version>/predict")
def predict(name: str, version: str | None = None):
    """Runs one model on the image in the body; options are query parameters."""
    started = time.perf_counter()
    model = _service().registry.get(name, version)
    options = parse_options(model, request.args)
    image = _decoded_body()
    result = _run(model, image, options)
    metadata = {"model": model.name, "version": model.version, "duration_ms": _ms(started)}
    response = jsonify(result=result, metadata=metadata)
    if version is None:  # the champion answered: a candidate may shadow it
        _shadow_after(response, [(name, image, options, result, metadata["duration_ms"])])
    return response


@bp.post("/v1/pipelines/avatar")
def avatar_pipeline():
    """Moderation then, unless explicit, smart crop, on one decoded image."""
    started = time.perf_counter()
    registry = _service().registry
    for name in ("nudity-detection", "smart-crop"):
        registry.get(name)  # UnknownModel (404) when this process does not serve it
    unknown = sorted(set(request.args) - set(AVATAR_OPTIONS))
    if unknown:
        raise ServiceError(f"unknown option(s) {', '.join(unknown)}; known: aspect")
    aspect = AVATAR_OPTIONS["aspect"].parse("aspect", request.args.get("aspect", "1.0"))
    image = _decoded_body()
    envelope = pipelines.avatar(registry, image, aspect=aspect)
    envelope["metadata"]["duration_ms"] = _ms(started)
    response = jsonify(envelope)
    result, timings = envelope["result"], envelope["metadata"]["models"]
    samples = [("nudity-detection", image, {}, result["moderation"],
                timings["moderation"]["duration_ms"])]  # fmt: skip
    if result["crop"] is not None:
        options = {"aspect": aspect, "detections": result["moderation"]["detections"]}
        samples.append(("smart-crop", image, options, result["crop"],
                        timings["crop"]["duration_ms"]))  # fmt: skip
    _shadow_after(response, samples)
    return response


@bp.get("/v1/models/<name>/shadow")
def shadow_summary(name: str):
    """How a shadow candidate agrees with the champion on this process's real requests."""
    service = _service()
    champion = service.registry.get(name)  # 404 for an unknown model
    summary = service.shadow.summary(name) if service.shadow else None
    return jsonify(model=name, champion=champion.version, shadow=summary)


def _shadow_after(response: Response, samples: list[tuple]) -> None:
    """Offer the samples once the answer has been sent (the response is closed)."""
    shadow = _service().shadow
    if shadow is None:
        return
    response.call_on_close(
        lambda: [shadow.offer(n, i, o, r, ms / 1000) for n, i, o, r, ms in samples]
    )


@bp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Every enabled model is loaded (loads them on first call when not preloaded)."""
    registry = _service().registry
    try:
        registry.load_all()
    except Exception as exc:  # a model that cannot load makes the service unready, not 500
        raise ModelNotReady(f"models failed to load: {exc}") from exc
    models = [{"model": m.name, "version": m.version} for m in registry.all()]
    return jsonify(status="ready", models=models)


def _run(model: Model, image: DecodedImage, options: dict[str, Any]) -> dict[str, Any]:
    if not model.loaded:
        model.load()
    return model.predict(image, **options)
