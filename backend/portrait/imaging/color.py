"""Any Pillow mode with any embedded ICC profile -> 8-bit sRGB RGB with no alpha.

Two steps so the expensive part runs on the small image: `to_resizable` first turns modes
Pillow cannot resample well (P, 1, 16-bit) into ones it can; the caller resizes; `to_srgb` then
flattens alpha and converts colours.
"""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageCms

log = logging.getLogger(__name__)

# Transparent areas become this light neutral grey: reads as "no background" on light and dark
# UIs alike, and the smart-crop model does not mistake it for skin or an object.
BACKGROUND = (238, 238, 238)
ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_resizable(image: Image.Image) -> Image.Image:
    """Palette, bilevel and 16-bit/float images -> L, LA, RGB or RGBA (resampling works there)."""
    mode = image.mode
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I;16") or mode in ("I", "F"):
        # Pillow clips 16-bit values to 255 when converting to L; scale them down instead.
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Composites transparent pixels onto BACKGROUND; keeps the image's own colour space."""
    if image.mode not in ALPHA_MODES:
        return image
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, BACKGROUND)
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def flatten_reduced(image: Image.Image, long_side: int) -> Image.Image:
    """Flattens alpha and shrinks by the largest integer factor keeping the long side at least
    `long_side`, a band of rows at a time.

    Memory, not speed: flattening or resampling a 40 MP RGBA picture whole needs two more
    full-size copies (~320 MB on top of the decoded 160 MB); bands need a few MB. Flattening
    before averaging is also what premultiplied resampling would give.
    """
    if image.mode not in ALPHA_MODES:
        return image
    factor = max(1, max(image.size) // long_side)
    width, height = image.size
    out = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    band = factor * max(1, 256 // factor)  # a multiple of the factor: boxes never straddle
    for top in range(0, height, band):
        flat = _flatten(image.crop((0, top, width, min(height, top + band))))
        out.paste(flat.reduce(factor) if factor > 1 else flat, (0, top // factor))
    return out


def _profile_mode_matches(profile: ImageCms.ImageCmsProfile, mode: str) -> bool:
    # An ICC profile for another colour space (e.g. an RGB profile on a greyscale image) is a
    # file error we tolerate: littlecms would refuse the transform.
    space = profile.profile.xcolor_space.strip()
    return {"RGB": "RGB", "CMYK": "CMYK", "L": "GRAY"}.get(mode) == space


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Returns an RGB image in sRGB. Untagged images are taken to be sRGB already (web rule)."""
    image = _flatten(image)
    if image.mode not in ("RGB", "CMYK", "L"):
        image = image.convert("RGB")  # YCbCr, LAB and friends: Pillow knows the maths
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if _profile_mode_matches(source, image.mode):
                return ImageCms.profileToProfile(
                    image,
                    source,
                    _SRGB,
                    renderingIntent=ImageCms.Intent.PERCEPTUAL,
                    outputMode="RGB",
                )
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            log.info("ignoring unusable ICC profile: %s", exc)
    return image if image.mode == "RGB" else image.convert("RGB")
