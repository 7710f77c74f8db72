"""The steps of scripts/convert-blazeface that need Python: extract, convert, compare."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from ai_edge_litert.interpreter import Interpreter

MEMBER = "mediapipe/modules/face_detection/face_detection_short_range.tflite"
LICENSE = "mediapipe-0.10.21.dist-info/LICENSE"
NAME = "face_detection_short_range.onnx"
TOLERANCE = 2e-3  # float16 weights dequantised by both runtimes; offsets are in 128ths


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extract(wheel: Path, tflite_sha256: str, work: Path) -> tuple[Path, Path]:
    with zipfile.ZipFile(wheel) as archive:
        tflite, licence = work / Path(MEMBER).name, work / "LICENSE"
        tflite.write_bytes(archive.read(MEMBER))
        licence.write_bytes(archive.read(LICENSE))
    if sha256(tflite) != tflite_sha256:
        sys.exit(f"{MEMBER} in the wheel does not match its pinned sha256")
    return tflite, licence


def convert(tflite: Path, work: Path) -> Path:
    raw, out = work / "raw.onnx", work / NAME
    converter = Path(sys.executable).parent / "tflite2onnx"
    subprocess.run([str(converter), str(tflite), str(raw)], check=True, capture_output=True)
    model = onnx.load(str(raw))
    # tflite2onnx writes initializers in set order: sort them so two runs give one file.
    for field in (model.graph.initializer, model.graph.value_info):
        ordered = sorted(field, key=lambda t: t.name)
        del field[:]
        field.extend(ordered)
    onnx.save(model, str(out))
    return out


def inputs() -> list[np.ndarray]:
    """NHWC float inputs in [-1, 1]: seeded noise and smooth gradients."""
    rng = np.random.default_rng(0)
    noise = [rng.uniform(-1, 1, (1, 128, 128, 3)).astype(np.float32) for _ in range(4)]
    ramp = np.linspace(-1, 1, 128, dtype=np.float32)
    gradient = np.stack(np.broadcast_arrays(ramp[None, :], ramp[:, None], ramp[None, ::-1]), -1)
    return [*noise, gradient[None].astype(np.float32)]


def compare(tflite: Path, converted: Path) -> float:
    interpreter = Interpreter(model_path=str(tflite))
    interpreter.allocate_tensors()
    (given,), wanted = interpreter.get_input_details(), interpreter.get_output_details()
    session = ort.InferenceSession(str(converted), providers=["CPUExecutionProvider"])
    worst = 0.0
    for array in inputs():
        interpreter.set_tensor(given["index"], array)
        interpreter.invoke()
        expected = {d["name"]: interpreter.get_tensor(d["index"]) for d in wanted}
        got = session.run(None, {"input": array.transpose(0, 3, 1, 2)})
        names = [o.name for o in session.get_outputs()]
        for name, value in zip(names, got, strict=True):
            worst = max(worst, float(np.abs(expected[name] - value).max()))
    return worst


def main(wheel: str, tflite_sha256: str, work: str, out: str, *flags: str) -> None:
    work_dir, out_dir = Path(work), Path(out)
    tflite, licence = extract(Path(wheel), tflite_sha256, work_dir)
    converted = convert(tflite, work_dir)
    worst = compare(tflite, converted)
    say(f"ONNX vs TFLite: largest output difference {worst:.2e} (tolerance {TOLERANCE})")
    if worst > TOLERANCE:
        sys.exit("the conversion does not reproduce the TFLite outputs")
    vendored = out_dir / NAME
    say(f"converted: {sha256(converted)}")
    say(f"vendored:  {sha256(vendored) if vendored.exists() else '(none)'}")
    if "--write" in flags:
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(converted, vendored)
        shutil.copyfile(licence, out_dir / "LICENSE")
        say(f"wrote {vendored} and its LICENSE")
    elif not vendored.exists() or sha256(vendored) != sha256(converted):
        sys.exit("the vendored file differs from the conversion: run with --write to replace it")


if __name__ == "__main__":
    main(*sys.argv[1:])
