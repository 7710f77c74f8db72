"""Faces from two detectors: OpenCV's Haar cascade and NudeNet's FACE_* boxes.

NudeNet alone misses small and half-turned faces; the Haar cascade misses some NudeNet
catches (e.g. skimage's ``camera``). Boxes that overlap are merged into their union, so the
face box spans Haar's forehead and NudeNet's chin.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from portrait_models.crop.geometry import Rect

# alt2 had the fewest false positives on skimage's photos and textures of the bundled cascades.
CASCADE_FILE = cv2.data.haarcascades + "haarcascade_frontalface_alt2.xml"
# Scan parameters tuned on the face composites of tests/models: a 1.1 step and 4 neighbours
# found 71 of 72 faces with one false positive; 1.2 was faster but lost a quarter.
SCALE_FACTOR = 1.1
MIN_NEIGHBORS = 4
MIN_FACE = 20  # pixels in the scanned image: the cascade's own window
# NudeNet's FACE_* false positives on the composites (a stretched cat, photo edges) scored
# up to 0.43 and had odd shapes; true faces it alone found (camera: 0.58) score higher.
NUDENET_FACE_SCORE = 0.45
FACE_ASPECT = (0.5, 2.0)  # width / height of a plausible face box
SAME_FACE_IOU = 0.3
# Faces much smaller than the main one are background people, not the subject.
SUBJECT_SHARE = 0.5
# Raw cascade hits merged into a face: true faces had a median of 21 on the composites,
# the cascade's false positives 5-6. Stronger faces win the "main face" role.
STRONG_NEIGHBORS = 8
COARSE = 0.6  # the coarse scan's size, as a share of the fine one

_local = threading.local()  # CascadeClassifier is not documented as thread-safe


@dataclass(frozen=True)
class Face:
    rect: Rect
    source: str  # "haar", "nudenet" or "haar+nudenet"
    neighbors: int = 0  # the cascade's raw hits for this face (0 when NudeNet alone)

    @property
    def trust(self) -> int:
        """2: NudeNet saw it; 1: a strong cascade hit; 0: a weak one."""
        return 2 if "nudenet" in self.source else int(self.neighbors >= STRONG_NEIGHBORS)

    def as_dict(self) -> dict[str, int | str]:
        r = self.rect
        return {"x": round(r.x), "y": round(r.y), "width": round(r.w), "height": round(r.h),
                "source": self.source}  # fmt: skip


def _cascade() -> cv2.CascadeClassifier:
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        cascade = cv2.CascadeClassifier(CASCADE_FILE)
        if cascade.empty():
            raise RuntimeError(f"could not load the Haar cascade {CASCADE_FILE}")
        _local.cascade = cascade
    return cascade


def load() -> None:
    _cascade()


def haar_faces(
    rgb: np.ndarray, *, short_side: int, known_face: float = 0.0, scale=(1.0, 1.0)
) -> list[Face]:
    """Frontal faces in ``rgb``, scanned at ``short_side``; boxes in ``rgb``'s pixels times
    ``scale`` (x, y): the decoded image's scale gives original pixels.

    When NudeNet already saw a face ``known_face`` px tall, faces under ``SUBJECT_SHARE`` of
    it do not matter to framing, so a scan at ``COARSE`` of the size is enough as long as it
    still reaches those: portraits and selfies skip the fine scan's smallest windows, which
    are most of its cost.
    """
    gray = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2GRAY)
    coarse = round(short_side * COARSE)
    if SUBJECT_SHARE * known_face >= MIN_FACE / _factor(gray.shape, coarse):
        short_side = coarse
    k = _factor(gray.shape, short_side)
    if k < 1.0:
        size = (max(1, round(gray.shape[1] * k)), max(1, round(gray.shape[0] * k)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    found, neighbors = _cascade().detectMultiScale2(
        gray, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBORS, minSize=(MIN_FACE, MIN_FACE)
    )
    boxes = np.asarray(found).reshape(-1, 4)
    sx, sy = scale[0] / k, scale[1] / k
    return [
        Face(Rect(x * sx, y * sy, w * sx, h * sy), "haar", int(n))
        for (x, y, w, h), n in zip(boxes, np.asarray(neighbors).reshape(-1), strict=True)
    ]


def _factor(shape: tuple[int, ...], short_side: int) -> float:
    """Scale that brings an image to ``short_side`` (never up; long side <= 2.5x that)."""
    height, width = shape[:2]
    return min(1.0, short_side / min(height, width), 2.5 * short_side / max(height, width))


def nudenet_faces(detections: list[dict]) -> list[Rect]:
    """FACE_* boxes of a nudity-detection result (already in original pixels)."""
    boxes = [
        Rect(*(float(v) for v in d["box"]))
        for d in detections
        if d["label"].startswith("FACE_") and d["score"] >= NUDENET_FACE_SCORE
    ]
    return [r for r in boxes if r.h > 0 and FACE_ASPECT[0] <= r.w / r.h <= FACE_ASPECT[1]]


def merge(haar: list[Face], nudenet: list[Rect]) -> list[Face]:
    """Union of overlapping boxes; the main face first (most trusted, then largest), then the
    faces at least ``SUBJECT_SHARE`` of it, in a deterministic order."""
    faces = list(haar)
    for rect in nudenet:
        match = next((i for i, f in enumerate(faces) if _same_face(f.rect, rect)), None)
        if match is None:
            faces.append(Face(rect, "nudenet"))
        elif faces[match].source == "haar":
            face = faces[match]
            faces[match] = Face(face.rect.union(rect), "haar+nudenet", face.neighbors)
    faces.sort(key=lambda f: (-f.trust, -f.rect.area, f.rect.x, f.rect.y))
    if not faces:
        return []
    main_height = faces[0].rect.h
    return [faces[0]] + [f for f in faces[1:] if f.rect.h >= SUBJECT_SHARE * main_height]


def _same_face(a: Rect, b: Rect) -> bool:
    overlap = a.intersection_area(b)
    return overlap >= SAME_FACE_IOU * (a.area + b.area - overlap)
