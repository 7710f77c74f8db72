"""The evaluation datasets, each with a content hash so a report can say it is current.

- ``composites``: the framing bar (the astronaut off-centre in real photos, 72 JPEGs);
- ``realfaces``: ``../shared/eval/realfaces`` (36 real photos, 101 face boxes), read in
  place and never copied (its README);
- ``safe-photos``: scikit-image's safe photos, each as is, flipped, cropped and doubled.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from portrait_models.lifecycle import samples

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_REALFACES = REPO_ROOT.parent / "shared" / "eval" / "realfaces"


class DatasetMissing(RuntimeError):
    """A dataset the suite needs is not where it was expected."""


@dataclass(frozen=True)
class Item:
    id: str
    data: bytes
    truth: Any


@dataclass(frozen=True)
class Dataset:
    name: str
    items: tuple[Item, ...]

    @property
    def sha256(self) -> str:
        """Over every item's id, bytes and truth, in order: any change shows."""
        digest = hashlib.sha256()
        for item in self.items:
            digest.update(item.id.encode())
            digest.update(hashlib.sha256(item.data).digest())
            digest.update(json.dumps(item.truth, sort_keys=True).encode())
        return digest.hexdigest()

    def describe(self) -> dict[str, Any]:
        return {"items": len(self.items), "sha256": self.sha256}


@cache  # built from bundled photos: the same bytes every time, so build them once
def composites() -> Dataset:
    items = []
    for orientation in samples.FRAMES:
        for n, (pixels, face, frame) in enumerate(samples.framing_composites(orientation)):
            truth = {"face": [round(v, 2) for v in face], "frame": list(frame)}
            items.append(Item(f"{orientation}-{n}", samples.encode(pixels, quality=90), truth))
    return Dataset("composites", tuple(items))


def realfaces(directory: Path | str | None = None) -> Dataset:
    directory = Path(directory or DEFAULT_REALFACES)
    truth_file = directory / "truth.json"
    if not truth_file.exists():
        raise DatasetMissing(
            f"the real-face set is not at {directory} (expected truth.json and images/); "
            "pass --realfaces DIR or set MODELS_EVAL_REALFACES"
        )
    images = json.loads(truth_file.read_text())["images"]
    items = []
    for entry in images:
        truth = {"size": entry["size"], "faces": entry["faces"], "main": entry["main"]}
        data = (directory / "images" / entry["file"]).read_bytes()
        items.append(Item(entry["file"], data, truth))
    return Dataset("realfaces", tuple(items))


@cache
def safe_photos() -> Dataset:
    items = []
    for name in samples.SAFE_PHOTOS:
        pixels = samples.photo(name)
        h, w = pixels.shape[:2]
        variants = {
            "": pixels,
            " flipped": pixels[:, ::-1],
            " cropped": pixels[h // 4 :, w // 6 : w - w // 6],
            " x2": samples.resized(pixels, w * 2, h * 2),
        }
        for suffix, variant in variants.items():
            data = samples.encode(variant.copy(), quality=90)
            items.append(Item(name + suffix, data, {"explicit": False, "photo": name}))
    return Dataset("safe-photos", tuple(items))
