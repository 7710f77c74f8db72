"""Real sample photos (scikit-image's bundled data) and composites built from them."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image
from skimage import data

# The astronaut's face, forehead to chin and ear to ear, drawn by hand on the 512x512 photo
# (a little larger than both NudeNet's and the Haar cascade's boxes).
ASTRONAUT_FACE = (170, 62, 108, 120)  # x, y, width, height
NO_FACE_PHOTOS = ("coffee", "chelsea", "rocket")


@cache
def photo(name: str) -> np.ndarray:
    """An RGB uint8 array of a bundled skimage photo (grayscale ones as RGB)."""
    pixels = getattr(data, name)()
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return np.ascontiguousarray(pixels[..., :3]).astype(np.uint8)


def encode(pixels: np.ndarray, fmt: str = "JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg(name: str, **params) -> bytes:
    return encode(photo(name), "JPEG", quality=90, **params)


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


def with_exif_orientation(pixels: np.ndarray, orientation: int) -> bytes:
    """A JPEG whose stored pixels are rotated so that EXIF ``orientation`` makes them upright."""
    undo = {
        3: Image.Transpose.ROTATE_180,
        6: Image.Transpose.ROTATE_90,  # stored rotated 90 CCW; viewers rotate 90 CW (270 CCW)
        8: Image.Transpose.ROTATE_270,
    }[orientation]
    stored = Image.fromarray(pixels).transpose(undo)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def contains(crop: dict, box: tuple[float, float, float, float], tolerance: float = 0.0) -> bool:
    x, y, w, h = box
    return (
        crop["x"] <= x + tolerance
        and crop["y"] <= y + tolerance
        and crop["x"] + crop["width"] >= x + w - tolerance
        and crop["y"] + crop["height"] >= y + h - tolerance
    )
