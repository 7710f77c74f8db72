"""A TCP proxy in front of FerretDB that can stop the world at an exact point of an upload.

It reads the MongoDB wire protocol (OP_MSG) far enough to see each command's name and
collection; once armed, it forwards the Nth `update` of the `media` collection (a media
write of MongoMediaStore.put) and then holds every later message of every connection until
`thaw()`. A worker killed during the hold has stored some of an upload's media and never
swapped the profile: the crash the orphan-media cleanup exists for.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

import bson

OP_MSG = 2013


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_message(sock: socket.socket) -> bytes:
    head = _recv_exact(sock, 4)
    return head + _recv_exact(sock, struct.unpack("<i", head)[0] - 4)


def command_of(message: bytes) -> tuple[str, object]:
    """(command name, its value) of an OP_MSG whose first section is the command body."""
    if struct.unpack("<i", message[12:16])[0] != OP_MSG or message[20] != 0:
        return "", None
    size = struct.unpack("<i", message[21:25])[0]
    body = bson.decode(message[21 : 21 + size])
    name = next(iter(body), "")
    return name, body.get(name)


class FreezingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.frozen, self._open = threading.Event(), threading.Event()
        self._open.set()
        self._lock, self._writes_left = threading.Lock(), None
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, media_writes: int) -> None:
        """Freeze right after the next `media_writes` media writes have been forwarded."""
        with self._lock:
            self.frozen.clear()
            self._writes_left = media_writes

    def thaw(self) -> None:
        with self._lock:
            self._writes_left = None
        self._open.set()

    def close(self) -> None:
        self.thaw()
        self.listener.close()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        threading.Thread(target=self._replies, args=(upstream, client), daemon=True).start()
        with contextlib.suppress(OSError), client, upstream:
            while True:
                message = read_message(client)
                self._open.wait()
                upstream.sendall(message)
                if command_of(message) == ("update", "media"):
                    self._count_media_write()

    def _count_media_write(self) -> None:
        with self._lock:
            if self._writes_left is None:
                return
            self._writes_left -= 1
            if self._writes_left == 0:
                self._open.clear()
                self.frozen.set()

    @staticmethod
    def _replies(upstream: socket.socket, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                client.sendall(data)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_RDWR)
