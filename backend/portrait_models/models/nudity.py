"""``nudity-detection``: NudeNet 320n plus a configurable policy of what counts as explicit."""

from __future__ import annotations

from typing import Any

from portrait_models.config import Settings
from portrait_models.decoding import DecodedImage
from portrait_models.nudenet_onnx import LABELS, MODEL_FILE, NudeNetDetector
from portrait_models.registry import Option

INPUT = "image bytes (JPEG, PNG, WebP, GIF, HEIC, AVIF) as the request body"


class NudityDetection:
    name = "nudity-detection"
    version = "1.0.0"
    description = (
        "NudeNet 3.4.2's 320n ONNX detector (18 body-part labels). The image is explicit when "
        "any label of the policy scores at or above the threshold; boxes are [x, y, w, h] in "
        "upright original-image pixels."
    )
    license = "NudeNet code and 320n weights: AGPL-3.0 (github.com/notAI-tech/NudeNet)"
    input = INPUT
    weights = (str(MODEL_FILE),)  # hashed into evaluation reports
    output = {
        "explicit": "bool",
        "reasons": "[label] policy labels at or above the threshold, highest score first",
        "threshold": "float",
        "detections": "[{label, score, box: [x, y, w, h]}] every detection >= 0.25",
        "labels": list(LABELS),
    }

    def __init__(self, settings: Settings, detector: NudeNetDetector) -> None:
        self.detector = detector
        self.policy_labels = frozenset(settings.nudity_labels)
        self.threshold = settings.nudity_threshold
        self.options = {
            "threshold": Option(
                float, self.threshold, 0.25, 1.0, "score at which a policy label counts"
            )
        }

    @property
    def loaded(self) -> bool:
        return self.detector.loaded

    def load(self) -> None:
        self.detector.load()

    def predict(self, image: DecodedImage, *, threshold: float | None = None) -> dict[str, Any]:
        threshold = self.threshold if threshold is None else threshold
        detections = detect(self.detector, image)
        reasons: list[str] = []
        for d in detections:
            label = d["label"]
            if label in self.policy_labels and d["score"] >= threshold and label not in reasons:
                reasons.append(label)
        return {
            "explicit": bool(reasons),
            "reasons": reasons,
            "threshold": threshold,
            "detections": detections,
        }


def detect(detector: NudeNetDetector, image: DecodedImage) -> list[dict[str, Any]]:
    """NudeNet's detections as result dicts, highest score first, boxes in original pixels."""
    raw = sorted(detector.detect(image.pixels), key=lambda d: (-d.score, d.label))
    return [
        {
            "label": d.label,
            "score": round(d.score, 4),
            "box": list(image.to_original(d.x, d.y, d.w, d.h)),
        }
        for d in raw
    ]
