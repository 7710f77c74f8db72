"""A stand-in model service that sees "nudity" only in a marker, to test what gets checked.

It speaks the real service's HTTP contract (DESIGN.md §4) for the avatar pipeline and
`nudity-detection`, and scores what the image it receives shows: a saturated magenta patch
covering >= 20% of its input scores 0.9 (explicit), a saturated cyan one 0.3 (the review
band), anything else nothing. So a small marker in a large photo is missed by the whole-picture
check and caught only where the API sends a closer view (the published square, a tile).
Every request is recorded (`app.config["SEEN"]`) so tests can see which views were sent.
"""

from __future__ import annotations

import io

import numpy as np
from flask import Flask, request
from PIL import Image, ImageDraw

MAGENTA, CYAN = (255, 0, 255), (0, 255, 255)
COVERAGE = 0.20  # of the model's input
SCORES = {MAGENTA: 0.9, CYAN: 0.3}
LABEL = "FEMALE_BREAST_EXPOSED"
REF = {"version": "marker-1", "duration_ms": 0.1, "skipped": False}


def coverage(pixels: np.ndarray, colour: tuple[int, int, int]) -> float:
    """Share of pixels within 60 of `colour` in every channel (codecs move values a little)."""
    close = np.all(np.abs(pixels.astype(np.int16) - np.array(colour)) <= 60, axis=2)
    return float(close.mean())


def moderation(pixels: np.ndarray, size: tuple[int, int], threshold: float) -> dict:
    width, height = size
    detections = [
        {"label": LABEL, "score": score, "box": [0, 0, width, height]}
        for colour, score in SCORES.items()
        if coverage(pixels, colour) >= COVERAGE
    ]
    reasons = [LABEL] if any(d["score"] >= threshold for d in detections) else []
    return {"explicit": bool(reasons), "reasons": reasons, "threshold": threshold,
            "detections": detections}  # fmt: skip


def centre_crop(width: int, height: int) -> dict:
    side = min(width, height)
    box = {"x": (width - side) // 2, "y": (height - side) // 2, "width": side, "height": side}
    return {"crop": box, "faces": [], "method": "saliency"}


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SEEN"] = []  # (path, width, height) of every image received

    def received() -> np.ndarray:
        image = Image.open(io.BytesIO(request.get_data()))
        app.config["SEEN"].append((request.path, image.width, image.height))
        size = image.size
        image.draft("RGB", (160, 160))  # shares do not need full size: cheap on a busy machine
        pixels = np.asarray(image.convert("RGB").resize((160, round(160 * size[1] / size[0]))))
        return pixels, size

    @app.get("/healthz")
    @app.get("/readyz")
    def health():
        return {"status": "ok"}

    @app.post("/v1/models/nudity-detection/predict")
    def nudity():
        result = moderation(*received(), float(request.args.get("threshold", 0.25)))
        return {"result": result, "metadata": {"model": "nudity-detection", **REF}}

    @app.post("/v1/models/smart-crop/predict")
    def smart_crop():
        width, height = received()[1]
        return {"result": centre_crop(width, height), "metadata": {"model": "smart-crop", **REF}}

    @app.post("/v1/pipelines/avatar")
    def avatar():
        pixels, (width, height) = received()
        result = moderation(
            pixels, (width, height), 0.25
        )  # like the real service: no crop when explicit
        crop = None if result["explicit"] else centre_crop(width, height)
        models = {"moderation": {"model": "nudity-detection", **REF},
                  "crop": {"model": "smart-crop", **REF, "skipped": crop is None}}  # fmt: skip
        return {
            "result": {"image": {"width": width, "height": height}, "moderation": result,
                       "crop": crop},
            "metadata": {"pipeline": "avatar", "duration_ms": 0.2, "models": models},
        }  # fmt: skip

    return app


def marked_photo(size: tuple[int, int], box: tuple[int, int, int, int], colour=MAGENTA) -> bytes:
    """A grey photo-like JPEG with a `colour` rectangle at `box` (x, y, width, height)."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    x, y, w, h = box
    ImageDraw.Draw(image).rectangle((x, y, x + w - 1, y + h - 1), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()
