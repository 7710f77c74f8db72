"""onnxruntime sessions for the vendored and packaged detectors: one per process, model
file and thread count, created once under a lock; a detector loads it lazily."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import onnxruntime as ort

_sessions: dict[tuple[str, int], ort.InferenceSession] = {}
_sessions_lock = threading.Lock()


def session(model_file: Any, threads: int) -> ort.InferenceSession:
    """The session for ``model_file`` (a path or package resource) with ``threads``."""
    key = (str(model_file), threads)
    with _sessions_lock:
        if key not in _sessions:
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            _sessions[key] = ort.InferenceSession(
                str(model_file), options, providers=["CPUExecutionProvider"]
            )
        return _sessions[key]


class OnnxDetector:
    """A detector over one ONNX file; ``load()`` is idempotent and thread-safe."""

    model_file: Path | Any

    def __init__(self, *, threads: int = 1) -> None:
        self.threads = threads
        self._session: ort.InferenceSession | None = None

    def load(self) -> None:
        if self._session is None:
            self._session = session(self.model_file, self.threads)

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def _run(self, blob: Any) -> list[Any]:
        self.load()
        assert self._session is not None
        return self._session.run(None, {self._session.get_inputs()[0].name: blob})
