"""Portrait framing around faces: the face is the subject, not a speck in a big square.

The main (largest) face takes about a third of the crop height -- still recognisable at a
64 px avatar -- with the eyes on the upper third line and the face centred across. The other
faces of the group stay whole with room for hair and chin when they fit, i.e. while the main
face keeps ``GROUP_SHARE`` of the crop height; the crop is then clamped to the image, so it
may shift but never leaves it. Faces bigger than the image allows are centred on.
"""

from __future__ import annotations

from portrait_models.crop.faces import Face
from portrait_models.crop.geometry import Rect, clamp, largest_size

FACE_SHARE = 1 / 3  # main face height / crop height
EYE_LINE = 0.42  # eyes, as a fraction of the (Haar/NudeNet union) face box from its top
HAIR, CHIN, SIDES = 0.5, 0.25, 0.2  # room kept around each face, in face heights/widths
MIN_CROP = 128.0  # original pixels: a tiny face is not blown up into a blurry avatar
# Other faces join the crop only while the main face keeps at least this share of its height:
# two friends side by side fit, a stranger (or a false detection) across the photo does not.
GROUP_SHARE = 1 / 5


def whole(rect: Rect) -> Rect:
    """A face box with room for hair, chin and ears."""
    return Rect(
        rect.x - SIDES * rect.w,
        rect.y - HAIR * rect.h,
        rect.w * (1 + 2 * SIDES),
        rect.h * (1 + HAIR + CHIN),
    )


def frame_faces(faces: list[Face], width: int, height: int, aspect: float) -> Rect:
    """The crop (float pixels, inside the image) framing ``faces``, largest first."""
    main = faces[0].rect
    _, max_h = largest_size(aspect, width, height)
    members = _group(main, [f.rect for f in faces[1:]], aspect, width, height)
    group = _union([whole(r) for r in members]).clamp_to(width, height)
    crop_h = max(main.h / FACE_SHARE, group.h, group.w / aspect, MIN_CROP)
    crop_h = min(crop_h, max_h)
    crop_w = crop_h * aspect
    left = (group.cx if len(members) > 1 else main.cx) - crop_w / 2
    top = main.y + EYE_LINE * main.h - crop_h / 3
    # Keep the largest set of boxes that fits whole: the group with margins, else the bare
    # faces, else the main face with margins, else the bare main face.
    raw = _union(members)
    for box in (group, raw, whole(main).clamp_to(width, height), main):
        if box.w <= crop_w and box.h <= crop_h:
            left = clamp(left, box.right - crop_w, box.x)
            top = clamp(top, box.bottom - crop_h, box.y)
            break
    left = clamp(left, 0.0, width - crop_w)
    top = clamp(top, 0.0, height - crop_h)
    return Rect(left, top, crop_w, crop_h)


def _group(main: Rect, others: list[Rect], aspect: float, width: int, height: int) -> list[Rect]:
    """The main face plus, nearest first, each face that keeps the main one big enough."""
    members = [main]
    limit = min(main.h / GROUP_SHARE, largest_size(aspect, width, height)[1])
    for rect in sorted(others, key=lambda r: (abs(r.cx - main.cx) + abs(r.y - main.y), r.x)):
        box = _union([whole(r) for r in [*members, rect]]).clamp_to(width, height)
        if max(box.h, box.w / aspect) <= limit:
            members.append(rect)
    return members


def _union(rects: list[Rect]) -> Rect:
    result = rects[0]
    for rect in rects[1:]:
        result = result.union(rect)
    return result
