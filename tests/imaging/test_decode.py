"""Accept + normalise: every awkward upload a phone, a camera or an attacker sends."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portrait.imaging import (
    CorruptImage,
    Limits,
    TooLarge,
    TooSmall,
    UnsupportedFormat,
    decode_upload,
    encode_master,
)
from portrait.imaging.color import BACKGROUND, shrink_in_bands, to_resizable
from tests.utils import images


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("zero bytes", b"", CorruptImage),
        ("text named .jpg", b"hello, this is not a picture\n", UnsupportedFormat),
        ("truncated JPEG", images.truncated_jpeg(), CorruptImage),
        ("truncated PNG", images.encode(images.photo(), "PNG")[:3000], CorruptImage),
        ("truncated HEIC", images.heic()[:300], CorruptImage),
        ("JPEG magic then garbage", b"\xff\xd8\xff\xe0" + b"\x00" * 64, CorruptImage),
        ("SVG with script", images.SVG_WITH_SCRIPT, UnsupportedFormat),
        ("TIFF", images.tiff(), UnsupportedFormat),
        ("PNG declaring 30000x30000", images.png_declaring(30000, 30000), TooLarge),
        ("PNG declaring 100 MP", images.png_declaring(10000, 10000), TooLarge),
        ("PNG declaring 41 MP", images.png_declaring(8000, 5125), TooLarge),
        ("tiny image", images.encode(Image.new("RGB", (63, 200)), "PNG"), TooSmall),
    ],
)
def test_bad_uploads_are_refused_with_the_right_reason(name, data, error):
    with pytest.raises(error) as caught:
        decode_upload(data)
    assert str(caught.value)  # a human sentence for the problem document


def test_a_12_mb_file_is_refused_before_opening_it():
    with pytest.raises(TooLarge, match="10 MB"):
        decode_upload(images.big_png(12.0))


def test_pixel_bomb_is_refused_from_the_header_without_decoding(monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("pixel data must not be decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)
    with pytest.raises(TooLarge, match="40 megapixels"):
        decode_upload(images.png_declaring(30000, 30000))


def test_pixel_limit_is_configurable():
    data = images.jpeg((400, 300))
    with pytest.raises(TooLarge, match="0.1 megapixels"):
        decode_upload(data, Limits(max_pixels=100_000))
    assert decode_upload(data, Limits(max_pixels=120_000)).image.size == (400, 300)


@pytest.mark.parametrize(
    ("data", "fmt", "size"),
    [
        (images.jpeg((640, 480)), "JPEG", (640, 480)),
        (images.encode(images.photo((300, 200)), "PNG"), "PNG", (300, 200)),
        (images.webp(), "WEBP", (320, 240)),
        (images.animated_gif(), "GIF", (120, 120)),
        (images.heic(), "HEIF", (320, 240)),
    ],
)
def test_accepted_formats_decode_to_plain_srgb_rgb(data, fmt, size):
    decoded = decode_upload(data)
    assert decoded.source_format == fmt
    assert decoded.image.mode == "RGB"
    assert decoded.image.size == size
    assert decoded.image.info == {}


def test_twelve_megapixel_jpeg_is_decoded_at_reduced_size():
    # 4032 / 2 = 2016: only DCT scaling gives this size; a full decode then resize gives 2048.
    decoded = decode_upload(images.jpeg((4032, 3024), quality=80))
    assert decoded.image.size == (2016, 1512)
    assert decoded.source_size == (4032, 3024)


def test_large_non_jpeg_is_resized_to_the_master_bound():
    data = images.encode(images.photo((3000, 1000)), "PNG")
    assert decode_upload(data).image.size == (2048, 683)
    assert decode_upload(data, Limits(master_size=1024)).image.size == (1024, 341)


def test_exif_rotation_is_applied_and_every_metadata_block_dropped():
    decoded = decode_upload(images.exif_rotated_jpeg_with_gps())
    image = decoded.image
    # Stored 200x100 red|blue with orientation 6 shows as 100x200 red over blue.
    assert image.size == (100, 200)
    assert images.near(image.getpixel((50, 20)), images.RED)
    assert images.near(image.getpixel((50, 180)), images.BLUE)
    master = encode_master(image)
    reopened = Image.open(io.BytesIO(master))
    assert not reopened.getexif()
    for key in ("exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"):
        assert key not in reopened.info
    for marker in (b"Exif", b"SecretCam", b"GPS", b"xmpmeta", b"taken at home"):
        assert marker not in master


def test_cmyk_jpeg_becomes_rgb_with_the_right_colour():
    image = decode_upload(images.cmyk_jpeg()).image
    assert image.mode == "RGB"
    assert images.near(image.getpixel((80, 60)), (255, 0, 0), tolerance=20)


def test_alpha_is_flattened_on_the_neutral_background():
    image = decode_upload(images.png_with_alpha()).image
    assert images.near(image.getpixel((20, 60)), images.GREEN, tolerance=2)
    # The hidden red under transparent pixels must not leak out.
    assert image.getpixel((140, 60)) == BACKGROUND


def test_palette_png_with_transparency_is_flattened_too():
    palette = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    palette.paste(images.BLUE + (255,), (0, 0, 50, 100))
    data = images.encode(palette.convert("P"), "PNG")
    image = decode_upload(data).image
    assert images.near(image.getpixel((10, 10)), images.BLUE, tolerance=2)
    assert image.getpixel((90, 10)) == BACKGROUND


def test_animated_gif_keeps_the_first_frame():
    image = decode_upload(images.animated_gif()).image
    assert images.near(image.getpixel((60, 60)), images.RED, tolerance=8)


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    image = decode_upload(images.grey16_png(40000)).image
    # 40000 / 65535 of full scale is 156; clipping would give 255.
    assert images.near(image.getpixel((10, 10)), (156, 156, 156), tolerance=1)


def test_heic_from_a_phone_decodes_upright_with_its_colours():
    image = decode_upload(images.heic((320, 240))).image
    assert images.near(image.getpixel((40, 120)), images.RED, tolerance=25)
    assert images.near(image.getpixel((280, 120)), images.BLUE, tolerance=25)


def test_icc_profile_is_converted_to_srgb():
    tagged = Image.new("RGB", (100, 100), (200, 0, 0))
    data = images.encode(tagged, "JPEG", quality=95, icc_profile=images.swapped_red_green_icc())
    image = decode_upload(data).image
    # In that profile (200, 0, 0) is green; ignoring the profile would keep it red.
    assert images.near(image.getpixel((50, 50)), (0, 200, 0), tolerance=15)
    assert image.info == {}


def test_broken_icc_profile_is_ignored_not_fatal():
    data = images.encode(images.photo((100, 100)), "JPEG", icc_profile=b"not a profile" * 10)
    assert decode_upload(data).image.mode == "RGB"


def test_large_transparent_images_are_flattened_in_bands_exactly_like_whole():
    # Bands save memory; they must not change a pixel. 1000 rows, factor 3: bands of 255 rows.
    image = Image.linear_gradient("L").resize((1500, 1000))
    rgba = Image.merge(
        "RGBA", (image, image.rotate(90), image.transpose(Image.Transpose.FLIP_TOP_BOTTOM), image)
    )
    banded = shrink_in_bands(rgba, 500)
    whole = Image.new("RGB", rgba.size, BACKGROUND)
    whole.paste(rgba, mask=rgba.getchannel("A"))
    assert banded.size == (500, 334)
    assert banded.tobytes() == whole.reduce(3).tobytes()


@pytest.mark.parametrize("mode", ["I;16", "P", "1"])
def test_16_bit_palette_and_bilevel_images_are_converted_in_bands_exactly_like_whole(mode):
    grey = Image.linear_gradient("L").resize((1500, 1000))
    image = grey.convert("RGB").convert("P") if mode == "P" else grey.convert(mode)
    if mode == "I;16":
        image = Image.eval(grey.convert("I"), lambda value: value * 257).convert("I;16")
    banded = shrink_in_bands(image, 500)
    assert banded.mode in ("L", "RGB") and banded.size == (500, 334)
    assert banded.tobytes() == to_resizable(image).reduce(3).tobytes()


def test_large_png_with_alpha_becomes_a_bounded_flat_master():
    rgba = Image.new("RGBA", (4200, 600), images.RED + (0,))
    rgba.paste(images.GREEN + (255,), (0, 0, 2100, 600))
    image = decode_upload(images.encode(rgba, "PNG")).image
    assert image.size == (2048, 293)
    assert images.near(image.getpixel((100, 150)), images.GREEN, tolerance=2)
    assert images.near(image.getpixel((1900, 150)), BACKGROUND, tolerance=2)
