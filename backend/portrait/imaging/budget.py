"""How much memory decoding an upload takes, worked out from its header before any pixel.

The pixel limit alone does not bound memory: a 40 MP picture is 40 MB as 8-bit grey, 160 MB
as RGBA, and far more inside some decoders. `decode_cost` prices the decode the way
`decode.py` runs it (see there), and `decode_upload` refuses what exceeds one byte budget
(`Limits.max_decode_bytes`) with 413 before decoding. The prices are upper bounds measured
as peak RSS of real decodes (tests/hostile/test_decode_memory.py keeps them honest).
"""

from __future__ import annotations

import math
import struct

from PIL import Image

# Bytes per pixel in Pillow's own storage: 8-bit images of 2-4 bands use 4 bytes a pixel.
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# Modes Pillow can box-reduce as they are; others are converted a band at a time first.
PLAIN_MODES = frozenset({"L", "RGB", "CMYK"})
# Peak bytes per header pixel of a whole decode, measured (Pillow 13, pillow-heif 1.8):
# libwebp's animation canvases, the frame copied out as bytes, then Pillow's image (15.5);
# libheif's YCbCr planes, its interleaved RGB, then Pillow's copy (7.2).
WEBP_BYTES_PER_PIXEL = 16
HEIF_BYTES_PER_PIXEL = 8
# libjpeg keeps every DCT coefficient (2 bytes) of a progressive or multi-scan file until the
# last scan; a single interleaved scan streams through a few rows of blocks.
_COEFFICIENT_BYTES = 2


def mode_bytes(mode: str) -> int:
    return _MODE_BYTES.get(mode, 4)


def reduce_factor(size: tuple[int, int], long_side: int) -> int:
    """The integer box factor that keeps the long side >= `long_side` (1: no reduction)."""
    return max(1, max(size) // long_side)


def decode_cost(image: Image.Image, data: bytes, *, master_size: int, draft_scale: int) -> int:
    """Upper bound, in bytes, of what decoding `image` (header read only) and shrinking it
    towards `master_size` holds at once. The master-sized steps after it add a constant."""
    width, height = image.size
    if image.format in ("JPEG", "MPO"):
        scaled = math.ceil(width / draft_scale) * math.ceil(height / draft_scale)
        decoded = scaled * mode_bytes(image.mode)
        if _buffers_coefficients(image, data):
            decoded += _coefficient_bytes(image)
        drafted = (width // draft_scale, height // draft_scale)
        return decoded + _shrink_bytes(image.mode, drafted, master_size)
    per_pixel = {"WEBP": WEBP_BYTES_PER_PIXEL, "HEIF": HEIF_BYTES_PER_PIXEL}.get(
        str(image.format), mode_bytes(image.mode)
    )
    return width * height * per_pixel + _shrink_bytes(image.mode, image.size, master_size)


def _shrink_bytes(mode: str, size: tuple[int, int], master_size: int) -> int:
    """The reduced copy `color.shrink_in_bands` makes (none for a plain mode kept as is)."""
    factor = reduce_factor(size, master_size)
    if mode in PLAIN_MODES and factor == 1:
        return 0
    return math.ceil(size[0] / factor) * math.ceil(size[1] / factor) * 4


def _coefficient_bytes(image: Image.Image) -> int:
    layers = getattr(image, "layer", None) or [(0, 1, 1, 0)] * len(image.getbands())
    h_max = max(layer[1] for layer in layers) or 1
    v_max = max(layer[2] for layer in layers) or 1
    blocks = 0
    for _, h, v, _ in layers:
        # Blocks of 8x8 per component, padded to whole MCUs as libjpeg allocates them.
        across = math.ceil(math.ceil(image.width * h / h_max) / 8 / max(h, 1)) * max(h, 1)
        down = math.ceil(math.ceil(image.height * v / v_max) / 8 / max(v, 1)) * max(v, 1)
        blocks += across * down
    return blocks * 64 * _COEFFICIENT_BYTES


def _buffers_coefficients(image: Image.Image, data: bytes) -> bool:
    """Progressive, or a first scan carrying fewer components than the frame (libjpeg's
    `has_multiple_scans`). A header we cannot walk counts as buffered: the higher price."""
    if image.info.get("progressive") or image.info.get("progression"):
        return True
    scan_components = _first_scan_components(data)
    return scan_components is None or scan_components < len(image.getbands())


def _first_scan_components(data: bytes) -> int | None:
    """Walks the top-level JPEG segments (APPn payloads, such as an EXIF thumbnail, are
    skipped whole) to the first SOS and returns its component count."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        (length,) = struct.unpack_from(">H", data, at + 2)
        if marker == 0xDA:
            return data[at + 4] if at + 4 < len(data) else None
        at += 2 + length
    return None


def describe(image: Image.Image) -> str:
    """'6300×6300 16-bit grey PNG': how the refusal names the picture."""
    kind = {"I;16": "16-bit grey", "P": "palette", "1": "1-bit"}.get(image.mode, image.mode)
    if image.info.get("progressive"):
        kind = f"progressive {kind}"
    return f"{image.width}×{image.height} {kind} {image.format}"


__all__ = ["PLAIN_MODES", "decode_cost", "describe", "mode_bytes", "reduce_factor"]
