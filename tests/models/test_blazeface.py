"""BlazeFace (MediaPipe's short-range face detector, vendored as ONNX): MediaPipe's anchors
and box decoding, letterboxing undone, the weights shipped with their licence."""

import numpy as np
import pytest

from portrait_models import blazeface_onnx
from portrait_models.crop import face_scan
from portrait_models.crop.face_scan import STRETCH
from portrait_models.crop.geometry import Rect
from portrait_models.decoding import decode
from tests.models.photos import ASTRONAUT_FACE, composite, encode, photo, resized


@pytest.fixture(scope="module")
def detector():
    found = blazeface_onnx.BlazeFaceDetector()
    found.load()
    return found


def _iou(a, b) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def _forehead_to_chin(face) -> tuple[float, float, float, float]:
    return (face.x + STRETCH["x"] * face.w, face.y + STRETCH["y"] * face.h,
            face.w * STRETCH["w"], face.h * STRETCH["h"])  # fmt: skip


def test_anchors_are_mediapipes_896_cell_centres():
    anchors = blazeface_onnx.anchors()
    assert anchors.shape == (896, 2)
    # 16x16 cells at stride 8 (2 anchors each), then 8x8 at stride 16 (6 each)
    assert anchors[0].tolist() == anchors[1].tolist() == [0.5 / 16, 0.5 / 16]
    assert anchors[512].tolist() == pytest.approx([0.5 / 8, 0.5 / 8])
    assert np.all((anchors > 0) & (anchors < 1))


def test_the_astronauts_face_is_found_where_a_person_drew_it(detector):
    faces = detector.detect(photo("astronaut"))
    assert len(faces) == 1 and faces[0].score >= 0.9
    assert _iou(_forehead_to_chin(faces[0]), ASTRONAUT_FACE) >= 0.6


@pytest.mark.parametrize("pad", [(0, 400), (300, 0), (100, 250)])
def test_letterboxing_is_undone_whatever_the_frame(detector, pad):
    """The photo placed in a larger grey frame: the face box moves with it, in the frame's
    pixels (the 128 px letterbox and its padding are undone)."""
    top, left = pad
    frame = np.full((512 + top, 512 + left, 3), 128, np.uint8)
    frame[top:, left:] = photo("astronaut")
    (face,) = detector.detect(frame)
    x, y, w, h = ASTRONAUT_FACE
    assert _iou(_forehead_to_chin(face), (x + left, y + top, w, h)) >= 0.5


def test_no_face_in_a_photo_of_coffee(detector):
    assert detector.detect(photo("coffee")) == []


def test_the_weights_ship_with_mediapipes_apache_licence():
    licence = blazeface_onnx.MODEL_FILE.parent / "LICENSE"
    assert blazeface_onnx.MODEL_FILE.stat().st_size > 100_000
    assert "Apache License" in licence.read_text() and "Version 2.0" in licence.read_text()


class _Counting(blazeface_onnx.BlazeFaceDetector):
    """Counts the arrays BlazeFace is run on (one whole-photo pass + tiles)."""

    runs = 0

    def detect_many(self, arrays):
        self.runs += len(arrays)
        return super().detect_many(arrays)


def _two_people() -> tuple[object, tuple, tuple]:
    """A 700x520 photo: the astronaut filling its left, again at a third of that size on
    the right (a face too small for the whole-photo pass)."""
    frame, large = composite((700, 520), 1.0, (0.0, 0.5), "rocket")
    side, x, y = 512 // 3, 525, 40
    frame[y : y + side, x : x + side] = resized(photo("astronaut"), side, side)
    fx, fy, fw, fh = ASTRONAUT_FACE
    return frame, large, (x + fx / 3, y + fy / 3, fw / 3, fh / 3)


def _decoded(pixels):
    return decode(encode(pixels, quality=90), max_pixels=10**8, decode_size=640)


def test_tiles_are_spared_when_no_other_face_was_hinted():
    """NudeNet (the hints) saw only the large face: one whole-photo pass, no tiles, so the
    small face is not looked for; hinted, the tiles find it."""
    frame, large, small = _two_people()
    image = _decoded(frame)
    sure_large = Rect(*large)
    spared = _Counting()
    faces = face_scan.find_faces(spared, image, [sure_large])
    assert spared.runs == 1 and len(faces) == 1
    looked = _Counting()
    faces = face_scan.find_faces(looked, image, [sure_large, Rect(*small)])
    assert looked.runs > 1
    assert any(_iou((r.x, r.y, r.w, r.h), small) >= 0.4 for _, r in faces)
