"""Settings of the model service: defaults, then ``MODELS_*`` environment variables, then
overrides (tests). Every option has a one-line description in ``OPTIONS``."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from typing import Any

EXPLICIT_LABELS = (
    "FEMALE_BREAST_EXPOSED",
    "FEMALE_GENITALIA_EXPOSED",
    "MALE_GENITALIA_EXPOSED",
    "BUTTOCKS_EXPOSED",
    "ANUS_EXPOSED",
)

OPTIONS: dict[str, str] = {
    "enabled_models": "MODELS_ENABLED: comma-separated model names this process serves.",
    "ort_threads": "MODELS_ORT_THREADS: onnxruntime intra-op threads per process (1 per worker).",
    "cv_threads": "MODELS_CV_THREADS: OpenCV threads per process (1 per worker).",
    "max_bytes": "MODELS_MAX_BYTES: largest request body in bytes (413 above).",
    "max_pixels": "MODELS_MAX_PIXELS: largest image in pixels, read from the header (413 above).",
    "decode_max_bytes": "MODELS_DECODE_MAX_BYTES: most memory one image's decode may take (413).",
    "decode_size": "MODELS_DECODE_SIZE: decode JPEGs reduced so the short side stays >= this.",
    "face_size": "MODELS_FACE_SIZE: short side of the image the face detector scans.",
    "nudity_threshold": "MODELS_NUDITY_THRESHOLD: score at which an explicit label counts.",
    "nudity_labels": "MODELS_NUDITY_LABELS: comma-separated NudeNet labels that count as explicit.",
    "preload": "MODELS_PRELOAD: load every model when the app is created (else on first use).",
    "stages_file": "MODELS_STAGES_FILE: the stages file (champion/candidate/retired); "
    "empty = backend/portrait_models/stages.json.",
    "reports_dir": "MODELS_REPORTS_DIR: where evaluation reports live; "
    "empty = backend/portrait_models/reports.",
    "shadow": "MODELS_SHADOW: comma-separated name@version candidates that also get a sample of "
    "real requests after the answer is sent (e.g. smart-crop@2.0.0).",
    "shadow_rate": "MODELS_SHADOW_RATE: share of requests (0-1) sent to the shadow candidates.",
    "realfaces_dir": "MODELS_EVAL_REALFACES: the real-face evaluation set; "
    "empty = ../shared/eval/realfaces beside the repository.",
}


@dataclass(frozen=True)
class Settings:
    enabled_models: tuple[str, ...] = ("nudity-detection", "smart-crop")
    ort_threads: int = 1
    cv_threads: int = 1
    max_bytes: int = 20 * 1024 * 1024
    # Below Pillow's own bomb threshold (~89 MP) so Pillow never warns before we refuse.
    max_pixels: int = 64_000_000
    # Priced from the header (decoding.decode_cost): a 40 MP RGBA PNG takes ~165 MB.
    decode_max_bytes: int = 256 << 20
    decode_size: int = 640
    face_size: int = 400
    # Low on purpose: 320n's recall is poor (see docs/models.md "Moderation policy").
    nudity_threshold: float = 0.25
    nudity_labels: tuple[str, ...] = EXPLICIT_LABELS
    preload: bool = True
    stages_file: str = ""
    reports_dir: str = ""
    realfaces_dir: str = ""
    shadow: tuple[str, ...] = ()
    shadow_rate: float = 0.1

    @classmethod
    def load(cls, overrides: dict[str, Any] | None = None) -> Settings:
        """Defaults, then the environment, then ``overrides``; raises ValueError when invalid."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = os.environ.get(OPTIONS[field.name].split(":")[0])
            if raw is not None and raw.strip() != "":
                values[field.name] = _parse(raw.strip(), getattr(cls, field.name))
        values.update(overrides or {})
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if not 0.25 <= self.nudity_threshold <= 1.0:
            # NudeNet's own NMS drops every box under 0.25, so lower would mean nothing.
            raise ValueError("MODELS_NUDITY_THRESHOLD must be within [0.25, 1]")
        for name in ("ort_threads", "cv_threads", "max_bytes", "max_pixels", "decode_max_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if not 0.0 <= self.shadow_rate <= 1.0:
            raise ValueError("MODELS_SHADOW_RATE must be within [0, 1]")
        if self.decode_size < 320 or self.face_size < 200:
            raise ValueError("MODELS_DECODE_SIZE must be >= 320 and MODELS_FACE_SIZE >= 200")


def _parse(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, tuple):
        return tuple(item.strip() for item in raw.split(",") if item.strip())
    return type(default)(raw)
