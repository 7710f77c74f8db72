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
# Pyramid of octaves: windows up to OCTAVE_TOP px (OpenCV's 2-px stride), then the image
# shrinks by OCTAVE; 20 * 1.1**7 = 39 and 39 / 1.8 = 21.7 leave two scales of overlap.
OCTAVE_TOP = 39
OCTAVE = 1.8

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
    still reaches those, and windows smaller than them are skipped: portraits and selfies
    skip the fine scan's smallest windows, which are most of its cost.
    """
    gray = cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2GRAY)
    coarse = round(short_side * COARSE)
    if SUBJECT_SHARE * known_face >= MIN_FACE / _factor(gray.shape, coarse):
        short_side = coarse
    k = _factor(gray.shape, short_side)
    if k < 1.0:
        size = (max(1, round(gray.shape[1] * k)), max(1, round(gray.shape[0] * k)))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    smallest = max(MIN_FACE, int(SUBJECT_SHARE * known_face * k))
    sx, sy = scale[0] / k, scale[1] / k
    return [
        Face(Rect(x * sx, y * sy, w * sx, h * sy), "haar", n)
        for x, y, w, h, n in _scan_octaves(gray, smallest)
    ]


def _scan_octaves(gray: np.ndarray, smallest: int) -> list[tuple[float, float, float, float, int]]:
    """The cascade over a pyramid of octaves: windows up to ``OCTAVE_TOP`` px in each, then
    the image shrunk by ``OCTAVE`` for the next: nearly the same faces at 50-65% of the cost.

    OpenCV steps its window by 2 px while it is under twice the cascade's size but by 1 px
    beyond, so one call over the whole range spends most of its time on large windows at a
    needlessly fine stride. Octaves overlap by two scale steps so that a face at a seam is
    seen whole by one of them; the same face from two octaves keeps the stronger hit.
    A smaller octave has OCTAVE**2 fewer windows per face, so its neighbour counts are scaled
    up by that: on the composites this gives the counts of the single scan (true faces
    ~15-40), and ``STRONG_NEIGHBORS`` keeps its meaning at every size.
    """
    found: list[tuple[float, float, float, float, int]] = []
    width, height = gray.shape[1], gray.shape[0]
    lowest, density = smallest, 1.0
    while lowest <= min(gray.shape):
        sx, sy = width / gray.shape[1], height / gray.shape[0]
        last = min(gray.shape) / OCTAVE < 2 * MIN_FACE  # the next octave would hold no window
        if lowest <= OCTAVE_TOP or last:
            for x, y, w, h, n in _detect(gray, lowest, 0 if last else OCTAVE_TOP):
                hit = (x * sx, y * sy, w * sx, h * sy, round(n * density))
                _keep_stronger(found, hit)
        density *= OCTAVE**2
        if last:
            break
        size = (round(gray.shape[1] / OCTAVE), round(gray.shape[0] / OCTAVE))
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        lowest = max(MIN_FACE, int(lowest / OCTAVE))
    return found


def _detect(gray: np.ndarray, smallest: int, largest: int) -> list[tuple[int, ...]]:
    """One cascade call: (x, y, w, h, neighbours) of windows in [smallest, largest] px
    (``largest`` 0: no limit)."""
    boxes, neighbors = _cascade().detectMultiScale2(
        gray,
        scaleFactor=SCALE_FACTOR,
        minNeighbors=MIN_NEIGHBORS,
        minSize=(smallest, smallest),
        maxSize=(largest, largest),
    )
    boxes = np.asarray(boxes).reshape(-1, 4).tolist()
    return [(*box, int(n)) for box, n in zip(boxes, np.asarray(neighbors).reshape(-1), strict=True)]


def _keep_stronger(found: list, hit: tuple[float, float, float, float, int]) -> None:
    """Adds ``hit`` unless an octave already found that face; the stronger one stays."""
    rect = Rect(*hit[:4])
    for i, other in enumerate(found):
        if _same_face(Rect(*other[:4]), rect):
            if hit[4] > other[4]:
                found[i] = hit
            return
    found.append(hit)


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
