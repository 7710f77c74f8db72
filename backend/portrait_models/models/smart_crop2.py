"""``smart-crop`` 2.0.0: MediaPipe's BlazeFace CNN finds the faces, a rule search frames
them -- no face sliced, the group kept when it fits, else the main person."""

from __future__ import annotations

from typing import Any

from portrait_models import blazeface_onnx
from portrait_models.config import Settings
from portrait_models.crop import search
from portrait_models.crop.face_scan import SURE, find_faces
from portrait_models.crop.faces import nudenet_faces
from portrait_models.crop.geometry import Rect, to_pixels
from portrait_models.crop.saliency import saliency_crop
from portrait_models.decoding import DecodedImage
from portrait_models.models.nudity import detect
from portrait_models.models.smart_crop import SmartCrop
from portrait_models.nudenet_onnx import NudeNetDetector


class SmartCrop2(SmartCrop):
    version = "2.0.0"
    description = (
        "Avatar framing on MediaPipe's BlazeFace CNN face detector (short range, run at "
        "128 px over the whole photo, then over 3x3 tiles where small faces can matter). "
        "Rules: never slice a face (whole or out); keep the whole group when one crop holds "
        "it with the main face >= 20% of its height, else frame the main person with the "
        "nearest neighbours one crop holds whole (face a third of the crop height where "
        "it can be, eyes on the upper third). Without a face, a "
        "smartcrop.js-style saliency crop. Deterministic; boxes in original pixels."
    )
    license = (
        "Portrait's code: AGPL-3.0-or-later; BlazeFace weights (MediaPipe 0.10.21, "
        "converted to ONNX): Apache-2.0"
    )
    weights = (str(blazeface_onnx.MODEL_FILE),)

    def __init__(self, settings: Settings, detector: NudeNetDetector) -> None:
        super().__init__(settings, detector)
        self.faces = blazeface_onnx.BlazeFaceDetector(threads=settings.ort_threads)

    @property
    def loaded(self) -> bool:
        return self.faces.loaded and self.detector.loaded

    def load(self) -> None:
        self.faces.load()
        self.detector.load()

    def predict(self, image: DecodedImage, *, aspect: float = 1.0,
                detections: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
        """``detections``: NudeNet's for the same image (the avatar pipeline passes them;
        else they are computed): its FACE boxes tell where BlazeFace must look closer."""
        if detections is None:
            detections = detect(self.detector, image)
        scored = find_faces(self.faces, image, nudenet_faces(detections))
        if scored:
            sure = [r for s, r in scored if s >= SURE] or [r for _, r in scored]
            main = max(sure, key=lambda r: (r.h, -r.x, -r.y))
            others = sorted((r for r in sure if r is not main), key=lambda r: (-r.h, r.x, r.y))
            unsure = tuple(r for _, r in scored if r not in sure)
            faces = [main, *others]
            rect = search.frame(faces, image.width, image.height, aspect, unsure)
            method = "faces"
        else:
            faces, (sx, sy) = [], image.scale
            r = saliency_crop(image.pixels, aspect)
            rect, method = Rect(r.x * sx, r.y * sy, r.w * sx, r.h * sy), "saliency"
        return {
            "crop": to_pixels(rect, aspect, image.width, image.height),
            "faces": [{"x": round(f.x), "y": round(f.y), "width": round(f.w),
                       "height": round(f.h), "source": "blazeface"} for f in faces],
            "method": method,
        }  # fmt: skip
