"""smart-crop 2's faces: BlazeFace over the whole image, then, only where small faces can
matter, over a 3x3, then a 6x6 grid of overlapping tiles.

The short-range BlazeFace sees faces down to about a tenth of the side it is given. One
pass over the whole (letterboxed) image finds a portrait's face; a group's small faces need
the tiles. The framing rules only care about faces at least a third of the main face's
height, so the tiles are skipped when the first pass found a face large enough that every
such face would have been seen too, or when NudeNet (run by moderation anyway) saw no face
of that size elsewhere: portraits pay for one pass. (Only a sure face counts: a cat filling
the frame must not hide the person beside it.)
"""

from __future__ import annotations

from portrait_models.blazeface_onnx import BlazeFaceDetector
from portrait_models.crop.geometry import Rect
from portrait_models.decoding import DecodedImage

# BlazeFace's box (brows to mouth) -> forehead-to-chin, ear-to-ear: the real-face set's
# published map for MediaPipe's detector (truth.json "maps.mp"), not fitted by this project.
STRETCH = {"x": -0.058, "y": -0.233, "w": 1.066, "h": 1.259}
MIN_SCORE = 0.6  # below it, on the real-face set, most detections were not faces
# A face seen this surely: on the real-face set and the composites every detection scored
# >= 0.8 was a face, while cats, posters and textures scored 0.6-0.7.
SURE = 0.8
GRIDS = (3, 6)  # tiles per side of each finer pass, run while _enough says no
OVERLAP = 1.3  # a tile's side, as a share of side / GRID: a face on a seam is whole in one
SEEN = 0.36  # a main face this share of the long side: faces a third its size were visible
HINT_STRETCH = 1.3  # a NudeNet FACE box is brows to chin: about 1/1.3 of a forehead-to-chin one
DUPLICATE = 0.3  # overlap (of the smaller box) from which two boxes are one face


def find_faces(
    detector: BlazeFaceDetector, image: DecodedImage, hints: list[Rect]
) -> list[tuple[float, Rect]]:
    """(score, face box in original upright pixels), best first, one box per face.

    ``hints``: faces another detector saw (NudeNet's FACE boxes, which moderation computed
    anyway). With a sure face found, the tiles run only when a hint large enough to matter
    lies where no face was found; with none, they look for a small one."""
    faces = _scan(detector, image, [(0, 0, image.pixels.shape[1], image.pixels.shape[0])])
    for grid in GRIDS:
        if _enough(faces, hints, image):
            break
        faces = _dedupe(faces + _scan(detector, image, _tiles(image, grid)))
    return _dedupe(faces)


def _enough(faces: list[tuple[float, Rect]], hints: list[Rect], image: DecodedImage) -> bool:
    """Whether a finer look can be spared: a sure face was found, and either it is so large
    that every face that matters was visible too, or no hint of such a face was missed."""
    largest = max((r.h for score, r in faces if score >= SURE), default=0.0)
    if largest >= SEEN * max(image.width, image.height):
        return True
    return bool(largest) and not _missed(hints, [r for _, r in faces], largest)


def _missed(hints: list[Rect], found: list[Rect], main: float) -> bool:
    """A hinted face that could matter (a third of the main face, in forehead-to-chin
    terms) where no face was found."""
    return any(
        hint.h * HINT_STRETCH >= main / 3 and all(hint.intersection_area(f) == 0 for f in found)
        for hint in hints
    )


def _tiles(image: DecodedImage, grid: int) -> list[tuple[int, int, int, int]]:
    """grid x grid overlapping squares (x0, y0, x1, y1) covering the decoded pixels."""
    height, width = image.pixels.shape[:2]
    side = max(height, width) / grid * OVERLAP
    tiles = []
    for row in range(grid):
        for col in range(grid):
            x0 = int(min(max(0.0, (col + 0.5) * width / grid - side / 2), max(0.0, width - side)))
            y0 = int(min(max(0.0, (row + 0.5) * height / grid - side / 2), max(0.0, height - side)))
            tiles.append((x0, y0, int(min(width, x0 + side)), int(min(height, y0 + side))))
    return tiles


def _scan(
    detector: BlazeFaceDetector, image: DecodedImage, regions: list[tuple[int, int, int, int]]
) -> list[tuple[float, Rect]]:
    pixels = image.pixels
    crops = [pixels[y0:y1, x0:x1] for x0, y0, x1, y1 in regions]
    found = []
    for (x0, y0, _, _), faces in zip(regions, detector.detect_many(crops), strict=True):
        for face in faces:
            if face.score < MIN_SCORE:
                continue
            x, y, w, h = image.to_original(face.x + x0, face.y + y0, face.w, face.h)
            rect = Rect(x + STRETCH["x"] * w, y + STRETCH["y"] * h,
                        w * STRETCH["w"], h * STRETCH["h"])  # fmt: skip
            if rect.h > 0:
                found.append((face.score, rect))
    return found


def _dedupe(scored: list[tuple[float, Rect]]) -> list[tuple[float, Rect]]:
    """One box per face (passes and tiles overlap): the higher score wins."""
    kept: list[tuple[float, Rect]] = []
    for score, rect in sorted(scored, key=lambda p: (-p[0], p[1].x, p[1].y)):
        if all(rect.intersection_area(r) < DUPLICATE * min(rect.area, r.area) for _, r in kept):
            kept.append((score, rect))
    return kept
