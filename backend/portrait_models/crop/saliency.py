"""Saliency crop when there is no face: smartcrop.js's scoring, vectorised with numpy.

Per pixel (on a copy at most ``WORK_SIZE`` px long): edges (a Laplacian of smartcrop.js's
luma), skin likeness and saturation, each gated like smartcrop.js. A crop's score weights
those by an importance map relative to the crop (centre, rule of thirds, a penalty near the
crop's edges) and counts pixels outside the crop at -0.5; since the score is linear in the
importance, every crop position of a scale is one ``cv2.matchTemplate`` (correlation) with
the importance kernel. Ties go to the first maximum, so the result is deterministic.
"""

from __future__ import annotations

import cv2
import numpy as np

from portrait_models.crop.geometry import Rect, largest_size

WORK_SIZE = 256
SCALES = (1.0, 0.9, 0.8)
SKIN_COLOR = np.array([0.78, 0.57, 0.44])
SKIN_THRESHOLD, SKIN_BIAS, SKIN_WEIGHT = 0.8, 0.01, 1.8
SKIN_BRIGHTNESS = (0.2, 1.0)
SATURATION_THRESHOLD, SATURATION_BIAS, SATURATION_WEIGHT = 0.4, 0.2, 0.1
SATURATION_BRIGHTNESS = (0.05, 0.9)
DETAIL_WEIGHT = 0.2
EDGE_RADIUS, EDGE_WEIGHT, OUTSIDE_IMPORTANCE = 0.4, -20.0, -0.5


def saliency_map(rgb: np.ndarray) -> np.ndarray:
    """smartcrop.js's per-pixel score, before importance weighting (float32, HxW)."""
    rgb = rgb.astype(np.float32)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    luma = 0.5126 * b + 0.7152 * g + 0.0722 * r  # smartcrop.js's cie(), weights and all
    edge = luma.copy()
    edge[1:-1, 1:-1] = (
        4 * luma[1:-1, 1:-1] - luma[:-2, 1:-1] - luma[2:, 1:-1] - luma[1:-1, :-2] - luma[1:-1, 2:]
    )
    detail = np.clip(edge, 0, 255) / 255
    lightness = luma / 255

    magnitude = np.sqrt(r * r + g * g + b * b)
    magnitude[magnitude == 0] = 1
    distance = np.linalg.norm(rgb / magnitude[..., None] - SKIN_COLOR, axis=2)
    skin = 1 - distance
    skin_ok = (skin > SKIN_THRESHOLD) & _within(lightness, SKIN_BRIGHTNESS)
    skin = np.where(skin_ok, (skin - SKIN_THRESHOLD) / (1 - SKIN_THRESHOLD), 0)

    high, low = rgb.max(axis=2) / 255, rgb.min(axis=2) / 255
    spread, total = high - low, high + low
    with np.errstate(divide="ignore", invalid="ignore"):
        sat = np.where(total / 2 > 0.5, spread / (2 - total), spread / total)
    sat = np.nan_to_num(np.where(spread == 0, 0, sat))
    sat_ok = (sat > SATURATION_THRESHOLD) & _within(lightness, SATURATION_BRIGHTNESS)
    sat = np.where(sat_ok, (sat - SATURATION_THRESHOLD) / (1 - SATURATION_THRESHOLD), 0)

    score = (
        DETAIL_WEIGHT * detail
        + SKIN_WEIGHT * skin * (detail + SKIN_BIAS)
        + SATURATION_WEIGHT * sat * (detail + SATURATION_BIAS)
    )
    return score.astype(np.float32)


def importance(width: int, height: int) -> np.ndarray:
    """smartcrop.js's importance() for every pixel of a ``width`` x ``height`` crop."""
    px = np.abs(0.5 - np.arange(width) / width) * 2
    py = np.abs(0.5 - np.arange(height) / height) * 2
    px, py = np.meshgrid(px, py)
    dx = np.maximum(px - 1 + EDGE_RADIUS, 0)
    dy = np.maximum(py - 1 + EDGE_RADIUS, 0)
    d = (dx * dx + dy * dy) * EDGE_WEIGHT
    s = 1.41 - np.sqrt(px * px + py * py)
    s = s + np.maximum(0, s + d + 0.5) * 1.2 * (_thirds(px) + _thirds(py))
    return (s + d).astype(np.float32)


def saliency_crop(rgb: np.ndarray, aspect: float) -> Rect:
    """The best crop of ``aspect`` in ``rgb``'s pixels."""
    height, width = rgb.shape[:2]
    k = min(1.0, WORK_SIZE / max(height, width))
    small = cv2.resize(
        np.asarray(rgb),
        (max(1, round(width * k)), max(1, round(height * k))),
        interpolation=cv2.INTER_AREA,
    )
    score = saliency_map(small)
    outside = OUTSIDE_IMPORTANCE * float(score.sum())
    best: tuple[float, Rect] | None = None
    full_w, full_h = largest_size(aspect, small.shape[1], small.shape[0])
    for scale in SCALES:
        cw, ch = max(1, int(full_w * scale)), max(1, int(full_h * scale))
        # sum_in(S * (imp - outside_importance)) + outside_importance * sum_all(S)
        kernel = importance(cw, ch) - OUTSIDE_IMPORTANCE
        totals = (cv2.matchTemplate(score, kernel, cv2.TM_CCORR) + outside) / (cw * ch)
        _, value, _, (x, y) = cv2.minMaxLoc(totals)
        if best is None or value > best[0]:
            best = (value, Rect(x / k, y / k, cw / k, ch / k))
    assert best is not None
    return best[1]


def _within(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def _thirds(x: np.ndarray) -> np.ndarray:
    x = ((x - 1 / 3 + 1) % 2 * 0.5 - 0.5) * 16
    return np.maximum(1 - x * x, 0)
