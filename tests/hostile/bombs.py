"""Hostile images, built in code: CPU and memory bombs and polyglots for the avatar pipeline."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from tests.utils.images import encode, photo

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _segments(jpeg: bytes) -> tuple[bytes, list[bytes]]:
    """(everything before the first scan, [each SOS segment with its entropy-coded data])."""
    first = jpeg.index(b"\xff\xda")
    head, rest = jpeg[:first], jpeg[first:].removesuffix(b"\xff\xd9")
    scans, start = [], 0
    while (nxt := rest.find(b"\xff\xda", start + 2)) != -1:
        scans.append(rest[start:nxt])
        start = nxt
    scans.append(rest[start:])
    return head, scans


def progressive_scan_bomb(scans: int = 5000, side: int = 4000) -> bytes:
    """A flat progressive JPEG whose AC scans (a few bytes each: one EOB run over every
    block) are repeated thousands of times; each costs the decoder a pass over the image."""
    flat = Image.new("RGB", (side, side), (120, 140, 160))
    head, real = _segments(encode(flat, "JPEG", quality=75, progressive=True))
    ac = min(real[1:], key=len)  # the cheapest refinement scan
    return head + b"".join(real) + ac * scans + b"\xff\xd9"


def jpeg_with_size(width: int, height: int) -> bytes:
    """A small valid JPEG whose SOF header is rewritten to declare width x height."""
    data = bytearray(encode(photo((64, 64)), "JPEG", quality=80))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def truncated_huge_jpeg(side: int = 6000) -> bytes:
    """A 36 MP header (under the pixel limit) with almost no image data behind it."""
    data = encode(Image.new("RGB", (side, side), (10, 20, 30)), "JPEG", quality=50)
    return data[: len(data) // 20]


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_with_chunk(kind: bytes, payload: bytes, *, after_idat: bool = False) -> bytes:
    """A valid 256x256 PNG with one extra chunk before (or after) its image data."""
    png = encode(photo((256, 256)), "PNG")
    at = png.index(b"IEND") - 4 if after_idat else png.index(b"IDAT") - 4
    return png[:at] + _chunk(kind, payload) + png[at:]


def ztxt_bomb() -> bytes:
    """zTXt that inflates 1000x: 200 KB of compressed zeros -> 200 MB of text."""
    return png_with_chunk(b"zTXt", b"Comment\x00\x00" + _zeros(200 << 20))


def iccp_bomb() -> bytes:
    return png_with_chunk(b"iCCP", b"icc\x00\x00" + _zeros(200 << 20))


def _zeros(inflated: int) -> bytes:
    """A zlib stream of `inflated` zero bytes (about a thousandth of that compressed)."""
    compressor, block = zlib.compressobj(9), bytes(1 << 20)
    return b"".join(compressor.compress(block) for _ in range(inflated >> 20)) + compressor.flush()


def many_text_chunks(count: int = 20_000) -> bytes:
    png = encode(photo((256, 256)), "PNG")
    at = png.index(b"IDAT") - 4
    chunks = b"".join(_chunk(b"tEXt", b"k%d\x00" % n + b"v" * 400) for n in range(count))
    return png[:at] + chunks + png[at:]


def gif_with_frames(frames: int = 3000, side: int = 96) -> bytes:
    """An animated GIF with thousands of (tiny, differing) frames."""
    images = []
    for n in range(frames):
        frame = Image.new("L", (side, side), 0)
        frame.putpixel((n % side, (n // side) % side), 255)
        images.append(frame)
    buffer = io.BytesIO()
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=10)
    return buffer.getvalue()


def html_jpeg_polyglot() -> bytes:
    """A JPEG whose comment segment and trailer are HTML: browsers that sniff see a page."""
    data = encode(photo((640, 480)), "JPEG", quality=85)
    comment = b"\xff\xfe" + struct.pack(">H", len(HTML) + 2) + HTML
    return data[:2] + comment + data[2:] + HTML


def progressive_huge(side: int = 6000) -> bytes:
    """A flat 36 MP progressive JPEG (under the pixel limit): ~100 KB that asks the decoder
    for a whole-image coefficient buffer."""
    flat = Image.new("RGB", (side, side), (120, 140, 160))
    return encode(flat, "JPEG", quality=75, progressive=True)


def flat_png(side: int, *, bit_depth: int = 8, colour: str = "RGBA") -> bytes:
    """A legal side x side PNG of one colour, written row by row (never held decoded here):
    a few hundred KB that decode to side² x 1-8 bytes. `colour`: L, P, RGB or RGBA."""
    colour_type, channels = {"L": (0, 1), "RGB": (2, 3), "P": (3, 1), "RGBA": (6, 4)}[colour]
    sample = b"\x9c\x40"[: bit_depth // 8] if colour != "P" else b"\x01"
    row = b"\x00" + sample * (side * channels)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, bit_depth, colour_type, 0, 0, 0)
    palette = _chunk(b"PLTE", bytes(range(256)) * 3) if colour == "P" else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + palette
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def flat(fmt: str, size: tuple[int, int], mode: str = "RGB", **options) -> bytes:
    """A flat picture in any format Pillow writes (small files, full-size decodes)."""
    colour = {"CMYK": (0, 255, 255, 0), "RGBA": (120, 140, 160, 200)}.get(mode, (120, 140, 160))
    return encode(Image.new(mode, size, colour), fmt, **options)


MEMORY_SIDE = 6300  # 39.7 MP: inside the 40 MP limit
# Legal pictures whose decode is expensive in memory (tests/hostile/test_decode_memory.py,
# scripts/bench/bench_decode_memory.py); each a few hundred KB to 2 MB.
EXPENSIVE = {
    "png-16-bit-grey-6300": lambda: flat_png(MEMORY_SIDE, bit_depth=16, colour="L"),
    "png-palette-6300": lambda: flat_png(MEMORY_SIDE, colour="P"),
    "png-rgba-6300": lambda: flat_png(MEMORY_SIDE, colour="RGBA"),
    "png-16-bit-rgb-6300": lambda: flat_png(MEMORY_SIDE, bit_depth=16, colour="RGB"),
    "png-16-bit-rgba-6300": lambda: flat_png(MEMORY_SIDE, bit_depth=16, colour="RGBA"),
    "jpeg-cmyk-6300": lambda: flat("JPEG", (MEMORY_SIDE,) * 2, "CMYK", quality=90),
    "jpeg-progressive-6000": progressive_huge,
    "jpeg-progressive-444-6000": lambda: flat(
        "JPEG", (6000, 6000), quality=75, progressive=True, subsampling=0
    ),
    "jpeg-progressive-cmyk-6300": lambda: flat(
        "JPEG", (MEMORY_SIDE,) * 2, "CMYK", quality=75, progressive=True
    ),
    "heic-12mp": lambda: flat("HEIF", (4032, 3024), quality=50),
    "heic-6000": lambda: flat("HEIF", (6000, 6000), quality=50),
    "webp-12mp-rgba": lambda: flat("WEBP", (4032, 3024), "RGBA", quality=50),
    "webp-6300": lambda: flat("WEBP", (MEMORY_SIDE,) * 2, quality=50),
}
