"""Bad input gets a clear 4xx problem; every accepted format decodes upright RGB."""

import io
import struct
import zlib

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from portrait_models.decoding import decode
from tests.models.photos import encode, jpeg, photo, resized, with_exif_orientation


def _problem(client, body: bytes, path="/v1/pipelines/avatar"):
    response = client.post(path, data=body, content_type="application/octet-stream")
    assert response.mimetype == "application/problem+json"
    return response.status_code, response.get_json()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"this is not an image at all", 415),
        (b"%PDF-1.7\n1 0 obj <<>> endobj\n", 415),
        (encode(photo("coffee"), "BMP"), 415),
        (encode(photo("coffee"), "TIFF"), 415),
        (b"", 422),
        (jpeg("astronaut")[:3000], 422),
        (encode(photo("coffee"), "PNG")[:5000], 422),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 422),
    ],
    ids=["text", "pdf", "bmp", "tiff", "empty", "truncated-jpeg", "truncated-png", "png-magic"],
)
@pytest.mark.parametrize("path", ["/v1/pipelines/avatar", "/v1/models/smart-crop/predict"])
def test_garbage_is_refused_with_a_problem(models_client, body, status, path):
    code, problem = _problem(models_client, body, path)
    assert (code, problem["status"]) == (status, status)
    assert problem["title"] and problem["detail"]
    kind = {415: "not-an-image", 422: "corrupt-image"}[status]
    assert problem["type"] == f"urn:portrait:problem:{kind}"


def test_too_many_pixels_is_413_before_decoding(make_models_app):
    app = make_models_app(max_pixels=200_000)
    code, problem = _problem(app.test_client(), jpeg("astronaut"))  # 512 x 512 = 262 144
    assert code == 413 and "200000 pixels" in problem["detail"]


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels and holds none: a pixel bomb's header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [9000, 20000])  # 81 MP (our limit), 400 MP (Pillow's too)
def test_pixel_bomb_is_413_from_the_header_alone(models_client, side):
    code, problem = _problem(models_client, _png_header_only(side, side))
    assert code == 413 and "pixels" in problem["detail"]


def test_body_over_the_byte_limit_is_413(make_models_app):
    app = make_models_app(max_bytes=10_000)
    code, _ = _problem(app.test_client(), jpeg("astronaut"))
    assert code == 413


def test_large_jpeg_is_decoded_reduced_but_reports_original_pixels():
    big = encode(resized(photo("astronaut"), 4000, 3000), "JPEG", quality=85)
    image = decode(big, max_pixels=64_000_000, decode_size=640)
    assert (image.width, image.height) == (4000, 3000)
    assert 640 <= min(image.pixels.shape[:2]) < 1500  # DCT-scaled, not the full 12 MP
    assert image.scale == (4.0, 4.0)


def _heic(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.fromarray(pixels)).save(buffer, quality=90)
    return buffer.getvalue()


def _cmyk_jpeg(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).convert("CMYK").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _alpha_png(pixels: np.ndarray) -> bytes:
    rgba = np.dstack([pixels, np.full(pixels.shape[:2], 255, np.uint8)])
    rgba[:, :40, 3] = 0  # a transparent strip: flattened onto white
    return encode(rgba, "PNG")


def _png16(pixels: np.ndarray) -> bytes:
    gray = np.asarray(Image.fromarray(pixels).convert("L"), dtype=np.uint16) * 257
    return encode(gray, "PNG")  # mode I;16


FORMATS = {
    "png": lambda p: encode(p, "PNG"),
    "webp": lambda p: encode(p, "WEBP", quality=90),
    "gif": lambda p: encode(p, "GIF"),
    "heic": _heic,
    "cmyk-jpeg": _cmyk_jpeg,
    "png-alpha": _alpha_png,
    "png-16bit-gray": _png16,
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_accepted_formats_decode_to_upright_rgb_and_find_the_face(registry, fmt):
    image = decode(FORMATS[fmt](photo("astronaut")), max_pixels=10**7, decode_size=640)
    assert image.pixels.shape == (512, 512, 3) and image.pixels.dtype == np.uint8
    assert not image.pixels.flags.writeable
    if fmt == "png-alpha":
        assert image.pixels[:, :40].min() == 255
    result = registry.get("smart-crop").predict(image)
    assert result["method"] == "faces"
    face = result["faces"][0]
    assert abs(face["x"] - 173) < 25 and abs(face["y"] - 75) < 25


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_exif_rotated_copy_gives_the_same_upright_face(registry, orientation):
    pixels = photo("astronaut")[:, 56:456]  # 400 wide x 512 tall, so a wrong turn shows
    upright = decode(encode(pixels, "JPEG", quality=90), max_pixels=10**7, decode_size=640)
    rotated = decode(with_exif_orientation(pixels, orientation), max_pixels=10**7, decode_size=640)
    assert (rotated.width, rotated.height) == (400, 512)
    assert rotated.pixels.shape == upright.pixels.shape
    crop_model = registry.get("smart-crop")
    expected, got = crop_model.predict(upright), crop_model.predict(rotated)
    assert got["method"] == expected["method"] == "faces"
    for key in ("x", "y", "width", "height"):
        assert abs(got["faces"][0][key] - expected["faces"][0][key]) <= 6, key
        assert abs(got["crop"][key] - expected["crop"][key]) <= 6, key
