"""Image decoding, in one place for every model.

Bytes in, an upright RGB array out, decoded only as large as the models need: JPEGs use
Pillow's ``draft`` (DCT scaling: a 12 MP photo decodes at 1/4 size in a fraction of the time),
other formats are box-reduced after decoding (palette and 16-bit ones converted a band of
rows at a time, so no full-size copy is made). EXIF orientation is applied, any mode becomes
8-bit RGB, and alpha is flattened onto white -- what a person sees, so what gets moderated.
Models report boxes in *original upright* pixels via ``DecodedImage.to_original``.

Memory is bounded before any pixel is decoded: ``decode_cost`` prices the decode from the
header (an upper bound, kept honest by tests/models/test_decoding_memory.py) and a picture
over ``max_decode_bytes`` is refused with 413, like one over ``max_pixels``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pillow_heif
from PIL import Image, UnidentifiedImageError

from portrait_models.errors import CorruptImage, ImageTooLarge, NotAnImage

pillow_heif.register_heif_opener()

FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "HEIF", "AVIF"})

# EXIF orientation -> the transpose that makes the image upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION_TAG = 0x0112

# Peak bytes per header pixel of whole decodes (measured, Pillow 13 / pillow-heif 1.8):
# libwebp's canvases plus the frame copied out twice; libheif's planes plus Pillow's copy.
_FORMAT_BYTES = {"WEBP": 16, "HEIF": 8, "AVIF": 8}
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}  # Pillow's storage
# Modes reduced a band of rows at a time, and what they become: Image.reduce refuses P, 1
# and I;16, and reduces RGBA/LA through a full-size premultiplied copy.
_BANDED = {"P": "RGBA", "PA": "RGBA", "1": "L", "RGBA": "RGBA", "LA": "LA"}
_BANDED |= {mode: "I" for mode in ("I;16", "I;16B", "I;16L")}
# The reduced image's trip to an RGB array: float/alpha working copies, ~20 bytes a pixel.
_TO_RGB_BYTES = 20


@dataclass(frozen=True, eq=False)
class DecodedImage:
    """Upright RGB pixels (read-only, HxWx3 uint8) and the original upright size."""

    pixels: np.ndarray
    width: int
    height: int
    format: str

    @property
    def scale(self) -> tuple[float, float]:
        """Original pixels per decoded pixel, (x, y)."""
        return self.width / self.pixels.shape[1], self.height / self.pixels.shape[0]

    def to_original(self, x: float, y: float, w: float, h: float) -> tuple[int, int, int, int]:
        """A decoded-pixel box in original upright pixels, clamped to the image."""
        sx, sy = self.scale
        left = min(max(int(x * sx), 0), self.width)
        top = min(max(int(y * sy), 0), self.height)
        return left, top, min(int(w * sx), self.width - left), min(int(h * sy), self.height - top)


def decode(
    data: bytes, *, max_pixels: int, decode_size: int, max_decode_bytes: int = 256 << 20
) -> DecodedImage:
    """Decodes ``data``; raises NotAnImage (415), CorruptImage (422) or ImageTooLarge (413)."""
    if not data:
        raise CorruptImage("the request body is empty; send the image bytes")
    image = _open(data, max_pixels)
    cost = decode_cost(image, decode_size)
    if cost > max_decode_bytes:
        raise ImageTooLarge(
            f"decoding the {image.width}x{image.height} {image.mode} {image.format} image would "
            f"take about {cost >> 20} MiB of memory; the limit is {max_decode_bytes >> 20} MiB"
        )
    orientation = _orientation(image)
    width, height = image.size
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    try:
        image.draft("RGB", (decode_size, decode_size))  # no-op for formats without DCT scaling
        image.load()
        upright = _reduce(image, decode_size)
        if orientation in _UPRIGHT:
            upright = upright.transpose(_UPRIGHT[orientation])
        pixels = _to_rgb(upright)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptImage(f"the image could not be decoded ({exc})") from exc
    pixels.flags.writeable = False  # shared by every model of a request
    return DecodedImage(pixels=pixels, width=width, height=height, format=str(image.format))


def _open(data: bytes, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageTooLarge(f"the image has too many pixels ({exc})") from exc
    except UnidentifiedImageError as exc:
        if _looks_like_an_image(data):  # the right signature, a broken body: corrupt, not alien
            raise CorruptImage("the image is damaged: its header cannot be read") from exc
        raise NotAnImage("the body is not a JPEG, PNG, WebP, GIF, HEIC or AVIF image") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptImage(f"the image header could not be read ({exc})") from exc
    if image.format not in FORMATS:
        raise NotAnImage(f"{image.format} images are not accepted")
    if image.width * image.height > max_pixels:
        raise ImageTooLarge(
            f"the image is {image.width}x{image.height}; the limit is {max_pixels} pixels"
        )
    return image


def _looks_like_an_image(data: bytes) -> bool:
    return (
        data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a"))
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or data[4:8] == b"ftyp"  # ISO-BMFF: HEIC, AVIF
    )


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except (OSError, SyntaxError, ValueError, TypeError):  # a broken EXIF block is not fatal
        return 1
    return value if isinstance(value, int) else 1


def decode_cost(image: Image.Image, decode_size: int) -> int:
    """Upper bound, in bytes, of what decoding this opened (header-only) image holds at once.

    JPEGs are priced as if libjpeg kept every DCT coefficient (2 bytes per sample, as it does
    for progressive files) plus the DCT-scaled output; other formats at their decoder's
    measured bytes per pixel; then the reduced image's conversion to RGB.
    """
    width, height = image.size
    if image.format in ("JPEG", "MPO"):
        scale = next((s for s in (8, 4, 2) if min(width, height) // s >= decode_size), 1)
        reduced = (width // scale) * (height // scale)
        return width * height * len(image.getbands()) * 2 + reduced * (4 + _TO_RGB_BYTES)
    per_pixel = _FORMAT_BYTES.get(str(image.format), _MODE_BYTES.get(image.mode, 4))
    factor = max(1, min(width, height) // decode_size)
    reduced = (width // factor) * (height // factor)
    return width * height * per_pixel + reduced * _TO_RGB_BYTES


def _reduce(image: Image.Image, decode_size: int) -> Image.Image:
    """Box-reduces images ``draft`` could not (PNG, WebP...) so the short side >= decode_size."""
    factor = min(image.size) // decode_size
    if factor < 2:
        return image
    target = _BANDED.get(image.mode)
    if target is None:
        return image.reduce(factor)
    width, height = image.size
    band = factor * max(1, 256 // factor)  # whole boxes per band
    out = Image.new(target, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, band):
        part = image.crop((0, top, width, min(height, top + band))).convert(target)
        out.paste(part.reduce(factor), (0, top // factor))
    return out


def _to_rgb(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        values = values / 257.0 if values.max(initial=0) > 255 else values
        gray = np.clip(values, 0, 255).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(gray[..., None], 3, axis=2))
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.array(image)
