"""Pure image processing for avatars (Pillow + pillow-heif, no Flask, no database).

`decode_upload` turns untrusted bytes into a bounded, upright sRGB master or raises an
`ImagingError`; `render_variants` turns a master and a square crop into the served sizes.
"""

from portrait.imaging.decode import (
    Decoded,
    Limits,
    decode_upload,
    ensure_pillow_limit,
    open_upload,
)
from portrait.imaging.errors import (
    CorruptImage,
    ImagingError,
    TooLarge,
    TooSmall,
    UnsupportedFormat,
)
from portrait.imaging.render import (
    Box,
    InvalidCrop,
    Rendition,
    centre_square,
    decode_master,
    encode_master,
    media_key,
    render_variants,
    sha256_hex,
    square_around,
    validate_crop,
)
from portrait.imaging.variants import VARIANT_NAMES, VARIANTS, megabytes, megapixels

__all__ = [
    "Box",
    "CorruptImage",
    "Decoded",
    "ImagingError",
    "InvalidCrop",
    "Limits",
    "Rendition",
    "TooLarge",
    "TooSmall",
    "UnsupportedFormat",
    "VARIANTS",
    "VARIANT_NAMES",
    "centre_square",
    "decode_master",
    "decode_upload",
    "encode_master",
    "ensure_pillow_limit",
    "media_key",
    "megabytes",
    "megapixels",
    "open_upload",
    "render_variants",
    "sha256_hex",
    "square_around",
    "validate_crop",
]
