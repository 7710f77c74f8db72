#!/usr/bin/env python3
"""Memory and time of decoding expensive legal uploads, as ratios to a full Pillow decode.

    .venv/bin/python scripts/bench/bench_decode_memory.py [--iterations 3] [--only NAME]

For each picture of tests/hostile/bombs.py's EXPENSIVE set, fresh child processes run
(a) the reference, a plain full Pillow decode (`Image.open(...).load()`), and (b) the API's
`decode_upload` + master JPEG; each reports its peak RSS growth over its imports (VmHWM) and
its wall time. Printed: medians, then our time and memory as ratios to the reference of the
same run (absolute numbers move 2-3x between machines of one kind; ratios much less).
Run it with PYTHONPATH=<an older checkout>/backend to measure that code instead.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # tests.hostile.bombs builds the inputs

from tests.hostile.bombs import EXPENSIVE  # noqa: E402

CHILD = """
import io, json, sys, time
from PIL import Image
from portrait import imaging
def peak():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1])
data = open(sys.argv[2], "rb").read()
base, started, outcome = peak(), time.perf_counter(), "ok"
try:
    if sys.argv[1] == "reference":
        Image.open(io.BytesIO(data)).load()
    else:
        imaging.encode_master(imaging.decode_upload(data).image)
except imaging.ImagingError as exc:
    outcome = type(exc).__name__
seconds = time.perf_counter() - started
print(json.dumps({"s": seconds, "mb": (peak() - base) / 1024, "outcome": outcome}))
"""


def run(kind: str, path: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return json.loads(result.stdout)


def measure(kind: str, path: Path, iterations: int) -> tuple[float, float, str]:
    runs = [run(kind, path) for _ in range(iterations)]
    seconds = statistics.median(r["s"] for r in runs)
    return seconds, statistics.median(r["mb"] for r in runs), runs[0]["outcome"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--only", help="one picture of the set")
    args = parser.parse_args()
    names = [args.only] if args.only else list(EXPENSIVE)
    header = f"{'picture':28} {'reference':>18} {'decode_upload':>18} {'time':>7} {'memory':>7}"
    sys.stdout.write(header + "  outcome\n")
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            path = Path(folder) / name
            path.write_bytes(EXPENSIVE[name]())
            ref_s, ref_mb, _ = measure("reference", path, args.iterations)
            our_s, our_mb, outcome = measure("ours", path, args.iterations)
            sys.stdout.write(
                f"{name:28} {ref_s:7.2f} s {ref_mb:6.0f} MB {our_s:7.2f} s {our_mb:6.0f} MB "
                f"{our_s / ref_s:6.2f}x {our_mb / max(ref_mb, 1):6.2f}x  {outcome}\n"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
