"""Pipelines: plain functions composing models over one decoded image."""

from __future__ import annotations

import time
from typing import Any

from portrait_models.decoding import DecodedImage
from portrait_models.registry import Registry


def avatar(registry: Registry, image: DecodedImage, *, aspect: float = 1.0) -> dict[str, Any]:
    """Moderate, then -- only if not explicit -- crop, reusing NudeNet's detections (faces).

    Returns the response envelope: ``result`` {image, moderation, crop|null} and
    ``metadata`` {pipeline, duration_ms, models: {moderation, crop}}.
    """
    started = time.perf_counter()
    nudity, smart_crop = registry.get("nudity-detection"), registry.get("smart-crop")
    moderation = nudity.predict(image)
    moderated = time.perf_counter()
    crop = None
    if not moderation["explicit"]:
        crop = smart_crop.predict(image, aspect=aspect, detections=moderation["detections"])
    finished = time.perf_counter()
    return {
        "result": {
            "image": {"width": image.width, "height": image.height},
            "moderation": moderation,
            "crop": crop,
        },
        "metadata": {
            "pipeline": "avatar",
            "models": {
                "moderation": _ref(nudity, moderated - started, skipped=False),
                "crop": _ref(smart_crop, finished - moderated, skipped=crop is None),
            },
        },
    }


def _ref(model: Any, seconds: float, *, skipped: bool) -> dict[str, Any]:
    return {
        "model": model.name,
        "version": model.version,
        "duration_ms": None if skipped else round(seconds * 1000, 2),
        "skipped": skipped,
    }
