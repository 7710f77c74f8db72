"""smart-crop 2.0.0: BlazeFace's faces framed by rules -- a face is whole or out, the group
is kept when one crop holds it with the main face >= 20% of its height."""

import pytest

from portrait_models.crop import search
from portrait_models.crop.geometry import Rect
from portrait_models.decoding import decode
from portrait_models.lifecycle.metrics import inside
from tests.models.photos import composite, contains, encode, jpeg, photo


def _decoded(data: bytes):
    return decode(data, max_pixels=10**8, decode_size=640)


def _model(registry):
    return registry.get("smart-crop", "2.0.0")


def _box(crop: dict) -> dict:
    return {"x": crop.x, "y": crop.y, "width": crop.w, "height": crop.h}


@pytest.mark.parametrize("gap", [0.2, 0.6, 1.0, 1.5, 2.5, 4.0])
@pytest.mark.parametrize("side", [0.5, 0.8, 1.0])
def test_no_face_is_sliced_whatever_its_distance(gap, side):
    """A second face ``gap`` face widths to the right, ``side`` times the main one's height:
    it ends up whole in the crop or out of it, never cut."""
    main = Rect(400, 300, 100, 120)
    other = Rect(main.right + gap * main.w, 310, 100 * side, 120 * side)
    crop = _box(search.frame([main, other], 1600, 1000, 1.0))
    assert inside(crop, [main.x, main.y, main.w, main.h]) >= 0.97
    share = inside(crop, [other.x, other.y, other.w, other.h])
    assert share <= search.SLICE[0] or share >= search.SLICE[1], share
    assert crop["x"] >= 0 and crop["x"] + crop["width"] <= 1600 + 1e-6


def test_group_that_fits_is_kept_else_the_main_person_is_framed():
    main, friend = Rect(400, 300, 100, 120), Rect(560, 320, 90, 110)
    crop = _box(search.frame([main, friend], 1600, 1000, 1.0))
    assert all(inside(crop, [f.x, f.y, f.w, f.h]) >= 0.97 for f in (main, friend))
    far = Rect(1450, 320, 90, 110)  # one square holding both: main face under 20% of it
    crop = _box(search.frame([main, far], 1600, 1000, 1.0))
    assert inside(crop, [far.x, far.y, far.w, far.h]) <= 0.03
    assert main.h / crop["height"] == pytest.approx(1 / 3, abs=0.05)  # a portrait of one


def test_a_row_too_wide_for_one_square_keeps_the_main_face_with_its_neighbours_whole():
    """Seven faces of nearly one size in a row no square holds at 20%: the crop keeps the
    (measured) main face and as many neighbours as it can hold with the main face at least
    NEIGHBOURS_SHARE of its height (four faces span 550 px, under 124 / 0.22), all whole;
    none is cut."""
    row = [Rect(100 + 150 * i, 400, 100, 120) for i in range(7)]
    main = row[3] = Rect(550, 400, 100, 124)
    faces = [main, *[f for f in row if f is not main]]
    crop = _box(search.frame(faces, 1400, 1000, 1.0))
    shares = [inside(crop, [f.x, f.y, f.w, f.h]) for f in row]
    assert shares[3] >= 0.97 and sum(s >= 0.97 for s in shares) == 4, shares
    assert all(s <= search.SLICE[0] or s >= search.SLICE[1] for s in shares), shares
    assert main.h / crop["height"] >= search.NEIGHBOURS_SHARE - 1e-6


def test_the_tallest_crop_that_leaves_a_near_face_out_frames_a_large_main_face():
    """A large face with another close beside it: the crop grows as far as the other face
    allows, so the main face is not squeezed past two thirds of the crop."""
    main, other = Rect(250, 500, 730, 860), Rect(1300, 270, 730, 860)
    crop = _box(search.frame([main, other], 2280, 1588, 1.0))
    assert inside(crop, [other.x, other.y, other.w, other.h]) <= search.SLICE[0]
    assert inside(crop, [main.x, main.y, main.w, main.h]) >= 0.97
    assert main.h / crop["height"] < 0.65


def test_two_people_side_by_side_are_both_framed_whole(registry):
    """Faces 108 px wide in a 2400 px frame: too small for the whole-photo pass (128 px),
    found by the tiles."""
    frame, first = composite((2400, 1000), 1.0, (0.0, 0.5), "rocket")
    y = round((1000 - 512) * 0.5)
    frame[y : y + 512, 300:812] = frame[y : y + 512, :512].copy()
    second = (first[0] + 300, first[1], first[2], first[3])
    result = _model(registry).predict(_decoded(encode(frame, quality=90)))
    assert result["method"] == "faces" and len(result["faces"]) == 2
    assert contains(result["crop"], first) and contains(result["crop"], second)


def test_portrait_of_the_astronaut(registry):
    result = _model(registry).predict(_decoded(jpeg("astronaut")))
    crop, face = result["crop"], result["faces"][0]
    assert result["method"] == "faces" and face["source"] == "blazeface"
    assert contains(crop, (170, 62, 108, 120))  # the hand-drawn face box, whole
    assert face["height"] / crop["height"] == pytest.approx(1 / 3, abs=0.06)


@pytest.mark.parametrize("aspect", [1.0, 0.2, 0.75, 1.91, 5.0])
@pytest.mark.parametrize("name", ["astronaut", "coffee", "rocket"])
def test_crop_is_inside_the_image_with_the_aspect_and_deterministic(registry, name, aspect):
    image = _decoded(encode(photo(name), "PNG"))
    first = _model(registry).predict(image, aspect=aspect)
    crop = first["crop"]
    assert crop["x"] >= 0 and crop["y"] >= 0
    assert crop["x"] + crop["width"] <= image.width and crop["y"] + crop["height"] <= image.height
    assert crop["width"] / crop["height"] == pytest.approx(aspect, rel=0.03)
    assert _model(registry).predict(image, aspect=aspect) == first


def test_photos_without_faces_get_a_saliency_crop(registry):
    result = _model(registry).predict(_decoded(jpeg("coffee")))
    assert result["method"] == "saliency" and result["faces"] == []


@pytest.mark.parametrize("scale", [0.7, 1.0])
def test_a_small_face_beside_a_cat_is_the_main_one(registry, scale):
    """The astronaut small in a wide photo of a cat: BlazeFace scores the cat's face 0.6-0.7,
    the person's 0.9+; the main face is the largest *sure* one, so the person is framed."""
    frame, face = composite((1600, 900), scale, (0.0, 0.5), "chelsea")
    result = _model(registry).predict(_decoded(encode(frame, quality=90)))
    assert result["method"] == "faces"
    assert contains(result["crop"], face)
    assert face[3] / result["crop"]["height"] == pytest.approx(1 / 3, abs=0.08)
