"""How `flask --app portrait users ...` reaches the embedded run's in-memory database.

The embedded store (mongomock) lives inside the `python -m portrait` process, so a command
line in another process would only see an empty store of its own. While that process runs it
listens on a Unix socket that only its user can open (0600 in a 0700 directory), keyed by its
port; the CLI finds it there, sends the command's name and parameters as one JSON line, and
prints the answer. The command runs inside the server, under the embedded store's lock.
"""

from __future__ import annotations

import json
import os
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from portrait import db
from portrait.config import REPO_ROOT

SOCKET_DIR = REPO_ROOT / ".cache" / "portrait-cli"
MAX_MESSAGE = 64 * 1024


class CommandFailed(Exception):
    """The command ran and failed; the message says why."""


def socket_path(port: int | str | None = None) -> Path:
    name = port if port is not None else os.environ.get("PORT", "8000")
    return SOCKET_DIR / f"{name}.sock"


def serve(
    app: Flask, port: int, commands: dict[str, Callable[..., str]]
) -> socketserver.UnixStreamServer:
    """Answers commands for the embedded run on a daemon thread until `stop(server)`."""
    SOCKET_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = socket_path(port)
    path.unlink(missing_ok=True)  # left by a run that was killed

    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            try:
                request = json.loads(self.rfile.readline(MAX_MESSAGE))
                command = commands[request["command"]]
                with app.app_context(), db.embedded_lock(app):
                    answer = {"ok": True, "output": command(**request["params"])}
            except CommandFailed as exc:
                answer = {"ok": False, "output": str(exc)}
            except (ValueError, KeyError, TypeError) as exc:
                answer = {"ok": False, "output": f"bad command: {exc!r}"}
            self.wfile.write(json.dumps(answer).encode() + b"\n")

    server = socketserver.ThreadingUnixStreamServer(str(path), Handler)
    os.chmod(path, 0o600)
    threading.Thread(target=server.serve_forever, daemon=True, name="cli-bridge").start()
    return server


def stop(server: socketserver.UnixStreamServer) -> None:
    """Stops answering and removes the socket, so no later CLI call finds a dead one."""
    server.shutdown()
    server.server_close()
    Path(server.server_address).unlink(missing_ok=True)


def forward(path: Path, command: str, params: dict) -> str:
    """Runs `command` in the embedded server listening at `path`; its output, or raises."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect(str(path))
        sock.sendall(json.dumps({"command": command, "params": params}).encode() + b"\n")
        answer = json.loads(sock.makefile("rb").readline(MAX_MESSAGE))
    if not answer["ok"]:
        raise CommandFailed(answer["output"])
    return answer["output"]
