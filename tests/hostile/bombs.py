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
