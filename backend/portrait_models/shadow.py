"""Shadow traffic: a sample of real requests also goes to a candidate version, after the
champion's answer is sent, and only agreement is recorded (``GET /v1/models/{name}/shadow``).

The answer never waits for the candidate and never sees its result: the request hands the
decoded image and the champion's result to one background thread through a small queue and
returns; when the queue is full the sample is dropped (counted), so a slow candidate costs
samples, not latency. Numbers are per process (each gunicorn worker keeps its own).
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from portrait_models.decoding import DecodedImage
from portrait_models.lifecycle.metrics import iou

log = logging.getLogger(__name__)
QUEUE_SIZE = 4


def parse(specs: tuple[str, ...]) -> dict[str, str]:
    """``("smart-crop@2.0.0",)`` -> ``{"smart-crop": "2.0.0"}``; ValueError when malformed."""
    found = {}
    for spec in specs:
        name, at, version = spec.partition("@")
        if not at or not name or not version or name in found:
            raise ValueError(f"MODELS_SHADOW entries are name@version, once per model: {spec!r}")
        found[name] = version
    return found


@dataclass
class Tally:
    sampled: int = 0
    compared: int = 0
    dropped: int = 0
    failed: int = 0
    agreement_sum: float = 0.0  # running sums, so a long-lived process keeps no list
    agreement_min: float = 1.0
    agreement_high: int = 0  # comparisons with agreement >= 0.8
    champion_ms: float = 0.0
    candidate_ms: float = 0.0


def agreement(name: str, champion: dict[str, Any], candidate: dict[str, Any]) -> float:
    """1.0 = the same answer: crop IoU for smart-crop, same verdict for nudity-detection."""
    if name == "smart-crop":
        a, b = champion["crop"], candidate["crop"]
        box = lambda c: [c["x"], c["y"], c["width"], c["height"]]  # noqa: E731
        return iou(box(a), box(b))
    return float(champion["explicit"] == candidate["explicit"])


class Shadow:
    """One background thread per process, started on the first sample."""

    def __init__(self, registry: Any, targets: dict[str, str], rate: float) -> None:
        for name, version in targets.items():
            if registry.get(name, version).version == registry.get(name).version:
                raise ValueError(f"MODELS_SHADOW: {name} {version} is the champion itself")
        self.registry, self.targets, self.rate = registry, targets, rate
        self._tallies = {name: Tally() for name in targets}
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_SIZE)
        self._thread: threading.Thread | None = None

    def offer(self, name: str, image: DecodedImage, options: dict[str, Any],
              result: dict[str, Any], seconds: float) -> None:  # fmt: skip
        """Called by a request once its answer is ready; returns at once."""
        if name not in self.targets or random.random() >= self.rate:
            return
        with self._lock:
            self._tallies[name].sampled += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="shadow", daemon=True)
                self._thread.start()
        try:
            self._queue.put_nowait((name, image, options, result, seconds))
        except queue.Full:
            with self._lock:
                self._tallies[name].dropped += 1

    def _work(self) -> None:
        while True:
            name, image, options, result, seconds = self._queue.get()
            candidate = self.registry.get(name, self.targets[name])
            started = time.perf_counter()
            try:
                if not candidate.loaded:
                    candidate.load()
                answer = candidate.predict(image, **options)
                score = agreement(name, result, answer)
            except Exception:  # a failing candidate is a finding, never the service's failure
                log.exception("shadow %s %s failed", name, self.targets[name])
                with self._lock:
                    self._tallies[name].failed += 1
                continue
            with self._lock:
                tally = self._tallies[name]
                tally.compared += 1
                tally.agreement_sum += score
                tally.agreement_min = min(tally.agreement_min, score)
                tally.agreement_high += score >= 0.8
                tally.champion_ms += seconds * 1000
                tally.candidate_ms += (time.perf_counter() - started) * 1000

    def summary(self, name: str) -> dict[str, Any] | None:
        if name not in self.targets:
            return None
        with self._lock:
            t = self._tallies[name]
            n = t.compared
            return {
                "candidate": self.targets[name], "rate": self.rate, "sampled": t.sampled,
                "compared": n, "dropped": t.dropped, "failed": t.failed,
                "agreement": {
                    "metric": "crop IoU" if name == "smart-crop" else "same verdict",
                    "mean": round(t.agreement_sum / n, 4) if n else None,
                    "min": round(t.agreement_min, 4) if n else None,
                    "at_least_0.8": round(t.agreement_high / n, 4) if n else None,
                },
                "latency_ms": {
                    "champion_mean": round(t.champion_ms / n, 2) if n else None,
                    "candidate_mean": round(t.candidate_ms / n, 2) if n else None,
                    "ratio": round(t.candidate_ms / t.champion_ms, 3) if t.champion_ms else None,
                },
            }  # fmt: skip
