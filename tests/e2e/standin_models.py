"""A stand-in model service whose avatar pipeline calls every photo explicit.

It tests the page's refusal path, not the model: the real NudeNet detector is exercised by
the main walk and by tests/models. It speaks the real service's HTTP contract (DESIGN.md §4).
"""

from __future__ import annotations

import io

from flask import Flask, request
from PIL import Image

REASON = "FEMALE_BREAST_EXPOSED"


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/healthz")
    @app.get("/readyz")
    def health():
        return {"status": "ok"}

    @app.post("/v1/pipelines/avatar")
    def avatar():
        width, height = Image.open(io.BytesIO(request.get_data())).size
        detection = {"label": REASON, "score": 0.97, "box": [0, 0, width // 2, height // 2]}
        ref = {"version": "stand-in", "duration_ms": 0.1, "skipped": False}
        return {
            "result": {
                "image": {"width": width, "height": height},
                "moderation": {
                    "explicit": True,
                    "reasons": [REASON],
                    "threshold": 0.5,
                    "detections": [detection],
                },
                "crop": None,
            },
            "metadata": {
                "pipeline": "avatar",
                "duration_ms": 0.2,
                "models": {
                    "moderation": {"model": "nudity-detection", **ref},
                    "crop": {"model": "smart-crop", **ref, "duration_ms": None, "skipped": True},
                },
            },
        }

    return app
