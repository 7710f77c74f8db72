"""smart-crop 1.0.0 (retired, callable pinned): faces framed like a portrait, saliency
otherwise, always inside the image."""

import statistics

import numpy as np
import pytest

from portrait_models.decoding import decode
from portrait_models.lifecycle.samples import BACKGROUNDS, FRAMES, POSITIONS, framing_composites
from tests.models.photos import NO_FACE_PHOTOS, composite, contains, encode, jpeg, photo


def _decoded(data: bytes):
    return decode(data, max_pixels=10**8, decode_size=640)


def _inside(crop: dict, width: int, height: int) -> bool:
    return (
        crop["x"] >= 0
        and crop["y"] >= 0
        and crop["width"] >= 1
        and crop["height"] >= 1
        and crop["x"] + crop["width"] <= width
        and crop["y"] + crop["height"] <= height
    )


@pytest.mark.parametrize("orientation", FRAMES)
def test_square_crop_keeps_the_whole_face_off_centre_at_least_95_percent(registry, orientation):
    """The astronaut placed off-centre (edges, corners) at 3 sizes in real photos, as JPEG."""
    model = registry.get("smart-crop", "1.0.0")
    whole, shares, cases = 0, [], 0
    for pixels, face, frame in framing_composites(orientation):
        result = model.predict(_decoded(encode(pixels, quality=90)), aspect=1.0)
        crop = result["crop"]
        assert _inside(crop, *frame) and crop["width"] == crop["height"]
        cases += 1
        whole += contains(crop, face)
        shares.append(face[3] / crop["height"])
    rate = whole / cases
    assert rate >= 0.95, f"whole face in {whole}/{cases} crops"
    # Framed like a portrait, not the largest square that happens to hold the face.
    assert 0.25 <= statistics.median(shares) <= 0.45, shares


SMALL_FRAMES = [(1600, 900), (2000, 1000), (1600, 1200), (900, 1600), (1000, 1500), (1200, 1600)]


def test_smaller_faces_stay_whole_in_both_orientations(registry):
    """Harder than the bar above: the face only 6.6% of the short side (the cascade's finest
    octave), in wide, 4:3 and tall frames -- the recall the pyramid scan must keep."""
    model = registry.get("smart-crop", "1.0.0")
    whole, cases = 0, 0
    for i, frame in enumerate(SMALL_FRAMES):
        scale = 0.55 * min(frame) / 1000  # face height = 120 px * scale = 6.6% of the short side
        for j, at in enumerate(POSITIONS):
            pixels, face = composite(frame, scale, at, BACKGROUNDS[(i + j) % 3])
            crop = model.predict(_decoded(encode(pixels, quality=90)), aspect=1.0)["crop"]
            assert _inside(crop, *frame) and crop["width"] == crop["height"]
            cases += 1
            whole += contains(crop, face)
    assert whole / cases >= 0.95, f"whole face in {whole}/{cases} crops"


def test_portrait_framing_of_the_astronaut(registry):
    result = registry.get("smart-crop", "1.0.0").predict(_decoded(jpeg("astronaut")))
    crop, face = result["crop"], result["faces"][0]
    assert result["method"] == "faces" and face["source"] == "haar+nudenet"
    assert face["height"] / crop["height"] == pytest.approx(1 / 3, abs=0.05)
    eyes = 125  # the astronaut's eye line
    assert (eyes - crop["y"]) / crop["height"] == pytest.approx(1 / 3, abs=0.07)
    face_cx = face["x"] + face["width"] / 2
    assert abs(crop["x"] + crop["width"] / 2 - face_cx) <= 3


@pytest.mark.parametrize("name", NO_FACE_PHOTOS)
def test_photos_without_faces_get_a_saliency_crop(registry, name):
    result = registry.get("smart-crop", "1.0.0").predict(_decoded(jpeg(name)))
    assert result["method"] == "saliency" and result["faces"] == []


def test_saliency_finds_the_subject_on_a_plain_background(registry):
    frame = np.full((600, 1800, 3), 128, np.uint8)
    frame[100:500, 1250:1650] = photo("coffee")[:400, 100:500]  # the cup, far right
    result = registry.get("smart-crop", "1.0.0").predict(_decoded(encode(frame, "PNG")))
    crop = result["crop"]
    assert result["method"] == "saliency"
    assert crop["x"] <= 1300 and crop["x"] + crop["width"] >= 1600


@pytest.mark.parametrize("aspect", [1.0, 0.2, 0.75, 1.91, 5.0])
@pytest.mark.parametrize("name", ["astronaut", "coffee", "rocket", "tiny", "strip"])
def test_crop_is_always_inside_the_image_with_the_aspect(registry, name, aspect):
    pixels = {
        "tiny": photo("astronaut")[100:107, 100:105],
        "strip": photo("rocket")[200:230],
    }.get(name)
    pixels = photo(name) if pixels is None else np.ascontiguousarray(pixels)
    image = _decoded(encode(pixels, "PNG"))
    first = registry.get("smart-crop", "1.0.0").predict(image, aspect=aspect)
    crop = first["crop"]
    assert _inside(crop, image.width, image.height), crop
    if min(crop["width"], crop["height"]) >= 20:  # rounding aside, the asked aspect
        assert crop["width"] / crop["height"] == pytest.approx(aspect, rel=0.03)
    again = registry.get("smart-crop", "1.0.0").predict(image, aspect=aspect)
    assert again == first  # deterministic


def _two_people(offset: int) -> tuple[np.ndarray, list[tuple[float, float, float, float]]]:
    """Two astronauts at 0.6 scale (faces ~65 px wide), the second ``offset`` px to the right
    of the first, in a real photo 2400 px wide."""
    frame, first = composite((2400, 1000), 0.6, (0.0, 0.5), "rocket")
    side = round(512 * 0.6)
    y = round((1000 - side) * 0.5)
    person = frame[y : y + side, :side].copy()
    frame[y : y + side, offset : offset + side] = person
    second = (first[0] + offset, first[1], first[2], first[3])
    return frame, [first, second]


def test_two_people_side_by_side_are_both_framed_whole(registry):
    pixels, faces = _two_people(offset=170)  # faces ~2.6 widths apart
    result = registry.get("smart-crop", "1.0.0").predict(_decoded(encode(pixels, quality=90)))
    assert result["method"] == "faces" and len(result["faces"]) == 2
    assert all(contains(result["crop"], face) for face in faces)


def test_a_face_far_away_does_not_shrink_the_main_one(registry):
    pixels, faces = _two_people(offset=1700)
    result = registry.get("smart-crop", "1.0.0").predict(_decoded(encode(pixels, quality=90)))
    crop = result["crop"]
    assert sum(contains(crop, face) for face in faces) == 1
    assert faces[0][3] / crop["height"] > 0.25  # still a portrait of one of them
