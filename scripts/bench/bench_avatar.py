#!/usr/bin/env python3
"""Benchmark of the avatar pipeline. Prints medians and p95, each also as a ratio to a full
Pillow decode of the same upload measured in the same run; never fails on timings.

    .venv/bin/python scripts/bench/bench_avatar.py [--iterations 15]

1. Floor, in one process: decode + normalise, master JPEG, the model service's avatar
   pipeline called as a function (moderate + crop), variants rendered; per stage and total.
2. End to end: PUT /api/v1/me/avatar over HTTP against the API under gunicorn (1 sync worker,
   embedded mongomock store) with the model service under gunicorn (1 worker) over HTTP;
   alternating with the same API with crop moderation (square + tiles) skipped
   (unscreened_app.py), so the cost of crop moderation prints as a same-run ratio.
   Then the peak resident memory (VmHWM) of the API worker and of the model worker.
Inputs: a 12 MP phone-style JPEG (4032x3024, sensor-like noise, EXIF orientation 6) and a
640x480 photo, both with scikit-image's astronaut in them. Client and servers share the
machine's cores: the numbers are a floor, not a promise.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # tests.utils.images builds the inputs
sys.path.insert(0, str(ROOT / "scripts" / "bench"))

from benchlib import free_port, paired, pillow_decode, say, stop, summary  # noqa: E402

from portrait.imaging import (  # noqa: E402
    Box,
    decode_upload,
    encode_master,
    render_variants,
    square_around,
)
from portrait_models import create_app as create_models_app  # noqa: E402
from portrait_models import pipelines  # noqa: E402
from portrait_models.decoding import decode as models_decode  # noqa: E402
from tests.utils import images  # noqa: E402

MODELS_CONF = ROOT / "backend" / "portrait_models" / "gunicorn.conf.py"


def inputs() -> dict[str, bytes]:
    face = Image.open(io.BytesIO(images.face_photo()))
    upright = images.photo((3024, 4032))  # a portrait-format shot, as the viewer sees it
    upright.paste(face.resize((1400, 1400)), (800, 1300))
    noise = Image.effect_noise((3024, 4032), 24).convert("RGB")
    upright = Image.blend(upright, noise, 0.12)  # sensor noise: makes the JPEG phone-sized
    # Phones store the sensor's landscape pixels and an EXIF orientation (6: turn 90° clockwise
    # to view), so the face is sideways in the file and upright once oriented.
    phone = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    small = images.photo((640, 480))
    small.paste(face.resize((300, 300)), (200, 100))
    return {
        "12MP phone": images.encode(phone, "JPEG", quality=92, exif=exif),
        "640x480": images.encode(small, "JPEG", quality=90),
    }


def bench_floor(data: dict[str, bytes], iterations: int) -> None:
    service = create_models_app().extensions["portrait_models"]
    registry, settings = service.registry, service.settings
    say("== floor: one process, no HTTP, no database")
    for name, upload in data.items():
        stages: dict[str, list[float]] = {"decode": [], "master": [], "models": [], "render": []}

        def run(stages=stages, upload=upload) -> None:
            t0 = time.perf_counter()
            image = decode_upload(upload).image
            t1 = time.perf_counter()
            master = encode_master(image)
            t2 = time.perf_counter()
            seen = models_decode(
                master, max_pixels=settings.max_pixels, decode_size=settings.decode_size
            )
            crop = pipelines.avatar(registry, seen)["result"]["crop"]["crop"]
            t3 = time.perf_counter()
            render_variants(image, square_around(Box(**crop), image.width, image.height))
            t4 = time.perf_counter()
            for stage, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                stages[stage].append(seconds)

        total, ref = paired(run, lambda u=upload: pillow_decode(u), iterations)
        say(f"{name:11} total   {summary(total, ref)}   ({len(upload) / 1e6:.1f} MB upload)")
        for stage, samples in stages.items():
            say(f"{'':11} {stage:7} {summary(samples[-iterations:], ref)}")


def start(command: list[str], env: dict[str, str], url: str, ready: str) -> subprocess.Popen:
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(url + ready, timeout=5).ok:
                return process
        except requests.RequestException:  # not listening yet, or too busy to answer
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"{command} did not become ready")


def peak_rss_mb(master_pid: int) -> float:
    """VmHWM of gunicorn's (single) worker: the peak memory one API worker needed."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def start_api(app: str, models_url: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "PORTRAIT_ENV": "development",
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnop",
        "MODELS_URL": models_url,
        "RATELIMIT_ENABLED": "false",
        "WEB_DIST": "/nonexistent",
        "LOG_LEVEL": "WARNING",
    }
    bind = ["-w", "1", "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    path = ["--pythonpath", str(ROOT / "scripts" / "bench")]
    process = start([sys.executable, "-m", "gunicorn", *bind, *path, app], env, url, "/healthz")
    return process, url


def signed_in(session: requests.Session, api_url: str) -> dict[str, str]:
    signup = {"email": "bench@example.com", "password": "bench password 1",
              "handle": "bench", "display_name": "Bench Mark"}  # fmt: skip
    body = session.post(api_url + "/api/v1/auth/signup", json=signup).json()
    return {"Authorization": f"Bearer {body['access_token']}"}


def bench_end_to_end(data: dict[str, bytes], iterations: int) -> None:
    models_port = free_port()
    models_url = f"http://127.0.0.1:{models_port}"
    models = start(
        [sys.executable, "-m", "gunicorn", "-c", str(MODELS_CONF), "portrait_models:create_app()"],
        {"MODELS_HOST": "127.0.0.1", "MODELS_PORT": str(models_port), "MODELS_WORKERS": "1"},
        models_url,
        "/readyz",
    )
    # The same API twice: as shipped, and with crop moderation (square + tiles) skipped.
    api, api_url = start_api("portrait:create_app()", models_url)
    bare, bare_url = start_api("unscreened_app:create_app()", models_url)
    try:
        say("== end to end: PUT /api/v1/me/avatar -> API (gunicorn 1 worker) -> model service")
        session = requests.Session()
        targets = {"screened": api_url, "unscreened": bare_url}
        headers = {name: signed_in(session, url) for name, url in targets.items()}
        for name, upload in data.items():
            samples: dict[str, list[float]] = {"screened": [], "unscreened": []}

            def put(upload=upload, samples=samples) -> None:
                for target, url in targets.items():  # alternate: both see the same load
                    started = time.perf_counter()
                    response = session.put(
                        url + "/api/v1/me/avatar", data=upload, headers=headers[target], timeout=60
                    )
                    samples[target].append(time.perf_counter() - started)
                    response.raise_for_status()

            put()  # warm-up
            for values in samples.values():
                values.clear()
            decodes: list[float] = []  # the same-run reference, taken in turn with the uploads
            for _ in range(iterations):
                put()
                started = time.perf_counter()
                pillow_decode(upload)
                decodes.append(time.perf_counter() - started)
            ratio = statistics.median(samples["screened"]) / statistics.median(
                samples["unscreened"]
            )
            say(f"{name:11} {summary(samples['screened'], decodes)}")
            say(f"{'':11} without crop moderation {summary(samples['unscreened'], decodes)}")
            say(f"{'':11} crop moderation costs x{ratio:.2f} (median with / without)")
        say(f"peak memory: API worker {peak_rss_mb(api.pid):.0f} MB, "
            f"model worker {peak_rss_mb(models.pid):.0f} MB (VmHWM)")  # fmt: skip
    finally:
        stop(api)
        stop(bare)
        stop(models)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=15)
    args = parser.parse_args()
    data = inputs()
    bench_floor(data, args.iterations)
    bench_end_to_end(data, args.iterations)


if __name__ == "__main__":
    main()
