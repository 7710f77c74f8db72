"""What every benchmark here shares: timing, printing and the same-run reference.

Absolute times differ by 2-3x between machines of the same kind (and on a shared machine
from one minute to the next), so every median is also printed as a ratio to a reference
measured in the same run: a full Pillow decode of the same image for image work, a bare
Flask app for request rates (bench_load.py). Image timings alternate with the reference's
(`paired`), so both meet the same load.
"""

from __future__ import annotations

import io
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from PIL import Image


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def timed(call: Callable[[], object], iterations: int) -> list[float]:
    call()  # warm-up
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def paired(
    call: Callable[[], object], reference: Callable[[], object], iterations: int
) -> tuple[list[float], list[float]]:
    """Samples of `call` and of `reference`, taken in turn: a busy neighbour slows both."""
    samples: list[float] = []
    references: list[float] = []
    for _ in range(iterations + 1):  # the first round warms up
        for fn, into in ((reference, references), (call, samples)):
            started = time.perf_counter()
            fn()
            into.append(time.perf_counter() - started)
    return samples[1:], references[1:]


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))]


def summary(samples: list[float], reference: list[float] | None = None) -> str:
    """Median and p95 in ms and, given the reference's samples, the ratio of the medians."""
    ms = sorted(s * 1000 for s in samples)
    text = f"median {statistics.median(ms):7.1f} ms   p95 {percentile(ms, 0.95):7.1f} ms"
    if reference:
        ratio = statistics.median(samples) / statistics.median(reference)
        text += f"   = {ratio:6.2f} x decode ({statistics.median(reference) * 1000:.1f} ms)"
    return text + f"   (n={len(ms)})"


def against_decode(call: Callable[[], object], image: bytes, iterations: int) -> str:
    """`summary` of `call`, timed in turn with a full Pillow decode of `image`."""
    return summary(*paired(call, lambda: pillow_decode(image), iterations))


def pillow_decode(image: bytes) -> None:
    """The reference: a full-size Pillow decode of the bytes (no draft, no resize)."""
    with Image.open(io.BytesIO(image)) as opened:
        opened.load()
