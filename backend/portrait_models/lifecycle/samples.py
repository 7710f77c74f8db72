"""Sample images built from scikit-image's bundled photos (a test/evaluation dependency,
imported lazily): the astronaut composited into other real photos, and safe photo sets.

The evaluation suites and tests/models share these, so a test and a report measure the same
images. Everything is deterministic: same library versions, same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from functools import cache

import numpy as np
from PIL import Image

# The astronaut's face, forehead to chin and ear to ear, drawn by hand on the 512x512 photo
# (a little larger than both NudeNet's and the Haar cascade's boxes).
ASTRONAUT_FACE = (170, 62, 108, 120)  # x, y, width, height

# The framing bar: off-centre positions (edges, corners) at 3 sizes in wide and tall frames.
POSITIONS = [(0.0, 0.5), (0.15, 0.2), (0.85, 0.8), (1.0, 0.5), (0.5, 1.0), (0.5, 0.0)]
SCALES = [0.7, 1.0, 1.4]
FRAMES = {"wide": [(1600, 900), (2000, 1000)], "tall": [(900, 1600), (1000, 1500)]}
BACKGROUNDS = ["rocket", "coffee", "chelsea"]

SAFE_PHOTOS = ["astronaut", "camera", "coffee", "chelsea", "rocket", "hubble_deep_field"]
SAFE_PHOTOS += ["retina", "immunohistochemistry", "coins", "moon", "page", "text", "cell"]
SAFE_PHOTOS += ["brick", "grass", "gravel", "clock", "logo", "horse", "colorwheel"]


@cache
def photo(name: str) -> np.ndarray:
    """An RGB uint8 array of a bundled skimage photo (grayscale ones as RGB)."""
    from skimage import data  # the test extra; the service itself never needs it

    pixels = getattr(data, name)()
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return np.ascontiguousarray(pixels[..., :3]).astype(np.uint8)


def encode(pixels: np.ndarray, fmt: str = "JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt, **params)
    return buffer.getvalue()


def resized(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.asarray(Image.fromarray(pixels).resize((width, height), Image.Resampling.LANCZOS))


def composite(
    frame: tuple[int, int], scale: float, at: tuple[float, float], background: str = "rocket"
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The astronaut photo scaled by ``scale`` and placed at fractional position ``at``
    (0 = left/top edge, 1 = right/bottom edge) on a real photo stretched to ``frame``.
    Returns the pixels and the face's box in them."""
    width, height = frame
    pixels = resized(photo(background), width, height).copy()
    side = round(512 * scale)
    person = resized(photo("astronaut"), side, side)
    x, y = round((width - side) * at[0]), round((height - side) * at[1])
    pixels[y : y + side, x : x + side] = person
    fx, fy, fw, fh = ASTRONAUT_FACE
    return pixels, (x + fx * scale, y + fy * scale, fw * scale, fh * scale)


def framing_composites(orientation: str) -> Iterator[tuple[np.ndarray, tuple, tuple]]:
    """The framing bar's cases of one orientation: (pixels, face box, frame size)."""
    for i, frame in enumerate(FRAMES[orientation]):
        for scale in SCALES:
            for j, at in enumerate(POSITIONS):
                pixels, face = composite(frame, scale, at, BACKGROUNDS[(i + j) % 3])
                yield pixels, face, frame


def safe_images() -> dict[str, np.ndarray]:
    """Safe photos (each also flipped, cropped and doubled) and the astronaut composited
    into other photos: nothing here is explicit."""
    found: dict[str, np.ndarray] = {}
    for name in SAFE_PHOTOS:
        pixels = photo(name)
        h, w = pixels.shape[:2]
        found[name] = pixels
        found[name + " flipped"] = np.ascontiguousarray(pixels[:, ::-1])
        found[name + " cropped"] = np.ascontiguousarray(pixels[h // 4 :, w // 6 : w - w // 6])
        found[name + " x2"] = resized(pixels, w * 2, h * 2)
    for frame in [(1600, 900), (900, 1600), (2000, 1000)]:
        for scale in (0.7, 1.0, 1.4):
            for at in [(0.0, 0.5), (0.5, 0.5), (1.0, 0.0)]:
                for background in BACKGROUNDS:
                    key = f"astronaut in {background} {frame} x{scale} at {at}"
                    found[key] = composite(frame, scale, at, background)[0]
    return found


def contains(crop: dict, box: tuple[float, float, float, float], tolerance: float = 0.0) -> bool:
    x, y, w, h = box
    return (
        crop["x"] <= x + tolerance
        and crop["y"] <= y + tolerance
        and crop["x"] + crop["width"] >= x + w - tolerance
        and crop["y"] + crop["height"] >= y + h - tolerance
    )
