"""The avatar vocabulary, defined once: the served variants and how upload limits read.

Rendering, the stored avatar, the default avatar, the API schemas and their documentation
all read these names, sizes and formats from here.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}


@dataclass(frozen=True)
class Variant:
    name: str  # its key in an avatar's `urls` (and in the stored avatar's `variants`)
    size: int  # side of the square, in pixels
    ext: str  # "webp" or "jpg": the file extension of its media key

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.ext]


# WebP squares (a third smaller than JPEG at equal quality, in every current browser) plus one
# 256 px JPEG for the few clients without WebP. Largest first: each is rendered from the last.
VARIANTS = (
    Variant("512", 512, "webp"),
    Variant("256", 256, "webp"),
    Variant("128", 128, "webp"),
    Variant("64", 64, "webp"),
    Variant("jpeg", 256, "jpg"),
)
VARIANT_NAMES = tuple(variant.name for variant in VARIANTS)
SQUARE_NAMES = tuple(variant.name for variant in VARIANTS if variant.ext == "webp")


def describe_variants() -> str:
    """The `urls` keys, as the API documentation states them."""
    squares = ", ".join(f'"{name}"' for name in SQUARE_NAMES)
    fallbacks = [f'"{v.name}" ({v.size} px JPEG)' for v in VARIANTS if v.ext == "jpg"]
    return f"Square sizes {squares} (WebP) and {' and '.join(fallbacks)}"


def megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"


def megapixels(limit: int) -> str:
    return f"{limit / 1_000_000:g} megapixels"
