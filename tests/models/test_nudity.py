"""nudity-detection: NudeNet's own answers, from memory, with a configurable policy."""

import pytest
from nudenet import NudeDetector

from portrait_models.decoding import decode
from tests.models.photos import composite, encode, jpeg, photo

SAFE_PHOTOS = ("astronaut", "camera", "coffee", "chelsea", "rocket", "hubble_deep_field")


@pytest.fixture(scope="module")
def reference() -> NudeDetector:
    return NudeDetector()


def _decoded(data: bytes):
    return decode(data, max_pixels=10**8, decode_size=640)


@pytest.mark.parametrize("name", ["astronaut", "camera", "colorwheel", "moon", "coffee"])
def test_same_detections_as_nudenet_reading_the_file(registry, reference, tmp_path, name):
    path = tmp_path / f"{name}.png"
    path.write_bytes(encode(photo(name), "PNG"))  # lossless: both readers see the same pixels
    expected = reference.detect(str(path))
    got = registry.get("nudity-detection").predict(_decoded(path.read_bytes()))["detections"]
    assert sorted((d["label"], d["box"]) for d in got) == sorted(
        (d["class"], d["box"]) for d in expected
    )
    by_box = {tuple(d["box"]): d["score"] for d in expected}
    for d in got:
        assert d["score"] == pytest.approx(by_box[tuple(d["box"])], abs=1e-3)


@pytest.mark.parametrize("name", SAFE_PHOTOS)
def test_safe_photos_are_not_explicit(registry, name):
    result = registry.get("nudity-detection").predict(_decoded(jpeg(name)))
    assert result["explicit"] is False and result["reasons"] == []
    assert result["threshold"] == 0.25


def test_faces_are_reported_in_original_pixels_of_a_reduced_decode(registry):
    pixels, face = composite((4000, 3000), 3.0, (0.9, 0.2))  # 12 MP, decoded at 1/4
    result = registry.get("nudity-detection").predict(_decoded(encode(pixels, quality=85)))
    faces = [d for d in result["detections"] if d["label"].startswith("FACE_")]
    assert faces, result
    x, y, w, h = faces[0]["box"]
    assert abs(x - face[0]) < 0.15 * face[2] and abs(y - face[1]) < 0.3 * face[3]
    assert 0.7 < w / face[2] < 1.3


def test_threshold_decides_what_counts(registry):
    # 320n scores skimage's synthetic colour wheel BUTTOCKS_EXPOSED ~0.83 (a known false
    # positive of the model, see README); the threshold option moves the line.
    image = _decoded(encode(photo("colorwheel"), "PNG"))
    model = registry.get("nudity-detection")
    assert model.predict(image)["reasons"] == ["BUTTOCKS_EXPOSED"]
    stricter = model.predict(image, threshold=0.9)
    assert stricter["explicit"] is False and stricter["threshold"] == 0.9
    assert stricter["detections"] == model.predict(image)["detections"]


def test_policy_labels_are_configurable_and_explicit_skips_the_crop(make_models_app):
    app = make_models_app(nudity_labels=("FACE_FEMALE",))
    response = app.test_client().post("/v1/pipelines/avatar", data=jpeg("astronaut"))
    body = response.get_json()
    assert response.status_code == 200
    assert body["result"]["moderation"]["explicit"] is True
    assert body["result"]["moderation"]["reasons"] == ["FACE_FEMALE"]
    assert body["result"]["crop"] is None
    assert body["metadata"]["models"]["crop"]["skipped"] is True
    assert body["metadata"]["models"]["crop"]["model"] == "smart-crop"
