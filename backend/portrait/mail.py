"""The one mailer (docs/accounts.md): messages rendered from small templates, sent by
flask-mailman through the backend MAIL_BACKEND names, off the request path.

A request renders its message and hands it to a queue; one thread per process sends it and
retries a refusing SMTP server MAIL_RETRIES times (delays doubling from MAIL_RETRY_SECONDS),
then logs a `mail.failed` line and drops it: the request has long answered as usual, and the
user can ask again (resend, forgot). Sending off the request path also keeps the answer's
timing the same whether or not a mail went out (no account discovery by the clock).
"""

from __future__ import annotations

import logging
import queue
import smtplib
import threading
import time
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

from flask import Flask, current_app, render_template
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends.base import BaseEmailBackend

from portrait.config import ConfigError

log = logging.getLogger(__name__)

QUEUE = "portrait.mail_queue"
SMTP_TIMEOUT = 10  # seconds: a stuck server delays only the mail thread, never a request
SMTP_SCHEMES = {"smtp": (25, False, False), "smtp+starttls": (587, True, False)}
SMTP_SCHEMES["smtps"] = (465, False, True)


class EmlFileBackend(BaseEmailBackend):
    """Each message as one RFC 5322 `.eml` file in MAIL_DIR (Django's file backend appends
    every message to one log instead): a developer opens the newest with a mail program."""

    def send_messages(self, messages) -> int:
        directory = Path(self.mailman.file_path)
        directory.mkdir(parents=True, exist_ok=True)
        for message in messages:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
            temporary = directory / f".{name}.tmp"
            temporary.write_bytes(message.message().as_bytes())
            temporary.rename(directory / name)  # readers never see half a message
        return len(messages)


# flask-mailman's backends by name; a class is taken as it is.
BACKENDS = {
    "smtp": "smtp",
    "file": EmlFileBackend,
    "console": "console",
    "memory": "locmem",  # tests: app.extensions["mailman"].outbox
}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    tls: bool


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise ConfigError("SMTP_URL must look like smtp|smtp+starttls|smtps://user:pass@host:port")
    port, starttls, tls = SMTP_SCHEMES[parts.scheme]
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=starttls,
        tls=tls,
    )


def init_app(app: Flask) -> None:
    config = app.config
    smtp = parse_smtp_url(config["SMTP_URL"]) if config["SMTP_URL"] else None
    mailman_config = {
        "MAIL_BACKEND": BACKENDS[config["MAIL_BACKEND"]],
        "MAIL_DEFAULT_SENDER": config["MAIL_FROM"],
        "MAIL_FILE_PATH": config["MAIL_DIR"],
        "MAIL_TIMEOUT": SMTP_TIMEOUT,
    }
    if smtp is not None:
        mailman_config |= {
            "MAIL_SERVER": smtp.host,
            "MAIL_PORT": smtp.port,
            "MAIL_USERNAME": smtp.username,
            "MAIL_PASSWORD": smtp.password,
            "MAIL_USE_TLS": smtp.starttls,
            "MAIL_USE_SSL": smtp.tls,
        }
    # flask-mailman reads its MAIL_* keys from a mapping; ours keep their own meaning.
    app.extensions["mailman"] = Mail.init_mail(mailman_config, app.testing)
    app.extensions[QUEUE] = MailQueue(app)


def link(path: str, token: str) -> str:
    """A SPA page under PUBLIC_URL that posts `token` to the API."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}{path}?{urlencode({'token': token})}"


def send(*, to: str, template: str, subject: str, **context) -> None:
    """Renders mail/<template>.txt and .html and queues the message for `to`."""
    context = {"public_url": current_app.config["PUBLIC_URL"], **context}
    sender_domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2]
    message = EmailMultiAlternatives(
        subject=f"Portrait: {subject}",
        body=render_template(f"mail/{template}.txt", **context),
        to=[to],
        # Made once here, so every retry is the same message to the receiver; and not by
        # email.utils.make_msgid, which draws from the shared `random` in the mail thread.
        headers={"Message-ID": f"<{uuid.uuid4().hex}@{sender_domain or 'localhost'}>"},
    )
    message.attach_alternative(render_template(f"mail/{template}.html", **context), "text/html")
    message.message()  # builds the headers now: a bad address fails here, in the request
    current_app.extensions[QUEUE].put(message, template)


class MailQueue:
    """Messages waiting for the mail thread. The thread starts with the first message (after
    a gunicorn fork, so each worker has its own) and ends when idle for IDLE_SECONDS, so an
    app that stops sending (a test's) holds no thread."""

    IDLE_SECONDS = 10

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.messages: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def put(self, message: EmailMultiAlternatives, template: str) -> None:
        self.messages.put((message, template))
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="mail", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                message, template = self.messages.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self.lock:  # put() starts a new thread unless this one is still on
                    if self.messages.empty():
                        self.thread = None
                        return
                continue
            with self.app.app_context():
                self._deliver(message, template)
            self.messages.task_done()

    def idle(self) -> bool:
        """True when every queued message has been sent (or given up on)."""
        return self.messages.unfinished_tasks == 0

    def _deliver(self, message: EmailMultiAlternatives, template: str) -> None:
        config = self.app.config
        delay = config["MAIL_RETRY_SECONDS"]
        for attempt in range(config["MAIL_RETRIES"] + 1):
            try:
                # Closed even when the server refuses (the backend itself only closes after
                # a success): no connection is left half open.
                with self.app.extensions["mailman"].get_connection() as connection:
                    connection.send_messages([message])
                return
            except (smtplib.SMTPException, OSError) as exc:
                error = exc
            except Exception:  # noqa: BLE001 - a bug must not stop the mail thread
                log.exception("mail.failed template=%s (not retried)", template)
                return
            if attempt < config["MAIL_RETRIES"]:
                time.sleep(delay)  # the mail thread only: no request waits on this
                delay *= 2
        log.error(
            "mail.failed template=%s backend=%s attempts=%d error=%r",
            template,
            config["MAIL_BACKEND"],
            config["MAIL_RETRIES"] + 1,
            str(error),
        )
