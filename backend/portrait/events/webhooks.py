"""Webhook deliveries: Standard Webhooks signatures, short timeouts, no redirects, and an
SSRF guard (no loopback, private, link-local or metadata addresses unless allowed)."""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from standardwebhooks.webhooks import Webhook

EXCERPT_BYTES = 256  # of a receiver's answer, for the delivery log; never more


class UnsafeURL(ValueError):
    """The URL is not one Portrait may call (scheme, credentials, or the address it names)."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    error: str | None = None
    excerpt: str = ""
    ms: int = 0

    @property
    def gone(self) -> bool:  # the receiver asks us to stop: 410 Gone
        return self.status == 410


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _refused(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast  # loopback, private, link-local, metadata...


def check_url(url: str, *, allow_private: bool) -> None:
    """Raises UnsafeURL unless `url` is http(s) without credentials and every address its
    host resolves to is public (or `allow_private`)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL("The URL must be http:// or https:// with a host.")
    if parts.username or parts.password:
        raise UnsafeURL("The URL must not carry credentials.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise UnsafeURL(f"The host {parts.hostname!r} does not resolve.") from exc
    if not allow_private and any(_refused(info[4][0]) for info in infos):
        raise UnsafeURL("The URL points to a private, loopback or link-local address.")


def deliver(
    *,
    url: str,
    secret: str,
    envelope: dict,
    timeout: float,
    allow_private: bool,
    session: requests.Session | None = None,
):
    """POSTs the CloudEvent, signed; returns the Outcome (never raises for the receiver's
    faults). The address is checked again at every delivery: DNS may have changed."""
    started = time.monotonic()
    try:
        check_url(url, allow_private=allow_private)
    except UnsafeURL as exc:
        return Outcome(ok=False, error=str(exc))
    body = json.dumps(envelope, separators=(",", ":"), sort_keys=True)
    now = datetime.now(UTC)
    headers = {
        "content-type": "application/cloudevents+json",
        "user-agent": "Portrait-Webhooks/1",
        "webhook-id": envelope["id"],
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(envelope["id"], now, body),
    }
    try:
        with (session or requests).post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
    except requests.RequestException as exc:
        ms = int((time.monotonic() - started) * 1000)
        return Outcome(ok=False, error=type(exc).__name__, ms=ms)
    ms = int((time.monotonic() - started) * 1000)
    status = response.status_code
    text = excerpt.decode("utf-8", "replace")
    return Outcome(ok=200 <= status < 300, status=status, excerpt=text, ms=ms)
