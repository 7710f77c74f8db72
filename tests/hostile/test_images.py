"""Hostile images: CPU and memory bombs and polyglots are refused, or re-encoded into clean
pictures, within bounded time and memory.

Each upload goes through the API's whole image path (decode_upload -> master -> variants) in
a fresh child process, which reports its CPU time and peak RSS; the child also runs under an
address-space cap, so a bomb that escaped would fail there instead of swapping the machine.
Bounds per upload: under 5 s of CPU and 300 MB peak RSS (measured on the 2-core dev box:
at most 0.26 s and 177 MB, for a flat 36 MP progressive JPEG; under 75 MB for the others).
Before MAX_JPEG_SCANS, the 250 KB scan bomb took 27 s of CPU.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import bombs
from tests.utils.auth import AuthActions
from tests.utils.avatar import clean_answer, upload
from tests.utils.peak_rss import run_in_child

CPU_SECONDS = 5.0
PEAK_RSS_MB = 300
ADDRESS_SPACE_CAP = 3 << 30

IMPORTS = f"""
import resource, time
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE_CAP}, {ADDRESS_SPACE_CAP}))
from portrait import imaging
"""
BODY = """
start = time.process_time()
try:
    decoded = imaging.decode_upload(data)
    master = imaging.encode_master(decoded.image)
    side = min(decoded.image.size)
    variants = imaging.render_variants(decoded.image, imaging.Box(0, 0, side, side))
    outcome["ok"] = list(decoded.image.size)
    outcome["bytes"] = [b.hex() for b in [master, *[v.data for v in variants]]]
except imaging.ImagingError as exc:
    outcome["refused"], outcome["message"] = type(exc).__name__, str(exc)
outcome["cpu"] = time.process_time() - start
"""


def run_pipeline(data: bytes, tmp_path: Path) -> dict:
    outcome = run_in_child(data, tmp_path, imports=IMPORTS, body=BODY)
    assert outcome["cpu"] < CPU_SECONDS, outcome["cpu"]
    assert outcome["peak_mb"] < PEAK_RSS_MB, outcome["peak_mb"]
    return outcome


CASES = {
    # name: (factory, "refused" error class or "ok")
    "jpeg-5000-progressive-scans": (bombs.progressive_scan_bomb, "CorruptImage"),
    "jpeg-declares-65000x65000": (lambda: bombs.jpeg_with_size(65000, 65000), "TooLarge"),
    "jpeg-declares-36mp-truncated": (bombs.truncated_huge_jpeg, "CorruptImage"),
    "jpeg-36mp-progressive-flat": (bombs.progressive_huge, "ok"),
    "png-ztxt-inflating-to-200mb": (bombs.ztxt_bomb, "CorruptImage"),
    "png-iccp-inflating-to-200mb": (bombs.iccp_bomb, "CorruptImage"),
    "png-8mb-private-chunk": (lambda: bombs.png_with_chunk(b"prIv", bytes(8 << 20)), "ok"),
    "png-8mb-text-after-idat": (
        lambda: bombs.png_with_chunk(b"tEXt", b"k\x00" + b"v" * (8 << 20), after_idat=True),
        "ok",
    ),
    "png-20000-text-chunks": (bombs.many_text_chunks, "ok"),
    "gif-3000-frames": (bombs.gif_with_frames, "ok"),
    "jpeg-html-polyglot": (bombs.html_jpeg_polyglot, "ok"),
}


@pytest.mark.parametrize("factory, expected", CASES.values(), ids=CASES.keys())
def test_hostile_image_is_refused_or_reencoded_within_bounds(tmp_path, factory, expected):
    data = factory()
    assert len(data) <= 10 << 20  # all fit under the upload limit: only decoding can stop them
    outcome = run_pipeline(data, tmp_path)
    if expected == "ok":
        assert "ok" in outcome, outcome
        for blob in map(bytes.fromhex, outcome["bytes"]):
            assert b"<script" not in blob and b"<html" not in blob
            assert len(blob) < 2 << 20
    else:
        assert outcome.get("refused") == expected, outcome


@pytest.fixture
def polyglot_app(make_app, canned_models):
    return make_app(MODELS_URL=canned_models(200, clean_answer(640, 480)))


def test_an_html_polyglot_is_served_only_as_a_clean_reencoded_image(polyglot_app):
    client = polyglot_app.test_client()
    account = AuthActions(client).signup()
    response = upload(client, account, bombs.html_jpeg_polyglot(), content_type="text/html")
    assert response.status_code == 200, response.get_json()
    avatar = client.get("/api/v1/me", headers=account.headers).get_json()["avatar"]
    for url in [*avatar["urls"].values(), avatar["master"]["url"]]:
        media = client.get(url)
        assert media.status_code == 200
        assert media.mimetype in ("image/webp", "image/jpeg")
        assert media.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in media.headers["Content-Security-Policy"]
        assert b"<script" not in media.data and b"<html" not in media.data
