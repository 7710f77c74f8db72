"""Limits on what one request may cost before any view sees it.

* JSON bodies: at most JSON_MAX_BYTES (413) and JSON_MAX_DEPTH levels of nesting (400). Every
  JSON body the API accepts is a flat object of short strings; a deep one only exists to
  exhaust the parser's recursion (a 500 before this check).
* Request bodies under gunicorn must arrive within REQUEST_BODY_TIMEOUT seconds in total
  (408), so a client trickling an upload one byte at a time frees its worker thread in
  bounded time. gunicorn's own config bounds each read while headers arrive
  (docker/api/gunicorn.conf.py, `client_idle_timeout`).
"""

from __future__ import annotations

import re
import socket
import threading
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestTimeout

from portrait.errors import BadRequest, PayloadTooLarge

JSON_MAX_DEPTH = 32
# The closing quote is optional so an unterminated string matches once, to the end, instead of
# being retried from every later quote (quadratic: 64 KiB of `\"` took seconds).
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"?', re.DOTALL)


def init_app(app: Flask) -> None:
    # First of all before_request hooks: the rate limiter's key function parses the body too.
    app.before_request_funcs.setdefault(None, []).insert(0, _check_json_body)
    seconds = app.config["REQUEST_BODY_TIMEOUT"]
    app.wsgi_app = BodyDeadline(app.wsgi_app, seconds)


def json_depth(data: bytes) -> int:
    """Deepest nesting of arrays/objects in `data` (brackets inside strings do not count)."""
    depth = deepest = 0
    for char in _JSON_STRING.sub(b'""', data):
        if char in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in b"]}":
            depth -= 1
    return deepest


def _check_json_body() -> None:
    if not request.is_json or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    # Werkzeug refuses a longer body (declared or streamed) with 413 while reading it.
    config = current_app.config
    limit = request.max_content_length = min(config["JSON_MAX_BYTES"], config["MAX_REQUEST_BYTES"])
    data = request.get_data(cache=True)
    if request.content_length is None and len(data) >= limit:
        # A chunked body is cut at the limit rather than refused by werkzeug's reader.
        raise PayloadTooLarge(f"A JSON body may have at most {limit} bytes.")
    if json_depth(data) > JSON_MAX_DEPTH:
        raise BadRequest(
            f"The JSON body is nested more than {JSON_MAX_DEPTH} levels deep.",
            type_suffix="json-too-deep",
        )


class BodyDeadline:
    """WSGI middleware: under gunicorn, the request body must arrive within `seconds`.

    Per-read socket timeouts cannot bound a body sent one byte at a time (every read gets
    its byte in time), so a timer shuts the connection's read side at the deadline; the
    blocked read then returns and the request ends with 408."""

    def __init__(self, app, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    def __call__(self, environ: dict[str, Any], start_response):
        sock = environ.get("gunicorn.socket")
        length = _body_length(environ)
        if sock is None or length == 0:
            return self.app(environ, start_response)
        stream = _DeadlineStream(environ["wsgi.input"], sock, length, self.seconds)
        environ["wsgi.input"] = stream
        try:
            return self.app(environ, start_response)
        finally:
            stream.disarm()


def _body_length(environ: dict[str, Any]) -> int | None:
    """Declared body length; None for a chunked body of unknown length."""
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    try:
        return max(0, int(environ.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # gunicorn refuses such a request before the app sees it


class _DeadlineStream:
    """wsgi.input whose reads end with 408 once the timer fired; the timer stops as soon as
    the whole body has arrived, so slow work after it (the model service) is not cut."""

    def __init__(self, stream, sock, length: int | None, seconds: float) -> None:
        self._stream, self._sock, self._left = stream, sock, length
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        self._expired = True
        try:
            self._sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass  # already closed

    def disarm(self) -> None:
        self._timer.cancel()

    def _call(self, method: str, *args):
        try:
            data = getattr(self._stream, method)(*args)
        except OSError:
            if not self._expired:
                raise
            data = None
        if self._expired:
            raise RequestTimeout("The request body did not arrive in time.")
        if self._left is not None:
            self._left -= sum(map(len, data)) if isinstance(data, list) else len(data)
        if not data or (self._left is not None and self._left <= 0):
            self.disarm()
        return data

    def read(self, size: int = -1) -> bytes:
        return self._call("read", size)

    def readline(self, size: int = -1) -> bytes:
        return self._call("readline", size)

    def readlines(self, hint: int = -1) -> list[bytes]:
        return self._call("readlines", hint)

    def __iter__(self):
        return iter(self.readline, b"")
