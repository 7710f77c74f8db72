"""Real sample photos (scikit-image's bundled data) and composites built from them.

The builders live in ``portrait_models.lifecycle.samples`` so the evaluation suites measure
the very images these tests use; this module adds the test-only helpers."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from portrait_models.lifecycle.samples import (  # noqa: F401 (re-exported for the tests)
    ASTRONAUT_FACE,
    composite,
    contains,
    encode,
    photo,
    resized,
)

NO_FACE_PHOTOS = ("coffee", "chelsea", "rocket")


def jpeg(name: str, **params) -> bytes:
    return encode(photo(name), "JPEG", quality=90, **params)


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
