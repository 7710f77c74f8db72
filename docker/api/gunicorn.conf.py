"""gunicorn settings for the API.

    gunicorn -c docker/api/gunicorn.conf.py 'portrait:create_app()'

The API mostly waits: on MongoDB, on the model service, on clients uploading photos. So it
runs a few processes (one per core, for the CPU bursts of argon2id and Pillow, which release
the GIL) each with a pool of threads for the waiting. Every value can be overridden from the
environment, which is how the container and the multi-worker tests tune it.
"""

import os
import socket
import struct


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", max(2, os.cpu_count() or 1))
threads = _int("GUNICORN_THREADS", 8)

# An avatar upload waits for the model service (its client has its own shorter timeouts);
# a worker silent for longer than this is stuck and gets replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGTERM, finish in-flight requests for up to this long before exiting (docker compose
# waits stop_grace_period, set longer than this, before it sends SIGKILL).
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = 5  # behind nginx, which reuses upstream connections
# Slow clients: gthread parks a connection that sends nothing, but one that trickles its
# headers or body holds a thread. Every read may wait at most this long (SO_RCVTIMEO on the
# listening sockets, inherited by each connection); the app also bounds a whole request
# body (REQUEST_BODY_TIMEOUT). nginx in front buffers slow uploads before they get here.
client_idle_timeout = _int("GUNICORN_CLIENT_IDLE_TIMEOUT", 10)


def when_ready(server) -> None:
    # In the master, before any worker forks: connections made from now on inherit it.
    idle = struct.pack("ll", client_idle_timeout, 0)
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, idle)


# Recycle workers now and then so a slow leak in any library cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200

# Not preloaded: each worker opens its own MongoDB client after the fork (pymongo is not
# fork-safe).
preload_app = False

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The worker's pid first: which process served a request (the multi-worker test reads it).
access_log_format = '%(p)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Heartbeat files on tmpfs: a container's overlay filesystem can stall them.
_SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _SHM)
# X-Forwarded-Proto is trusted only from these addresses (nginx); the app's PROXY_HOPS
# decides about X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# No control socket (gunicorn 25.1+): nothing here uses gunicornc, and every instance on a host
# would otherwise bind the same ~/.gunicorn/gunicorn.ctl (tests run several at once).
control_socket_disable = True
