"""Rectangles in float pixels and the one way a crop becomes whole pixels inside the image."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h

    def union(self, other: Rect) -> Rect:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Rect(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)

    def intersection_area(self, other: Rect) -> float:
        w = min(self.right, other.right) - max(self.x, other.x)
        h = min(self.bottom, other.bottom) - max(self.y, other.y)
        return max(w, 0.0) * max(h, 0.0)

    def clamp_to(self, width: float, height: float) -> Rect:
        x, y = max(self.x, 0.0), max(self.y, 0.0)
        return Rect(x, y, min(self.right, width) - x, min(self.bottom, height) - y)


def largest_size(aspect: float, width: int, height: int) -> tuple[float, float]:
    """The largest (w, h) of this aspect that fits the image."""
    h = min(float(height), width / aspect)
    return h * aspect, h


def clamp(value: float, low: float, high: float) -> float:
    """``value`` within [low, high]; ``low`` wins when the range is empty."""
    return max(low, min(value, high))


def to_pixels(rect: Rect, aspect: float, width: int, height: int) -> dict[str, int]:
    """Rounds a crop to whole pixels, keeping its aspect and keeping it inside the image."""
    h = max(1, min(height, round(rect.h)))
    w = max(1, round(h * aspect))
    if w > width:
        w = width
        h = max(1, min(height, round(w / aspect)))
    x = int(clamp(round(rect.x), 0, width - w))
    y = int(clamp(round(rect.y), 0, height - h))
    return {"x": x, "y": y, "width": w, "height": h}
