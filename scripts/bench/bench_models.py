#!/usr/bin/env python3
"""Benchmark of the model service. Prints medians and p95, each also as a ratio to a full
Pillow decode of the same image measured in the same run; never fails on timings.

    .venv/bin/python scripts/bench/bench_models.py [--iterations 20] [--seconds 5]
                                                   [--skip-http] [--false-positives]
                                                   [--targets smart-crop@2.0.0]

1. In process: decode + model per endpoint (nudity-detection, smart-crop, the avatar
   pipeline) for a 640x480 and a 4000x3000 JPEG (skimage's astronaut placed off-centre).
2. Over HTTP: the same against gunicorn with 1 worker (MODELS_ORT_THREADS=1).
3. Throughput: images/s of concurrent clients against gunicorn with 1 and 2 workers.
4. --false-positives: how many safe photos (skimage photos, variants, composites) the
   moderation policy flags at several thresholds.
5. --targets NAME@VERSION: issue 13's speed targets for a version, served as champion
   (a temporary stages file): its crop step on the real-face set against the champion's
   (or, for the champion itself, the one it replaced: smart-crop 2.0.0 against 1.0.0),
   the 12 MP avatar pipeline over HTTP against a full decode of the same file, and 2
   workers' pipeline throughput against their nudity-only throughput. Printed, never judged.
The clients run on the same machine and take CPU from the service: numbers are a floor.
Throughput is also printed as a ratio: images/s x the reference decode's median seconds (1.0 =
as many images per second as one thread fully decodes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # tests.models.photos builds the sample images
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

from benchlib import (  # noqa: E402
    against_decode,
    free_port,
    paired,
    pillow_decode,
    say,
    stop,
    timed,
)

from portrait_models import create_app, pipelines  # noqa: E402
from portrait_models.config import EXPLICIT_LABELS  # noqa: E402
from portrait_models.decoding import decode  # noqa: E402
from portrait_models.lifecycle import stages  # noqa: E402
from portrait_models.lifecycle.samples import composite, encode, photo, resized, safe_images  # noqa: E402

GUNICORN_CONF = ROOT / "backend" / "portrait_models" / "gunicorn.conf.py"
ENDPOINTS = {
    "nudity-detection": "/v1/models/nudity-detection/predict",
    "smart-crop": "/v1/models/smart-crop/predict",
    "pipeline avatar": "/v1/pipelines/avatar",
}


def images() -> dict[str, bytes]:
    """A portrait (the astronaut filling a 4:3 frame: face ~20% of the height, the usual
    avatar upload) and a small person off-centre in a scene (face ~12%: the cascade's
    expensive case), each as a 640x480 and a 4000x3000 (12 MP) JPEG."""
    found = {}
    for width, height in [(640, 480), (4000, 3000)]:
        portrait = resized(photo("astronaut"), width, height)
        scene, _ = composite((width, height), 0.55 * width / 640, (0.2, 0.3))
        found[f"portrait {width}x{height}"] = encode(portrait, quality=90)
        found[f"scene {width}x{height}"] = encode(scene, quality=90)
    return found


def bench_in_process(data: dict[str, bytes], iterations: int) -> None:
    app = create_app()
    service = app.extensions["portrait_models"]
    registry, settings = service.registry, service.settings

    def run(endpoint: str, image: bytes) -> object:
        decoded = decode(image, max_pixels=settings.max_pixels, decode_size=settings.decode_size)
        if endpoint == "pipeline avatar":
            return pipelines.avatar(registry, decoded)
        return registry.get(endpoint).predict(decoded)

    say("== in process (decode + predict, 1 thread)")
    for size, image in data.items():
        for endpoint in ENDPOINTS:
            timing = against_decode(lambda e=endpoint, i=image: run(e, i), image, iterations)
            say(f"{endpoint:17} {size:19} {timing}")
    bench_crop_versions(registry, settings, data, iterations)


def bench_crop_versions(registry, settings, data: dict[str, bytes], iterations: int) -> None:
    """Every smart-crop version on the same decoded images and NudeNet detections (as the
    pipeline runs it), as a ratio to the champion's time in the same run."""
    champion = registry.get("smart-crop")
    say(f"== smart-crop versions, crop step only, ratio to the champion {champion.version}")
    for size, image in data.items():
        decoded = decode(image, max_pixels=settings.max_pixels, decode_size=settings.decode_size)
        found = registry.get("nudity-detection").predict(decoded)["detections"]
        medians = {}
        for model in [m for m in registry.all() if m.name == "smart-crop"]:
            call = lambda m=model, i=decoded, f=found: m.predict(i, detections=f)  # noqa: E731
            samples = timed(call, iterations)
            medians[model.version] = statistics.median(samples)
        ratios = "  ".join(f"{v}: {t / medians[champion.version]:.2f}x"
                           for v, t in sorted(medians.items()))  # fmt: skip
        say(f"{size:19} {ratios}")


def start_gunicorn(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "MODELS_ORT_THREADS": "1", "MODELS_CV_THREADS": "1"}
    command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--access-logfile", "/dev/null", "portrait_models:create_app()"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            # every worker loads its models at start; ask a few times so all are warm
            if all(requests.get(url + "/readyz", timeout=5).ok for _ in range(workers * 2)):
                return process, url
        except requests.RequestException:  # not listening yet, or too busy loading to answer
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not become ready")


def bench_http(data: dict[str, bytes], iterations: int) -> None:
    process, url = start_gunicorn(1)
    session = requests.Session()
    say("== over HTTP (gunicorn, 1 worker x 1 thread, one client)")
    try:
        for size, image in data.items():
            for endpoint, path in ENDPOINTS.items():

                def call(p=path, i=image):
                    session.post(url + p, data=i, headers={"Content-Type": "image/jpeg"})

                say(f"{endpoint:17} {size:19} {against_decode(call, image, iterations)}")
    finally:
        stop(process)


def throughput(url: str, path: str, image: bytes, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop_at = time.monotonic() + seconds

    def client(index: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop_at:
            response = session.post(url + path, data=image, timeout=30)
            response.raise_for_status()
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started)


def bench_throughput(data: dict[str, bytes], seconds: float, iterations: int) -> None:
    say(f"== throughput, 640x480 JPEGs, {seconds:.0f} s each, 2 clients per worker")
    for workers in (1, 2):
        process, url = start_gunicorn(workers)
        try:
            for endpoint, kind in [
                ("nudity-detection", "portrait"),
                ("pipeline avatar", "portrait"),
                ("pipeline avatar", "scene"),
            ]:
                name = f"{kind} 640x480"
                rate = throughput(url, ENDPOINTS[endpoint], data[name], 2 * workers, seconds)
                # the decode timed right after, under the same neighbours
                ratio = rate * statistics.median(
                    timed(lambda n=name: pillow_decode(data[n]), iterations)
                )
                say(f"{workers} worker(s)  {endpoint:17} {kind:9} {rate:7.1f} images/s"
                    f"   = {ratio:5.3f} x decode rate")  # fmt: skip
        finally:
            stop(process)


def serving_as_champion(target: str, directory: Path) -> str:
    """A copy of the stages file with ``target`` (name@version) as champion; MODELS_STAGES_FILE
    points every service this run starts at it. Returns the reference it is measured
    against: today's champion, or, when ``target`` is the champion, the one it replaced."""
    name, _, version = target.partition("@")
    current = stages.load()
    champion = current.champion(name)
    reference = champion if champion != version else stages.previous_champion(current, name)
    models = json.loads(json.dumps(current.models))
    models[name]["versions"] |= {reference: "candidate", version: "champion"}
    path = directory / "stages.json"
    stages.save(stages.Stages(models=models), path)
    os.environ["MODELS_STAGES_FILE"] = str(path)
    return reference


def bench_targets(target: str, data: dict[str, bytes], iterations: int, seconds: float) -> None:
    name, _, version = target.partition("@")
    with tempfile.TemporaryDirectory() as directory:
        previous = serving_as_champion(target, Path(directory))
        say(f"== targets of {target} (served as champion; {previous} pinned as the reference)")
        crop_against(name, version, previous, iterations)
        process, url = start_gunicorn(1)
        try:
            for size in ("portrait 4000x3000", "scene 4000x3000"):
                ratio = pipeline_against_decode(url, data[size], iterations)
                say(f"pipeline over HTTP, {size}: {ratio:.2f}x a full decode (target <= 0.4)")
        finally:
            stop(process)
        process, url = start_gunicorn(2)
        try:
            image = data["portrait 640x480"]
            rates = {e: throughput(url, ENDPOINTS[e], image, 4, seconds)
                     for e in ("nudity-detection", "pipeline avatar")}  # fmt: skip
            ratio = rates["pipeline avatar"] / rates["nudity-detection"]
            pipeline, nudity = rates["pipeline avatar"], rates["nudity-detection"]
            say(f"2 workers, portrait 640x480: pipeline {pipeline:.1f} images/s, nudity only "
                f"{nudity:.1f}: {ratio:.2f}x (target >= 0.8)")  # fmt: skip
        finally:
            stop(process)


def pipeline_against_decode(url: str, image: bytes, iterations: int) -> float:
    session = requests.Session()
    samples, reference = paired(
        lambda: session.post(url + ENDPOINTS["pipeline avatar"], data=image),
        lambda: pillow_decode(image),
        iterations,
    )
    return statistics.median(samples) / statistics.median(reference)


def crop_against(name: str, version: str, reference: str, iterations: int) -> None:
    """The crop step alone (NudeNet's detections given, as in the pipeline) of both
    versions on every real-face photo, in turns; the ratio of the summed medians."""
    from portrait_models.lifecycle import datasets

    service = create_app().extensions["portrait_models"]
    try:
        items = datasets.realfaces().items
    except datasets.DatasetMissing as exc:
        say(f"crop step: skipped ({exc})")
        return
    new, old = (service.registry.get(name, v) for v in (version, reference))
    totals = [0.0, 0.0]
    for item in items:
        image = decode(item.data, max_pixels=service.settings.max_pixels,
                       decode_size=service.settings.decode_size)  # fmt: skip
        found = service.registry.get("nudity-detection").predict(image)["detections"]
        for index, median in enumerate(crop_medians(new, old, image, found, iterations)):
            totals[index] += median
    say(f"crop step, {len(items)} real-face photos: {version} takes {totals[0] / totals[1]:.2f}x"
        f" {reference}'s time ({totals[0] * 1000:.0f} vs {totals[1] * 1000:.0f} ms;"
        " target <= 0.25)")  # fmt: skip


def crop_medians(new, old, image, found, iterations: int) -> tuple[float, float]:
    samples, references = paired(
        lambda: new.predict(image, detections=found),
        lambda: old.predict(image, detections=found),
        max(1, iterations // 4),
    )
    return statistics.median(samples), statistics.median(references)


def bench_false_positives() -> None:
    registry = create_app().extensions["portrait_models"].registry
    model = registry.get("nudity-detection")
    best: dict[str, float] = {}
    for name, pixels in safe_images().items():
        image = decode(encode(pixels, quality=90), max_pixels=10**8, decode_size=640)
        detections = model.predict(image)["detections"]
        scores = [d["score"] for d in detections if d["label"] in EXPLICIT_LABELS]
        best[name] = max(scores, default=0.0)
    say(f"== moderation false positives on {len(best)} safe images (policy labels)")
    for threshold in (0.25, 0.3, 0.4, 0.5, 0.6):
        flagged = sorted(name for name, score in best.items() if score >= threshold)
        share = len(flagged) / len(best)
        say(f"threshold {threshold:.2f}: {len(flagged):3d} flagged ({share:.1%})  {flagged}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--skip-http", action="store_true", help="in-process numbers only")
    parser.add_argument("--false-positives", action="store_true")
    parser.add_argument("--targets", metavar="NAME@VERSION", help="issue 13's speed targets")
    args = parser.parse_args()
    say(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    data = images()
    sections: list[Callable[[], None]] = [lambda: bench_in_process(data, args.iterations)]
    if not args.skip_http:
        sections.append(lambda: bench_http(data, args.iterations))
        sections.append(lambda: bench_throughput(data, args.seconds, args.iterations))
    if args.false_positives:
        sections.append(bench_false_positives)
    if args.targets:
        sections = [lambda: bench_targets(args.targets, data, args.iterations, args.seconds)]
    for section in sections:
        try:
            section()
        except Exception as exc:  # a benchmark reports, it never fails a run
            say(f"!! section failed: {exc!r}")
    say(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
