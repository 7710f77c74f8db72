"""``python -m portrait_models evaluate NAME VERSION``: run a model's suite, write its report.

Deterministic (fixed datasets, one thread) and bounded (~200 images). Latency is a ratio to
a full Pillow decode of the same images in the same run, so it compares across machines and
loads; it is reported but not part of what must reproduce exactly.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from PIL import Image

from portrait_models.config import Settings
from portrait_models.decoding import decode
from portrait_models.lifecycle import datasets, metrics, samples, stages
from portrait_models.models import FACTORIES
from portrait_models.nudenet_onnx import NudeNetDetector

LIBRARIES = ("nudenet", "onnxruntime", "opencv-python-headless", "numpy", "pillow")
LIBRARIES += ("scikit-image",)


@dataclass
class Clock:
    """Seconds spent in the model and in the reference decode, over the same images."""

    model: float = 0.0
    reference: float = 0.0
    images: int = 0
    counts: dict[str, list[int]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)  # which items, per metric

    def reference_decode(self, data: bytes) -> None:
        started = time.perf_counter()
        with Image.open(io.BytesIO(data)) as image:
            image.convert("RGB")  # every pixel, full size: what a naive server would do
        self.reference += time.perf_counter() - started
        self.images += 1

    def timed(self, call, *args, **kwargs):
        started = time.perf_counter()
        result = call(*args, **kwargs)
        self.model += time.perf_counter() - started
        return result


def model_of(name: str, version: str, settings: Settings, detector: NudeNetDetector):
    for factory in FACTORIES.get(name, []):
        if factory.version == version:
            return factory(settings, detector)
    known = {n: [f.version for f in fs] for n, fs in FACTORIES.items()}
    raise ValueError(f"no model {name} {version}; known: {known}")


def model_weights(name: str, version: str) -> dict[str, str]:
    """sha256 of each weights file the version loads (class attribute: nothing loads)."""
    for factory in FACTORIES.get(name, []):
        if factory.version == version:
            return {Path(p).name: _sha256(Path(p)) for p in factory.weights}
    raise ValueError(f"no model {name} {version}")


def _decoded(data: bytes, settings: Settings):
    return decode(data, max_pixels=settings.max_pixels, decode_size=settings.decode_size)


def smart_crop_suite(model, moderation, sets: list[datasets.Dataset], settings) -> Clock:
    """Composites: the whole face in the square. Real faces: the README's four metrics.
    NudeNet's detections are computed outside the clock, as the avatar pipeline passes them."""
    clock = Clock()
    by_name = {d.name: d for d in sets}
    kept = 0
    for item in by_name["composites"].items:
        image = _decoded(item.data, settings)
        detections = moderation.predict(image)["detections"]
        clock.reference_decode(item.data)
        crop = clock.timed(model.predict, image, aspect=1.0, detections=detections)["crop"]
        whole = samples.contains(crop, tuple(item.truth["face"]))
        kept += whole
        if not whole:
            clock.failures.setdefault("composites.kept", []).append(item.id)
    clock.counts["composites.kept"] = [kept, len(by_name["composites"].items)]
    outcomes = []
    for item in by_name["realfaces"].items:
        image = _decoded(item.data, settings)
        detections = moderation.predict(image)["detections"]
        clock.reference_decode(item.data)
        crop = clock.timed(model.predict, image, aspect=1.0, detections=detections)["crop"]
        outcome = metrics.crop_outcome(crop, item.truth)
        outcomes.append(outcome)
        for key, bad in [("kept", False), ("framed", False), ("sliced", True), ("group", False)]:
            if outcome[key] is bad:
                clock.failures.setdefault(f"realfaces.{key}", []).append(item.id)
    clock.counts.update(metrics.tally(outcomes, "realfaces"))
    return clock


def nudity_suite(model, sets: list[datasets.Dataset], settings) -> Clock:
    """False positives on the safe sets; behaviour: a flip keeps the verdict, real faces
    are seen (smart-crop frames NudeNet's FACE_* boxes)."""
    clock = Clock()
    by_name = {d.name: d for d in sets}
    verdicts: dict[str, tuple] = {}
    for dataset in sets:
        flagged, found, with_main = 0, 0, 0
        for item in dataset.items:
            image = _decoded(item.data, settings)
            clock.reference_decode(item.data)
            result = clock.timed(model.predict, image)
            flagged += result["explicit"]
            if result["explicit"]:
                clock.failures.setdefault(f"{dataset.name}.false_positives", []).append(
                    f"{item.id}: {', '.join(result['reasons'])}"
                )
            verdicts[item.id] = (result["explicit"], tuple(sorted(result["reasons"])))
            if dataset.name == "realfaces" and item.truth["main"] is not None:
                main = item.truth["faces"][item.truth["main"]]["box"]
                faces = [d["box"] for d in result["detections"] if d["label"].startswith("FACE")]
                with_main += 1
                found += any(metrics.iou(main, box) >= 0.3 for box in faces)
        clock.counts[f"{dataset.name}.false_positives"] = [flagged, len(dataset.items)]
        if dataset.name == "realfaces":
            clock.counts["realfaces.main_face_found"] = [found, with_main]
    photos = samples.SAFE_PHOTOS if "safe-photos" in by_name else []
    agree = sum(verdicts[name] == verdicts[name + " flipped"] for name in photos)
    clock.counts["safe-photos.flip_keeps_verdict"] = [agree, len(photos)]
    return clock


SUITES = {
    "smart-crop": lambda: [datasets.composites()],
    "nudity-detection": lambda: [datasets.safe_photos()],
}


def evaluate(
    *, name: str, version: str, settings: Settings, realfaces_dir: Path | str | None = None
) -> dict[str, Any]:
    """Runs the suite of ``name`` on ``version`` and returns its report (not written).
    The real-face set: ``realfaces_dir``, else MODELS_EVAL_REALFACES, else beside the clone."""
    if name not in SUITES:
        raise ValueError(f"no evaluation suite for {name}; have {sorted(SUITES)}")
    sets = SUITES[name]() + [datasets.realfaces(realfaces_dir or settings.realfaces_dir or None)]
    detector = NudeNetDetector(threads=settings.ort_threads)
    model = model_of(name, version, settings, detector)
    model.load()
    if name == "smart-crop":
        champion = stages.load(settings.stages_file or None).champion("nudity-detection")
        moderation = model_of("nudity-detection", champion, settings, detector)
        clock = smart_crop_suite(model, moderation, sets, settings)
    else:
        clock = nudity_suite(model, sets, settings)
    return _report(model, sets, clock)


def _report(model, sets: list[datasets.Dataset], clock: Clock) -> dict[str, Any]:
    rates = {key: round(good / total, 4) if total else None
             for key, (good, total) in clock.counts.items()}  # fmt: skip
    return {
        "model": model.name,
        "version": model.version,
        "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "metrics": rates,
        "counts": clock.counts,
        "failed_items": clock.failures,
        "latency": {
            "ratio_to_full_decode": round(clock.model / clock.reference, 3),
            "model_ms_per_image": round(1000 * clock.model / clock.images, 1),
            "full_decode_ms_per_image": round(1000 * clock.reference / clock.images, 1),
            "images": clock.images,
        },
        "datasets": {d.name: d.describe() for d in sets},
        "code": {"git": _git(), "libraries": _libraries()},
        "weights": model_weights(model.name, model.version),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "load_average": round(os.getloadavg()[0], 2)},
    }  # fmt: skip


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _libraries() -> dict[str, str]:
    found = {}
    for library in LIBRARIES:
        try:
            found[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            found[library] = "absent"
    return found


def _git() -> str:
    root = datasets.REPO_ROOT
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True, timeout=10)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip()
