"""Any Pillow mode with any embedded ICC profile -> 8-bit sRGB RGB with no alpha.

Two steps so the expensive part runs on the small image: `shrink_in_bands` first turns modes
Pillow cannot resample well (P, 1, 16-bit, alpha) into ones it can while reducing, a band at a
time; the caller resizes to the master; `to_srgb` then converts colours.
"""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageCms

from portrait.imaging.budget import PLAIN_MODES, reduce_factor

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


def shrink_in_bands(image: Image.Image, long_side: int) -> Image.Image:
    """Any mode -> L, RGB or CMYK (palette expanded, 16-bit scaled, alpha flattened), shrunk
    by the largest integer factor keeping the long side at least `long_side`.

    Memory, not speed: converting a 40 MP picture whole makes full-size copies (a 16-bit one
    went through two 160 MB `I` images; a palette one through a 160 MB RGBA one), so modes
    that need converting go a band of rows at a time and only the reduced image is kept.
    Flattening before averaging is also what premultiplied resampling would give.
    """
    factor = reduce_factor(image.size, long_side)
    if image.mode in PLAIN_MODES:
        return image.reduce(factor) if factor > 1 else image
    width, height = image.size
    band = factor * max(1, 256 // factor)  # a multiple of the factor: boxes never straddle
    mode = _plain(image.crop((0, 0, width, 1))).mode
    out = Image.new(mode, (-(-width // factor), -(-height // factor)))
    for top in range(0, height, band):
        part = _plain(image.crop((0, top, width, min(height, top + band))))
        out.paste(part.reduce(factor) if factor > 1 else part, (0, top // factor))
    return out


def _plain(image: Image.Image) -> Image.Image:
    return _flatten(to_resizable(image))


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
