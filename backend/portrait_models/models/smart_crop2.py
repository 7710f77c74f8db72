"""``smart-crop`` 2.0.0: NudeNet's CNN face boxes (already computed by moderation) framed by
a rule search -- no face sliced, the group kept when it fits, else the main person."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from portrait_models.crop import search
from portrait_models.crop.faces import FACE_ASPECT
from portrait_models.crop.geometry import Rect, to_pixels
from portrait_models.crop.saliency import saliency_crop
from portrait_models.decoding import DecodedImage
from portrait_models.models.nudity import detect
from portrait_models.models.smart_crop import SmartCrop
from portrait_models.nudenet_onnx import MODEL_FILE, NudeNetDetector

# NudeNet's FACE box -> forehead-to-chin, ear-to-ear: median ratios against the real-face
# set's boxes (in-sample: fitted on the set the floors are measured on).
STRETCH = {"x": -0.04, "y": -0.32, "w": 1.08, "h": 1.32}
MIN_SCORE = 0.25  # every FACE box NudeNet keeps; true faces scored 0.25-0.3 in groups
MAIN_SCORE = 0.4  # the main face is the largest one seen at least this surely
TILE_FROM = 1.3  # long side / short side from which a face-less image is scanned in tiles


def tile_detections(detector: NudeNetDetector, image: DecodedImage) -> list[dict[str, Any]]:
    """NudeNet again on overlapping squares of a wide or tall image: padded to one square
    and shrunk to 320 px, its faces fall below what 320n sees. Only for images where the
    first pass found no sure face, so portraits never pay for it."""
    pixels = image.pixels
    height, width = pixels.shape[:2]
    side, long = min(height, width), max(height, width)
    if long < TILE_FROM * side:
        return []
    found = []
    for start in np.linspace(0, long - side, math.ceil(long / side)).round().astype(int):
        x0, y0 = (int(start), 0) if width > height else (0, int(start))
        for d in detector.detect(pixels[y0 : y0 + side, x0 : x0 + side]):
            if d.label.startswith("FACE_"):
                box = image.to_original(d.x + x0, d.y + y0, d.w, d.h)
                found.append({"label": d.label, "score": d.score, "box": list(box)})
    return found


def faces_of(detections: list[dict[str, Any]]) -> list[tuple[float, Rect]]:
    found = []
    for d in detections:
        x, y, w, h = (float(v) for v in d["box"])
        if not d["label"].startswith("FACE_") or d["score"] < MIN_SCORE or h <= 0:
            continue
        if FACE_ASPECT[0] <= w / h <= FACE_ASPECT[1]:
            rect = Rect(
                x + STRETCH["x"] * w, y + STRETCH["y"] * h, w * STRETCH["w"], h * STRETCH["h"]
            )
            found.append((d["score"], rect))
    return found


class SmartCrop2(SmartCrop):
    version = "2.0.0"
    description = (
        "Avatar framing on NudeNet's CNN face boxes (the moderation pass already computes "
        "them: no second detector). Rules: never slice a face (whole or out); keep the whole "
        "group when one crop holds it with the main face >= 20% of its height, else frame "
        "the main person (face a third of the crop height, eyes on the upper third). Without "
        "a face, a smartcrop.js-style saliency crop. Deterministic; boxes in original pixels."
    )
    license = "Portrait's code: AGPL-3.0-or-later; uses NudeNet (AGPL-3.0) for FACE_* boxes"
    weights = (str(MODEL_FILE),)

    @property
    def loaded(self) -> bool:
        return self.detector.loaded

    def load(self) -> None:
        self.detector.load()

    def predict(self, image: DecodedImage, *, aspect: float = 1.0,
                detections: list[dict[str, Any]] | None = None) -> dict[str, Any]:  # fmt: skip
        if detections is None:
            detections = detect(self.detector, image)
        scored = faces_of(detections)
        if not any(s >= MAIN_SCORE for s, _ in scored):
            scored = _dedupe(scored + faces_of(tile_detections(self.detector, image)))
        sure = [r for s, r in scored if s >= MAIN_SCORE] or [r for _, r in scored]
        if sure:
            main = max(sure, key=lambda r: (r.h, -r.x, -r.y))
            others = sorted((r for _, r in scored if r is not main), key=lambda r: (-r.h, r.x, r.y))
            faces = [main, *others]
            rect, method = search.frame(faces, image.width, image.height, aspect), "faces"
        else:
            faces, (sx, sy) = [], image.scale
            r = saliency_crop(image.pixels, aspect)
            rect, method = Rect(r.x * sx, r.y * sy, r.w * sx, r.h * sy), "saliency"
        return {
            "crop": to_pixels(rect, aspect, image.width, image.height),
            "faces": [{"x": round(f.x), "y": round(f.y), "width": round(f.w),
                       "height": round(f.h), "source": "nudenet"} for f in faces],
            "method": method,
        }  # fmt: skip


def _dedupe(scored: list[tuple[float, Rect]]) -> list[tuple[float, Rect]]:
    """One box per face (tiles overlap): the higher score wins."""
    kept: list[tuple[float, Rect]] = []
    for score, rect in sorted(scored, key=lambda p: (-p[0], p[1].x, p[1].y)):
        if all(rect.intersection_area(r) < 0.3 * min(rect.area, r.area) for _, r in kept):
            kept.append((score, rect))
    return kept
