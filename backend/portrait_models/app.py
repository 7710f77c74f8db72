"""The model service's Flask app factory."""

from __future__ import annotations

import logging
from typing import Any

import cv2
from flask import Flask

from portrait_models.api import Service, bp
from portrait_models.config import Settings
from portrait_models.errors import register_error_handlers
from portrait_models.models import build_registry
from portrait_models.shadow import Shadow, parse

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Settings from defaults -> ``MODELS_*`` environment -> ``test_config`` (Settings fields)."""
    settings = Settings.load(test_config)
    # One worker process = one core's worth of threads; scale with processes (gunicorn).
    cv2.setNumThreads(settings.cv_threads)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_bytes
    app.json.sort_keys = False
    registry = build_registry(settings)
    targets = parse(settings.shadow)
    shadow = Shadow(registry, targets, settings.shadow_rate) if targets else None
    app.extensions["portrait_models"] = Service(settings=settings, registry=registry, shadow=shadow)
    register_error_handlers(app)
    app.register_blueprint(bp)
    if settings.preload:
        registry.load_all()
        log.info("models loaded: %s", ", ".join(settings.enabled_models))
    return app
