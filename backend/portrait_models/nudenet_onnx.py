"""NudeNet 3.4.2's bundled 320n detector, run with our own onnxruntime session.

The pre/post-processing replicates ``nudenet/nudenet.py`` (``_read_image`` and
``_postprocess``) step for step, but starts from an in-memory RGB array instead of a path:
NudeNet reads files with ``cv2.imread`` (BGR), so the network was exercised on BGR input and
RGB arrays score differently. Its ``cvtColor(RGBA2BGR)`` on a 3-channel BGR image is a plain
R/B swap, and ``blobFromImage(swapRB=True)`` swaps back: the blob is BGR. Starting from RGB,
the same ``blobFromImage(swapRB=True)`` yields that BGR blob. The post-processing is
vectorised with numpy but keeps NudeNet's thresholds (candidates >= 0.2, NMS score 0.25,
IoU 0.45) and its box arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import cv2
import nudenet.nudenet as _nudenet_module
import numpy as np

from portrait_models.onnx_session import OnnxDetector

MODEL_FILE = resources.files("nudenet") / "320n.onnx"
# The label order is the network's output order; read it from the package we run.
LABELS: tuple[str, ...] = tuple(getattr(_nudenet_module, "__labels"))
INPUT_SIZE = 320
CANDIDATE_SCORE = 0.2
NMS_SCORE = 0.25
NMS_IOU = 0.45


@dataclass(frozen=True)
class RawDetection:
    """A detection in the pixels of the array that was analysed (x, y = top-left)."""

    label: str
    score: float
    x: float
    y: float
    w: float
    h: float


class NudeNetDetector(OnnxDetector):
    """Runs 320n on an RGB array; ``load()`` is idempotent and thread-safe."""

    model_file = MODEL_FILE

    def detect(self, rgb: np.ndarray) -> list[RawDetection]:
        blob, side = _preprocess(rgb)
        output = self._run(blob)[0]
        return _postprocess(output, side, width=rgb.shape[1], height=rgb.shape[0])


def _preprocess(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    """NudeNet's ``_read_image``: pad right/bottom to a square, resize, scale, BGR, NCHW."""
    height, width = rgb.shape[:2]
    side = max(height, width)
    padded = cv2.copyMakeBorder(rgb, 0, side - height, 0, side - width, cv2.BORDER_CONSTANT)
    blob = cv2.dnn.blobFromImage(
        padded, 1 / 255.0, (INPUT_SIZE, INPUT_SIZE), (0, 0, 0), swapRB=True, crop=False
    )
    return blob, side


def _postprocess(output: np.ndarray, side: int, *, width: int, height: int) -> list[RawDetection]:
    """NudeNet's ``_postprocess``, vectorised: centre boxes -> clipped corner boxes -> NMS."""
    rows = np.transpose(np.squeeze(output, axis=0))  # (candidates, 4 + labels)
    class_scores = rows[:, 4:]
    best = class_scores.max(axis=1)
    keep = best >= CANDIDATE_SCORE
    rows, best, class_ids = rows[keep], best[keep], class_scores[keep].argmax(axis=1)
    # NudeNet scales by (original + pad) / model size, the same ``side`` on both axes; same
    # operation order so float32 rounding (and the final int()) matches.
    x = (rows[:, 0] - rows[:, 2] / 2) * side / INPUT_SIZE
    y = (rows[:, 1] - rows[:, 3] / 2) * side / INPUT_SIZE
    w = rows[:, 2] * side / INPUT_SIZE
    h = rows[:, 3] * side / INPUT_SIZE
    x = np.clip(x, 0, width)
    y = np.clip(y, 0, height)
    w = np.minimum(w, width - x)
    h = np.minimum(h, height - y)
    boxes = np.stack([x, y, w, h], axis=1)
    indices = cv2.dnn.NMSBoxes(boxes.tolist(), best.tolist(), NMS_SCORE, NMS_IOU)
    return [
        RawDetection(LABELS[class_ids[i]], float(best[i]), *(float(v) for v in boxes[i]))
        for i in np.asarray(indices, dtype=int).reshape(-1)
    ]
