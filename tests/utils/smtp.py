"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and readers that
pull the token out of a received (or .eml) message the way a person clicks its link."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from tests.utils.waiting import wait_until

LINK = re.compile(r"https?://\S+\?token=[\w\-%]+")


@dataclass
class Inbox:
    """Messages received, in order; `refuse` answers the next N DATA commands with 451."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        with self.lock:
            if self.refused < self.refuse:
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if recipients(m) == [address.lower()]]

    def wait_for(self, address: str, count: int = 1) -> list[EmailMessage]:
        """The first `count` messages to `address`, waiting for them to arrive."""
        return wait_until(
            lambda: (found := self.to(address)) and len(found) >= count and found,
            f"{count} mail(s) to {address}",
        )


def recipients(message: EmailMessage) -> list[str]:
    return [address.lower() for _name, address in getaddresses([message["To"]])]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, str]]:
    """(inbox, SMTP_URL) of a server listening on loopback for the block."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def body(message: EmailMessage, subtype: str = "plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def link_in(message: EmailMessage) -> str:
    found = LINK.search(body(message))
    assert found, body(message)
    return found.group(0)


def token_in(message: EmailMessage, path: str) -> str:
    """The token of the link to the SPA page `path`, checked to be in the HTML body too."""
    link = link_in(message)
    parts = urlsplit(link)
    assert parts.path == path, link
    assert link.replace("&", "&amp;") in body(message, "html") or link in body(message, "html")
    return parse_qs(parts.query)["token"][0]
