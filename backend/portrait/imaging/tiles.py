"""Views of a picture for moderation: overlapping tiles of a large master, as small JPEGs.

The nudity detector sees its whole input at 320 px. On a 2048 px master a region covering
1/16 of the picture (a quarter of each side) is then ~80 px wide, and smaller ones vanish.
Tiles half the picture's size, starting every quarter (a 3×3 grid, 50% overlap), always hold
such a region whole, where it fills at least a quarter of the tile: seen twice as large. They
are sent at the detector's input size, so the model service has nothing to shrink.
"""

from __future__ import annotations

import io

from PIL import Image

from portrait.imaging.render import Box

TILE_FROM = 1024  # long side (px) from which a master is also checked in tiles
TILE_SIDE = 320  # long side (px) a tile is sent at: the detector's own input size
TILE_QUALITY = 85
GRID = 3  # tiles per axis: each covers 2/(GRID+1) of the side, one every 1/(GRID+1)


def tile_boxes(width: int, height: int) -> list[Box]:
    """The overlapping tiles of a `width`×`height` picture, or none when it is small enough
    for the whole-picture check to see a 1/16 region at a useful size."""
    if max(width, height) < TILE_FROM:
        return []
    step_x, step_y = width // (GRID + 1), height // (GRID + 1)
    tile_w, tile_h = width - (GRID - 1) * step_x, height - (GRID - 1) * step_y
    return [
        Box(col * step_x, row * step_y, tile_w, tile_h)
        for row in range(GRID)
        for col in range(GRID)
    ]


def tile_jpeg(image: Image.Image, box: Box) -> bytes:
    """One tile of the decoded picture (no second decode), at most TILE_SIDE px, as JPEG."""
    region = (box.x, box.y, box.x + box.width, box.y + box.height)
    scale = min(1.0, TILE_SIDE / max(box.width, box.height))
    size = (max(1, round(box.width * scale)), max(1, round(box.height * scale)))
    tile = image.resize(size, Image.Resampling.BILINEAR, box=region, reducing_gap=2.0)
    buffer = io.BytesIO()
    tile.save(buffer, "JPEG", quality=TILE_QUALITY)
    return buffer.getvalue()
