"""MediaPipe's BlazeFace short-range face detector, run with our own onnxruntime session.

The weights are ``face_detection_short_range.tflite`` from the mediapipe 0.10.21 wheel
(Apache-2.0), converted to ONNX by ``scripts/convert-blazeface`` and vendored beside this
module with their licence (``weights/blazeface``); nothing is downloaded at run time.

Pre- and post-processing follow MediaPipe's ``face_detection_short_range`` graph: the image
letterboxed to 128x128 RGB in [-1, 1]; 896 SSD anchors (strides 8, 16, 16, 16; fixed size);
box offsets scaled by 128; sigmoid scores >= 0.5; weighted non-maximum suppression at
IoU 0.3. Boxes come back in the pixels of the array that was analysed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from portrait_models.onnx_session import OnnxDetector

MODEL_FILE = Path(__file__).resolve().parent / "weights/blazeface/face_detection_short_range.onnx"
INPUT_SIZE = 128
MIN_SCORE = 0.5
NMS_IOU = 0.3
STRIDES = (8, 16, 16, 16)


@dataclass(frozen=True)
class Face:
    """A face in the pixels of the analysed array (x, y = top-left), eyebrows to mouth."""

    score: float
    x: float
    y: float
    w: float
    h: float


def anchors() -> np.ndarray:
    """(896, 2) anchor centres in [0, 1]: MediaPipe's SsdAnchorsCalculator for this graph
    (layers of the same stride share a grid, two anchors per layer, fixed anchor size)."""
    centres = []
    layer = 0
    while layer < len(STRIDES):
        stride, per_cell = STRIDES[layer], 0
        while layer < len(STRIDES) and STRIDES[layer] == stride:
            per_cell, layer = per_cell + 2, layer + 1
        grid = INPUT_SIZE // stride
        ys, xs = np.meshgrid(np.arange(grid), np.arange(grid), indexing="ij")
        cells = np.stack([(xs.ravel() + 0.5) / grid, (ys.ravel() + 0.5) / grid], axis=1)
        centres.append(np.repeat(cells, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


_ANCHORS = anchors()


class BlazeFaceDetector(OnnxDetector):
    """Runs BlazeFace on RGB arrays; ``load()`` is idempotent and thread-safe."""

    model_file = MODEL_FILE

    def detect(self, rgb: np.ndarray) -> list[Face]:
        """The faces of one RGB array (any size: letterboxed to 128 px)."""
        return self.detect_many([rgb])[0]

    def detect_many(self, arrays: list[np.ndarray]) -> list[list[Face]]:
        """Several arrays, one run each (the converted graph has a fixed batch of one)."""
        found = []
        for rgb in arrays:
            blob, frame = _letterbox(rgb)
            boxes, scores = self._run(blob)
            found.append(_faces(boxes[0], scores[0], frame))
        return found


@dataclass(frozen=True)
class _Frame:
    """Where the array sits in the 128 px square: its scale and padding."""

    scale: float
    pad_x: float
    pad_y: float


def _letterbox(rgb: np.ndarray) -> tuple[np.ndarray, _Frame]:
    height, width = rgb.shape[:2]
    scale = INPUT_SIZE / max(height, width)
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
    resized = cv2.resize(np.ascontiguousarray(rgb), (w, h), interpolation=cv2.INTER_AREA)
    square = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), np.float32)
    pad_x, pad_y = (INPUT_SIZE - w) // 2, (INPUT_SIZE - h) // 2
    square[pad_y : pad_y + h, pad_x : pad_x + w] = resized / 127.5 - 1.0
    return square.transpose(2, 0, 1)[None], _Frame(scale, pad_x, pad_y)


def _faces(raw: np.ndarray, logits: np.ndarray, frame: _Frame) -> list[Face]:
    scores = 1 / (1 + np.exp(-np.clip(logits[:, 0].astype(np.float64), -100, 100)))
    keep = scores >= MIN_SCORE
    if not keep.any():
        return []
    raw, scores, centres = raw[keep], scores[keep], _ANCHORS[keep]
    cx = raw[:, 0] / INPUT_SIZE + centres[:, 0]
    cy = raw[:, 1] / INPUT_SIZE + centres[:, 1]
    w, h = raw[:, 2] / INPUT_SIZE, raw[:, 3] / INPUT_SIZE
    boxes = np.stack([cx - w / 2, cy - h / 2, w, h], axis=1) * INPUT_SIZE
    found = []
    for score, (x, y, bw, bh) in _weighted_nms(boxes, scores):
        found.append(
            Face(
                score,
                (x - frame.pad_x) / frame.scale,
                (y - frame.pad_y) / frame.scale,
                bw / frame.scale,
                bh / frame.scale,
            )
        )
    return found


def _weighted_nms(boxes: np.ndarray, scores: np.ndarray) -> list[tuple[float, np.ndarray]]:
    """MediaPipe's WEIGHTED suppression: each cluster of overlapping boxes becomes their
    score-weighted mean, scored by its best member."""
    order = list(np.argsort(-scores, kind="stable"))
    kept = []
    while order:
        best = order[0]
        overlap = _iou(boxes[best], boxes[order])
        cluster = [i for i, o in zip(order, overlap, strict=True) if o > NMS_IOU]
        weights = scores[cluster][:, None]
        kept.append((float(scores[best]), (boxes[cluster] * weights).sum(0) / weights.sum()))
        order = [i for i, o in zip(order, overlap, strict=True) if o <= NMS_IOU]
    return kept


def _iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    x0 = np.maximum(box[0], others[:, 0])
    y0 = np.maximum(box[1], others[:, 1])
    x1 = np.minimum(box[0] + box[2], others[:, 0] + others[:, 2])
    y1 = np.minimum(box[1] + box[3], others[:, 1] + others[:, 3])
    inter = np.clip(x1 - x0, 0, None) * np.clip(y1 - y0, 0, None)
    return inter / (box[2] * box[3] + others[:, 2] * others[:, 3] - inter)
