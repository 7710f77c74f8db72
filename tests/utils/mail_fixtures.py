"""Fixtures for the mail suites: a real SMTP server on loopback and apps that send to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from portrait.mail import QUEUE
from tests.utils.smtp import Inbox, smtp_server
from tests.utils.waiting import wait_until


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def inbox(smtp: tuple[Inbox, str]) -> Inbox:
    return smtp[0]


@pytest.fixture
def make_mail_app(make_app, smtp) -> Iterator[Callable[..., Flask]]:
    """`make_mail_app(**overrides)`: an app whose mail goes over SMTP to `inbox`."""

    apps: list[Flask] = []

    def factory(**overrides) -> Flask:
        config = {"MAIL_BACKEND": "smtp", "SMTP_URL": smtp[1], "MAIL_RETRY_SECONDS": 0.05}
        apps.append(make_app(**{**config, **overrides}))
        return apps[-1]

    yield factory
    # Mail still on its way when the test ends would meet a server being stopped.
    for app in apps:
        wait_until(app.extensions[QUEUE].idle, "the mail queue to drain")
