"""Metrics of an avatar crop against face boxes (``../shared/eval/realfaces/README.md``).

Boxes are ``[x, y, w, h]``; crops ``{x, y, width, height}``; all in original pixels.
"""

from __future__ import annotations

from typing import Any

KEPT = 0.9  # a face is kept whole when >= 90% of its box is inside the crop
SLICED = (0.1, 0.9)  # partly inside: more than 10% and less than 90%
FRAMED = (0.2, 0.65)  # main face height / crop height


def inside(crop: dict[str, float], box: list[float]) -> float:
    """The share of ``box``'s area inside ``crop``."""
    x, y, w, h = box
    dx = min(x + w, crop["x"] + crop["width"]) - max(x, crop["x"])
    dy = min(y + h, crop["y"] + crop["height"]) - max(y, crop["y"])
    return max(dx, 0) * max(dy, 0) / (w * h) if w * h > 0 else 0.0


def iou(a: list[float], b: list[float]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    dx = min(ax + aw, bx + bw) - max(ax, bx)
    dy = min(ay + ah, by + bh) - max(ay, by)
    overlap = max(dx, 0) * max(dy, 0)
    union = aw * ah + bw * bh - overlap
    return overlap / union if union > 0 else 0.0


def group_square(faces: list[list[float]], main: list[float], size: list[int]) -> bool:
    """Whether one square inside the image holds every face while the main face keeps at
    least 20% of its height (the group rule's "feasible")."""
    left = min(f[0] for f in faces)
    top = min(f[1] for f in faces)
    side = max(max(f[0] + f[2] for f in faces) - left, max(f[1] + f[3] for f in faces) - top)
    return side <= min(size) and main[3] >= FRAMED[0] * side


def crop_outcome(crop: dict[str, float], truth: dict[str, Any]) -> dict[str, bool | None]:
    """One image's verdicts; None where a metric does not apply to it."""
    if truth["main"] is None:
        return {"kept": None, "framed": None, "sliced": None, "group": None}
    faces = [f["box"] for f in truth["faces"]]
    main = faces[truth["main"]]
    near = [f for f in faces if f[3] >= main[3] / 3]
    sliced = any(SLICED[0] < inside(crop, f) < SLICED[1] for f in near)
    framed = None
    if main[3] <= FRAMED[1] * min(truth["size"]):  # else no square can frame it
        framed = FRAMED[0] <= main[3] / crop["height"] <= FRAMED[1]
    group_faces = [f for f in faces if f[3] >= main[3] / 2]
    untruncated = [f["box"] for f in truth["faces"] if not f["truncated"]]
    group = None
    if len(group_faces) > 1 and group_square(group_faces, main, truth["size"]):
        group = all(inside(crop, f) >= KEPT for f in group_faces if f in untruncated)
    return {"kept": inside(crop, main) >= KEPT, "framed": framed, "sliced": sliced,
            "group": group}  # fmt: skip


def tally(outcomes: list[dict[str, bool | None]], prefix: str) -> dict[str, list[int]]:
    """``{prefix.metric: [good, applicable]}``; "no face sliced" counts the unsliced."""
    counts = {}
    for key, name in [("kept", "main_kept"), ("framed", "framed"),
                      ("sliced", "no_face_sliced"), ("group", "group_kept")]:  # fmt: skip
        applicable = [o[key] for o in outcomes if o[key] is not None]
        good = sum((not v) if key == "sliced" else bool(v) for v in applicable)
        counts[f"{prefix}.{name}"] = [good, len(applicable)]
    return counts
