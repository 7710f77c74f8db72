"""``smart-crop``: faces first (portrait framing), otherwise a saliency crop."""

from __future__ import annotations

from typing import Any

from portrait_models.config import Settings
from portrait_models.crop import faces as face_detection
from portrait_models.crop.framing import frame_faces
from portrait_models.crop.geometry import Rect, to_pixels
from portrait_models.crop.saliency import saliency_crop
from portrait_models.decoding import DecodedImage
from portrait_models.models.nudity import INPUT, detect
from portrait_models.nudenet_onnx import MODEL_FILE, NudeNetDetector
from portrait_models.registry import Option


class SmartCrop:
    name = "smart-crop"
    version = "1.0.0"
    description = (
        "Avatar framing. Faces (OpenCV Haar cascade + NudeNet FACE_* boxes) are framed like a "
        "portrait: the main face about a third of the crop height, eyes on the upper third, "
        "every face of the group whole when it fits. Without a face, a smartcrop.js-style "
        "saliency crop (edges, skin, saturation, rule of thirds). Always inside the image, "
        "deterministic; boxes in upright original-image pixels."
    )
    license = (
        "Portrait's code: AGPL-3.0-or-later; OpenCV Haar cascade: Intel License Agreement "
        "(BSD-style); uses NudeNet (AGPL-3.0) for FACE_* boxes"
    )
    input = INPUT
    weights = (str(MODEL_FILE), face_detection.CASCADE_FILE)  # hashed into evaluation reports
    output = {
        "crop": "{x, y, width, height} of the requested aspect (+-1 px rounding)",
        "faces": "[{x, y, width, height, source}] the faces framed, largest first",
        "method": '"faces" or "saliency"',
    }

    def __init__(self, settings: Settings, detector: NudeNetDetector) -> None:
        self.detector = detector
        self.face_size = settings.face_size
        self.options = {
            "aspect": Option(float, 1.0, 0.2, 5.0, "crop width / height (1 = square avatar)")
        }
        self._cascade_loaded = False

    @property
    def loaded(self) -> bool:
        return self.detector.loaded and self._cascade_loaded

    def load(self) -> None:
        self.detector.load()
        face_detection.load()
        self._cascade_loaded = True

    def predict(
        self,
        image: DecodedImage,
        *,
        aspect: float = 1.0,
        detections: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """``detections``: a nudity-detection result's detections for the same image, which
        the avatar pipeline passes to avoid running NudeNet twice (same boxes either way)."""
        if detections is None:
            detections = detect(self.detector, image)
        sx, sy = image.scale
        nudenet = face_detection.nudenet_faces(detections)
        known = max((r.h / sy for r in nudenet), default=0.0)
        haar = face_detection.haar_faces(
            image.pixels, short_side=self.face_size, known_face=known, scale=image.scale
        )
        faces = face_detection.merge(haar, nudenet)
        if faces:
            rect, method = frame_faces(faces, image.width, image.height, aspect), "faces"
        else:
            r = saliency_crop(image.pixels, aspect)
            rect, method = Rect(r.x * sx, r.y * sy, r.w * sx, r.h * sy), "saliency"
        return {
            "crop": to_pixels(rect, aspect, image.width, image.height),
            "faces": [face.as_dict() for face in faces],
            "method": method,
        }
