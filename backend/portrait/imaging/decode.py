"""From untrusted upload bytes to an upright, bounded, metadata-free sRGB image.

Order matters for safety and speed:
1. byte limit, then sniff the real format from the bytes (names and Content-Types lie);
2. read only the header and refuse pixel bombs, and pictures whose decode would need more
   memory than the budget (`budget.decode_cost`), before any pixel is decoded;
3. decode at reduced size where the codec can (JPEG DCT scaling), convert and shrink the rest
   a band at a time (`color.shrink_in_bands`), then resize to the master;
4. apply EXIF orientation and convert to sRGB RGB (`color.to_srgb`); drop every metadata block.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import pillow_heif
from PIL import ExifTags, Image, UnidentifiedImageError

from portrait.imaging import budget
from portrait.imaging.color import shrink_in_bands, to_srgb
from portrait.imaging.errors import CorruptImage, TooLarge, TooSmall, UnsupportedFormat
from portrait.imaging.variants import megabytes, megapixels

pillow_heif.register_heif_opener()

# Pillow plugin names we let parse untrusted bytes. MPO is how Pillow names the multi-picture
# JPEGs many cameras write; it is a JPEG whose first picture we use.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")
JPEG_FAMILY = {"JPEG", "MPO"}
# What decoders raise on truncated or malformed data (pillow-heif raises ValueError/RuntimeError).
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, RuntimeError)
# ISO-BMFF major brands of HEIC/HEIF stills and sequences (AVIF's `avif` is not among them).
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
MIN_SIDE = 64
# Each scan of a progressive JPEG is a pass over the whole image, and a scan can be a few
# bytes long: 5000 of them in 250 KB kept the decoder busy for ~27 s. Encoders write about
# 10 (libjpeg) to ~20 (mozjpeg); the count includes embedded thumbnails and MPO pictures.
MAX_JPEG_SCANS = 100

_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    master_size: int = 2048  # long side of the kept master
    max_decode_bytes: int = 256 << 20  # memory one decode may take (budget.decode_cost)


@dataclass(frozen=True)
class Decoded:
    image: Image.Image  # RGB, sRGB, upright, long side <= Limits.master_size, info == {}
    source_format: str  # JPEG, PNG, WEBP, GIF or HEIF
    source_size: tuple[int, int]  # as stored in the file, before orientation


def _looks_like_allowed(data: bytes) -> bool:
    """Magic numbers of the accepted formats: tells 'corrupt JPEG' (422) from 'not ours' (415)."""
    return (
        data.startswith(b"\xff\xd8\xff")
        or data.startswith(b"\x89PNG\r\n\x1a\n")
        or data[:6] in (b"GIF87a", b"GIF89a")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or (data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS)
    )


def open_upload(data: bytes, limits: Limits) -> Image.Image:
    """Opens the header only; raises unless it is an accepted format within the limits."""
    if not data:
        raise CorruptImage("The file is empty.")
    if len(data) > limits.max_bytes:
        raise TooLarge(f"The file is larger than {megabytes(limits.max_bytes)}.")
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own backstop (see ensure_pillow_limit); the warning is an error under -W error.
        raise _too_many_pixels(limits) from exc
    except (UnidentifiedImageError, *DECODE_ERRORS) as exc:
        if _looks_like_allowed(data):
            raise CorruptImage("The image data is damaged or incomplete.") from exc
        raise UnsupportedFormat(
            "Unsupported image format; use JPEG, PNG, WebP, GIF or HEIC."
        ) from exc
    if image.format in JPEG_FAMILY and data.count(b"\xff\xda") > MAX_JPEG_SCANS:
        # Entropy-coded data stuffs every 0xFF with 0x00, so only real SOS markers match.
        raise CorruptImage(f"The JPEG has more than {MAX_JPEG_SCANS} scans; save it again.")
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _too_many_pixels(limits)
    if min(width, height) < MIN_SIDE:
        raise TooSmall(f"The image must be at least {MIN_SIDE}×{MIN_SIDE} pixels.")
    _check_decode_cost(image, data, limits)
    return image


def _check_decode_cost(image: Image.Image, data: bytes, limits: Limits) -> None:
    cost = decode_cost(image, data, limits)
    if cost > limits.max_decode_bytes:
        raise TooLarge(
            f"Decoding this {budget.describe(image)} would take about {cost / 1e6:.0f} MB of "
            f"memory; the limit is {limits.max_decode_bytes / 1e6:.0f} MB. Save it with fewer "
            "pixels or as a JPEG."
        )


def decode_cost(image: Image.Image, data: bytes, limits: Limits) -> int:
    """Bytes that decoding this opened (header-only) upload takes, the way we decode it."""
    scale = _draft_scale(image.size, limits.master_size) if image.format in JPEG_FAMILY else 1
    return budget.decode_cost(image, data, master_size=limits.master_size, draft_scale=scale)


def _too_many_pixels(limits: Limits) -> TooLarge:
    return TooLarge(f"The image has more than {megapixels(limits.max_pixels)}.")


def ensure_pillow_limit(max_pixels: int) -> None:
    """Keeps Pillow's process-wide bomb check (a backstop) above our own configured limit.

    Pillow warns above MAX_IMAGE_PIXELS and raises above twice that, during `Image.open`; our
    limit is checked right after, from the same header. Raising the global only when our limit
    is higher means a legitimate image under our limit never trips Pillow's warning.
    """
    if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < max_pixels:
        Image.MAX_IMAGE_PIXELS = max_pixels


def _draft_scale(size: tuple[int, int], master_size: int) -> int:
    """Largest JPEG DCT scale (1/2, 1/4, 1/8) keeping the long side >= 3/4 of the master.

    A 4032x3024 phone photo decodes at 2016x1512 (a quarter of the pixels, no resize needed)
    instead of 12 MP; a 6000x4000 one at 3000x2000 and is then resized to 2048.
    """
    long_side = max(size)
    for scale in (8, 4, 2):
        if -(-long_side // scale) >= master_size * 3 // 4:
            return scale
    return 1


def _load_reduced(image: Image.Image, master_size: int) -> Image.Image:
    if image.format in JPEG_FAMILY:
        scale = _draft_scale(image.size, master_size)
        if scale > 1:
            image.draft(image.mode, (image.width // scale, image.height // scale))
    image.seek(0)  # GIF/WebP/MPO: the first frame only
    image.load()
    return image


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except DECODE_ERRORS:
        return 1  # unreadable EXIF is dropped anyway; show the pixels as stored


def decode_upload(data: bytes, limits: Limits | None = None) -> Decoded:
    """The whole accept + normalise step of the avatar pipeline (DESIGN.md §3.1-3.2)."""
    limits = limits or Limits()
    image = open_upload(data, limits)
    source_format, source_size = image.format or "", image.size
    source_format = "JPEG" if source_format == "MPO" else source_format
    try:
        image = _load_reduced(image, limits.master_size)
        icc = image.info.get("icc_profile")
        orientation = _orientation(image)
        # Shrink before colour work: a 40 MP RGBA PNG is 160 MB, its master a tenth of that.
        small = fit_within(shrink_in_bands(image, limits.master_size), limits.master_size)
        rgb = to_srgb(small, icc)
    except DECODE_ERRORS as exc:
        raise CorruptImage("The image data is damaged or incomplete.") from exc
    if orientation in _ORIENTATION:
        rgb = rgb.transpose(_ORIENTATION[orientation])
    rgb.info = {}  # no EXIF, GPS, XMP, ICC or comment can reach an encoder from here
    return Decoded(image=rgb, source_format=source_format, source_size=source_size)


def fit_within(image: Image.Image, long_side: int) -> Image.Image:
    """Downscales so the long side is at most `long_side`; never upscales."""
    width, height = image.size
    if max(width, height) <= long_side:
        return image
    ratio = long_side / max(width, height)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
