"""Start and stop the real processes the topology tests talk to (loopback only)."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MONGO_SERVER = ROOT / "scripts" / "mongo-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    """Waits until something accepts on 127.0.0.1:port; fails early if proc died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> int:
    """SIGTERM (graceful), then SIGKILL if the process ignores it; returns the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


@contextlib.contextmanager
def mongo_server(data_dir: Path, port: int | None = None):
    """Runs scripts/mongo-server (FerretDB, SQLite files in data_dir); yields its port."""
    port = port or free_port()
    proc = subprocess.Popen(
        [str(MONGO_SERVER), "--port", str(port), "--data", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    try:
        # The first use compiles FerretDB, hence the generous timeout.
        wait_for_port(port, proc, timeout=600)
        yield port
    finally:
        stop(proc)
        if proc.stderr:
            proc.stderr.close()
