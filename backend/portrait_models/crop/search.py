"""smart-crop 2's framing: a search over candidate crops with the rules as hard limits.

Rules (issue 13): never slice a face -- every face at least a third of the main face's
height is whole or out; keep the whole group (faces at least half the main one) when one crop
holds it with the main face at least 20% of its height, else frame the main person. Among
the crops that obey, the one nearest a portrait wins: main face a third of the crop height,
eyes on the upper third, the subject centred across.
"""

from __future__ import annotations

import itertools

import numpy as np

from portrait_models.crop.geometry import Rect, largest_size

SHARES = np.array([1 / 3, 0.3, 0.37, 0.27, 0.42, 0.24, 0.5, 0.21, 0.58])  # main h / crop h
GROUP_SHARE = 0.2
STEPS = 21  # positions tried across and down
KEEP = 0.97  # inside share that counts as whole (the metric's bar is 0.9: a margin)
SLICE = (0.03, 0.97)  # strictly between: sliced
EYES = 0.45  # eye line, as a share of a (forehead-to-chin) face box from its top
MIN_CROP = 128.0
MARGIN = 0.12  # room kept around each kept face when the rules allow it (else none)


def _inside(crops: np.ndarray, box: Rect) -> np.ndarray:
    """Share of ``box`` inside each crop; crops is (n, 4) of x, y, w, h."""
    dx = np.minimum(box.right, crops[:, 0] + crops[:, 2]) - np.maximum(box.x, crops[:, 0])
    dy = np.minimum(box.bottom, crops[:, 1] + crops[:, 3]) - np.maximum(box.y, crops[:, 1])
    return np.clip(dx, 0, None) * np.clip(dy, 0, None) / max(box.area, 1e-9)


def _candidates(subject: Rect, heights: np.ndarray, aspect: float, width: int, height: int):
    """Crops of each height, at positions that hold ``subject``, clamped into the image."""
    rows = []
    for h in heights:
        w = h * aspect
        xs = (
            np.linspace(subject.right - w, subject.x, STEPS)
            if w >= subject.w
            else [subject.cx - w / 2]
        )
        ys = np.linspace(subject.bottom - h, subject.y, STEPS) if h >= subject.h else [subject.y]
        gx, gy = np.meshgrid(np.clip(xs, 0, width - w), np.clip(ys, 0, height - h))
        rows.append(np.stack([gx.ravel(), gy.ravel(), np.full(gx.size, w), np.full(gx.size, h)], 1))
    return np.unique(np.concatenate(rows), axis=0)


def _union(rects: list[Rect]) -> Rect:
    result = rects[0]
    for rect in rects[1:]:
        result = result.union(rect)
    return result


def _pad(face: Rect, margin: float, width: int, height: int) -> Rect:
    """Room around a kept face (ears, hair), within the image."""
    grown = Rect(face.x - margin * face.w, face.y - margin * face.h,
                 face.w * (1 + 2 * margin), face.h * (1 + 2 * margin))  # fmt: skip
    return grown.clamp_to(width, height)


def frame(
    faces: list[Rect], width: int, height: int, aspect: float, unsure: tuple[Rect, ...] = ()
) -> Rect:
    """The crop for ``faces`` (main face first), inside the image, of the asked aspect.
    ``unsure`` faces (a detector's doubtful ones) are never sliced but never make a group."""
    main = faces[0]
    _, max_h = largest_size(aspect, width, height)
    near = [f for f in faces[1:] if f.h >= main.h / 3]
    group = [main] + [f for f in near if f.h >= main.h / 2]
    near += [f for f in unsure if f.h >= main.h / 3]
    attempts = []
    if len(group) > 1:
        box = _union(group)
        need = max(box.h, box.w / aspect)
        if need <= max_h and main.h >= GROUP_SHARE * need:
            attempts.append((box, group, need))
    attempts.append((main, [main], main.h))
    for (subject, kept, need), margin in itertools.product(attempts, (MARGIN, 0.0)):
        padded = [_pad(f, margin, width, height) for f in kept]
        heights = main.h / SHARES
        need = max(need, _union(padded).h, _union(padded).w / aspect)
        heights = np.unique(np.clip(np.append(heights, need * 1.15), max(need, MIN_CROP), max_h))
        crops = _candidates(_union(padded), heights, aspect, width, height)
        ok = np.ones(len(crops), bool)
        for face in padded:
            ok &= _inside(crops, face) >= KEEP
        for face in near:
            share = _inside(crops, face)
            ok &= (share <= SLICE[0]) | (share >= SLICE[1])
        if ok.any():
            return _best(crops[ok], main, subject)
    return _best(_candidates(main, np.array([min(max(main.h * 3, MIN_CROP), max_h)]),
                             aspect, width, height), main, main)  # fmt: skip


def _best(crops: np.ndarray, main: Rect, subject: Rect) -> Rect:
    x, y, w, h = crops.T
    share = main.h / h
    eyes = (main.y + EYES * main.h - y) / h
    across = (x + w / 2 - subject.cx) / w
    cost = 4 * (share - 1 / 3) ** 2 + (eyes - 1 / 3) ** 2 + across**2
    best = crops[int(np.argmin(cost))]
    return Rect(*(float(v) for v in best))
