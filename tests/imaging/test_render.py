"""Crops, variants, the master and content-addressed keys."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from portrait.imaging import (
    Box,
    InvalidCrop,
    centre_square,
    decode_master,
    decode_upload,
    encode_master,
    media_key,
    render_variants,
    square_around,
    validate_crop,
)
from tests.utils import images


def test_variants_are_square_webp_sizes_plus_a_jpeg_fallback():
    master = images.photo((800, 600))
    renditions = render_variants(master, Box(100, 50, 500, 500))
    by_name = {r.name: r for r in renditions}
    assert list(by_name) == ["512", "256", "128", "64", "jpeg"]
    for name, rendition in by_name.items():
        opened = Image.open(io.BytesIO(rendition.data))
        expected = 256 if name == "jpeg" else int(name)
        assert opened.size == (expected, expected)
        assert opened.format == ("JPEG" if name == "jpeg" else "WEBP")
        assert rendition.content_type == f"image/{opened.format.lower()}"
        assert not opened.getexif() and "icc_profile" not in opened.info


def test_variants_show_exactly_the_crop():
    master = images.halves((400, 200), images.RED, images.BLUE)
    for crop, colour in ((Box(0, 0, 200, 200), images.RED), (Box(200, 0, 200, 200), images.BLUE)):
        for rendition in render_variants(master, crop):
            opened = Image.open(io.BytesIO(rendition.data)).convert("RGB")
            for corner in ((2, 2), (opened.width - 3, opened.height - 3)):
                assert images.near(opened.getpixel(corner), colour, tolerance=16)


def test_variants_carry_no_metadata_from_the_upload():
    master = decode_upload(images.exif_rotated_jpeg_with_gps()).image
    for rendition in render_variants(master, centre_square(*master.size)):
        for marker in (b"Exif", b"GPS", b"SecretCam", b"xmp", b"taken at home", b"ICC_PROFILE"):
            assert marker not in rendition.data


def test_master_round_trips_at_high_quality():
    original = images.photo((1024, 768))
    data = encode_master(original)
    restored = decode_master(data)
    assert restored.size == original.size and restored.mode == "RGB"
    difference = ImageChops.difference(original, restored).convert("L")
    assert ImageStat.Stat(difference).mean[0] < 2.0


@pytest.mark.parametrize(
    ("box", "message"),
    [
        (Box(-1, 0, 100, 100), "inside"),
        (Box(0, 0, 401, 401), "inside"),
        (Box(350, 0, 100, 100), "inside"),
        (Box(0, 0, 100, 120), "square"),
        (Box(0, 0, 63, 63), "64"),
    ],
)
def test_user_crops_are_validated(box, message):
    with pytest.raises(InvalidCrop, match=message):
        validate_crop(box, 400, 300)


def test_a_crop_one_pixel_off_square_is_accepted_and_squared():
    assert validate_crop(Box(10, 20, 101, 100), 400, 300) == Box(10, 20, 100, 100)
    assert validate_crop(Box(0, 0, 300, 300), 400, 300) == Box(0, 0, 300, 300)


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        (Box(100, 50, 200, 200), Box(100, 50, 200, 200)),  # already fine
        (Box(-20, -20, 100, 102), Box(0, 0, 100, 100)),  # pulled inside
        (Box(350, 250, 100, 100), Box(300, 200, 100, 100)),  # pushed back from the far edge
        (Box(0, 0, 400, 300), Box(50, 0, 300, 300)),  # whole image -> centred square
    ],
)
def test_model_crops_are_made_square_and_inside(box, expected):
    assert square_around(box, 400, 300) == expected


def test_keys_are_content_addressed_per_owner():
    data = b"same bytes"
    key = media_key("user-1", data, "webp")
    assert key == media_key("user-1", data, "webp")
    assert key.endswith(".webp") and len(key) == 64 + 5
    assert key != media_key("user-2", data, "webp")
    assert key != media_key("user-1", data + b"!", "webp")
