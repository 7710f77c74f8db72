"""Image factories for the pipeline and API tests: every awkward upload, built in code.

Nothing is downloaded or checked in; each function returns the bytes a client would send.
"""

from __future__ import annotations

import io
import random
import struct
import zlib

import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()

RED, BLUE, GREEN = (220, 30, 30), (30, 30, 220), (30, 200, 30)
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(document.cookie)</script><rect width="100" height="100"/></svg>'
)


def near(actual: tuple, expected: tuple, tolerance: int = 12) -> bool:
    """Colour equality within a tolerance (lossy codecs move values a little)."""
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def photo(size: tuple[int, int] = (640, 480), seed: int = 1) -> Image.Image:
    """A photo-like RGB picture: gradient plus shapes, so encoders have real work to do."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(max(2, min(size) // 12), max(3, min(size) // 4))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    return image


def jpeg(size: tuple[int, int] = (640, 480), quality: int = 90, **options) -> bytes:
    return encode(photo(size), "JPEG", quality=quality, **options)


# The astronaut's face in scikit-image's bundled 512x512 portrait (x, y, width, height).
ASTRONAUT_FACE = (170, 62, 108, 120)


def face_photo(size: int = 512) -> bytes:
    """A real portrait photo (NASA's Eileen Collins, bundled with scikit-image) as a JPEG."""
    from skimage import data  # imported lazily: only the API tests need a real face

    image = Image.fromarray(data.astronaut())
    if size != 512:
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    return encode(image, "JPEG", quality=90)


def halves(size: tuple[int, int], left: tuple, right: tuple, mode: str = "RGB") -> Image.Image:
    """Left half one colour, right half another: orientation is visible in two pixels."""
    image = Image.new(mode, size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def exif_rotated_jpeg_with_gps() -> bytes:
    """200x100 stored red|blue, EXIF orientation 6 (display rotated 90° clockwise), with GPS
    coordinates, an XMP packet, a comment and a camera model: all must be gone after import."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x0110] = "SecretCam 9000"  # Model
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}  # GPSInfo
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/>GPSLatitude</x:xmpmeta>'
    return encode(
        halves((200, 100), RED, BLUE),
        "JPEG",
        quality=95,
        exif=exif,
        xmp=xmp,
        comment=b"taken at home",
    )


def truncated_jpeg() -> bytes:
    data = jpeg((640, 480))
    return data[: len(data) // 2]


def cmyk_jpeg() -> bytes:
    """CMYK red (no cyan, full magenta and yellow) the way print workflows save it."""
    return encode(Image.new("CMYK", (160, 120), (0, 255, 255, 0)), "JPEG", quality=95)


def png_with_alpha() -> bytes:
    """Left half opaque green, right half fully transparent (and red underneath)."""
    image = Image.new("RGBA", (160, 120), RED + (0,))
    image.paste(GREEN + (255,), (0, 0, 80, 120))
    return encode(image, "PNG")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (120, 120), colour) for colour in (RED, BLUE, GREEN)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def grey16_png(value: int = 40000) -> bytes:
    return encode(Image.new("I;16", (128, 96), value), "PNG")


def tiff() -> bytes:
    return encode(photo((128, 96)), "TIFF")


def webp() -> bytes:
    return encode(photo((320, 240)), "WEBP", quality=90)


def heic(size: tuple[int, int] = (320, 240)) -> bytes:
    return encode(halves(size, RED, BLUE), "HEIF", quality=90)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_declaring(width: int, height: int) -> bytes:
    """A syntactically valid PNG whose IHDR claims width x height 8-bit RGB pixels but whose
    data is a few bytes: a decompression bomb is only dangerous once someone decodes it."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def big_png(megabytes: float = 12.0) -> bytes:
    """A genuine PNG of random pixels stored uncompressed, slightly over `megabytes` MB."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 8
    noise = Image.frombytes("RGB", (side, side), random.Random(7).randbytes(side * side * 3))
    return encode(noise, "PNG", compress_level=0)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\x00" * 4 + _s15(x) + _s15(y) + _s15(z)


def swapped_red_green_icc() -> bytes:
    """A minimal ICC v2 RGB display profile whose red and green primaries are swapped.

    A pixel (200, 0, 0) tagged with it means sRGB green; an importer that ignores the profile
    keeps it red. Built by hand because Pillow can only create sRGB, LAB and XYZ profiles.
    """
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    curve = b"curv" + b"\x00" * 4 + struct.pack(">IH", 1, 0x0233) + b"\x00\x00"  # gamma 2.2
    text = b"swapped red/green\x00"
    desc = b"desc" + b"\x00" * 4 + struct.pack(">I", len(text)) + text + b"\x00" * 79
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz(*green)),
        (b"gXYZ", _xyz(*red)),
        (b"bXYZ", _xyz(*blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, payload in tags:
        payload += b"\x00" * (-len(payload) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(payload))
        body += payload
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"\x00" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\x00" * 12
        + b"acsp"
        + b"\x00" * 24
        + struct.pack(">I", 0)
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\x00" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body
