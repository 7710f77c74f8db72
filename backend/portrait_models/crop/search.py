"""smart-crop 2's framing: a search over candidate crops with the rules as hard limits.

Rules (issue 13): never slice a face -- every face at least a third of the main face's
height is whole or out; keep the whole group (faces at least half the main one) when one crop
holds it with the main face at least 20% of its height, else frame the main person with as
many of their nearest neighbours as one crop holds whole (the main face at least 22%). Among
the crops that obey, the one nearest a portrait wins: main face a third of the crop height,
eyes on the upper third, the subject centred across.
"""

from __future__ import annotations

import itertools

import numpy as np

from portrait_models.crop.geometry import Rect, largest_size

SHARES = np.array([1 / 3, 0.3, 0.37, 0.27, 0.42, 0.24, 0.5, 0.21, 0.58])  # main h / crop h
GROUP_SHARE = 0.2
NEIGHBOURS_SHARE = 0.22  # the same for a part of the group: room for a detector's size error
STEPS = 21  # positions tried across and down
KEEP = 0.97  # inside share that counts as whole (the metric's bar is 0.9: a margin)
# strictly between: sliced. Up to 6% inside is a strip of ear or hair (the metric's bar: 10%)
SLICE = (0.06, 0.97)
EYES = 0.45  # eye line, as a share of a (forehead-to-chin) face box from its top
MIN_CROP = 128.0
LADDER = 48  # crop heights tried between the least that holds the subject and the tallest
MARGIN = 0.12  # room kept around each kept face when the rules allow it (else none)


def _inside(crops: np.ndarray, box: Rect) -> np.ndarray:
    """Share of ``box`` inside each crop; crops is (n, 4) of x, y, w, h."""
    dx = np.minimum(box.right, crops[:, 0] + crops[:, 2]) - np.maximum(box.x, crops[:, 0])
    dy = np.minimum(box.bottom, crops[:, 1] + crops[:, 3]) - np.maximum(box.y, crops[:, 1])
    return np.clip(dx, 0, None) * np.clip(dy, 0, None) / max(box.area, 1e-9)


def _candidates(subject: Rect, heights: np.ndarray, aspect: float, width: int, height: int):
    """Crops of each height, at STEPS x STEPS positions that hold ``subject`` (centred on it
    where a crop is smaller), clamped into the image: (n, 4) of x, y, w, h."""
    h = np.asarray(heights, float)[:, None]
    w, t = h * aspect, np.linspace(0.0, 1.0, STEPS)[None, :]
    xs = np.where(w >= subject.w, subject.right - w + t * (subject.x - subject.right + w),
                  subject.cx - w / 2)  # fmt: skip
    ys = np.where(h >= subject.h, subject.bottom - h + t * (subject.y - subject.bottom + h),
                  subject.y)  # fmt: skip
    xs, ys = np.clip(xs, 0, width - w), np.clip(ys, 0, height - h)
    n = len(h)
    gx = np.broadcast_to(xs[:, None, :], (n, STEPS, STEPS))
    gy = np.broadcast_to(ys[:, :, None], (n, STEPS, STEPS))
    sizes = np.broadcast_to(np.stack([w, h], -1)[:, :, None, :], (n, STEPS, STEPS, 2))
    return np.concatenate([np.stack([gx, gy], -1), sizes], -1).reshape(-1, 4)


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
    attempts = [*_groups(group, aspect, max_h), ([main], max_h)]
    for (kept, top), margin in itertools.product(attempts, (MARGIN, 0.0)):
        padded = [_pad(f, margin, width, height) for f in kept]
        subject = _union(padded)
        need = max(_need(kept, aspect), _need(padded, aspect))
        low = max(need, MIN_CROP)
        portrait = np.append(main.h / SHARES, need * 1.15)
        # The portrait's heights, unless a near face bounds the crop below them: then the
        # tallest crop that still leaves it out frames a large main face best (a finer ladder).
        for heights in (portrait, np.append(portrait, np.geomspace(low, top, LADDER))):
            heights = np.unique(np.clip(heights, low, top))
            crops = _allowed(_candidates(subject, heights, aspect, width, height), padded, near)
            if len(crops) and main.h / crops[:, 3].max() <= SHARES.max():
                break
        if len(crops):
            return _best(crops, main, _union(kept))
    return _best(_candidates(main, np.array([min(max(main.h * 3, MIN_CROP), max_h)]),
                             aspect, width, height), main, main)  # fmt: skip


def _allowed(crops: np.ndarray, kept: list[Rect], near: list[Rect]) -> np.ndarray:
    """The crops that hold every ``kept`` face whole and slice no ``near`` one."""
    ok = np.ones(len(crops), bool)
    for face in kept:
        ok &= _inside(crops, face) >= KEEP
    for face in near:
        share = _inside(crops, face)
        ok &= (share <= SLICE[0]) | (share >= SLICE[1])
    return crops[ok]


def _need(faces: list[Rect], aspect: float) -> float:
    """The least crop height that holds ``faces``."""
    box = _union(faces)
    return max(box.h, box.w / aspect)


def _groups(group: list[Rect], aspect: float, max_h: float) -> list[tuple[list[Rect], float]]:
    """The groups worth a try before the main face alone, each with the tallest crop it may
    have: the whole group when one crop holds it with the main face at least GROUP_SHARE of
    its height; else the main face with as many of its nearest neighbours as a crop holds
    with the main face at least NEIGHBOURS_SHARE. Faces within ~15% of each other's size
    cannot be ranked by a detector (boxes vary that much), so when the group does not fit, a
    crop of the main person with their neighbours whole keeps "the" main face far more often
    than a tight crop on whichever face measured largest."""
    main = group[0]
    if len(group) < 2:
        return []
    whole = min(max_h, main.h / GROUP_SHARE)
    if _need(group, aspect) <= whole:
        return [(group, whole)]
    limit, kept = min(max_h, main.h / NEIGHBOURS_SHARE), [main]
    for face in sorted(group[1:], key=lambda f: (f.cx - main.cx) ** 2 + (f.cy - main.cy) ** 2):
        if _need([*kept, face], aspect) <= limit:
            kept.append(face)
    return [(kept, limit)] if len(kept) > 1 else []


def _best(crops: np.ndarray, main: Rect, subject: Rect) -> Rect:
    x, y, w, h = crops.T
    share = main.h / h
    eyes = (main.y + EYES * main.h - y) / h
    across = (x + w / 2 - subject.cx) / w
    cost = 4 * (share - 1 / 3) ** 2 + (eyes - 1 / 3) ** 2 + across**2
    best = crops[int(np.argmin(cost))]
    return Rect(*(float(v) for v in best))
