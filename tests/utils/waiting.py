"""Waiting on a condition instead of sleeping for a guessed time.

A machine shared with other test runs can be several times slower than a quiet one, so
every wait here has a generous deadline and returns as soon as the condition holds; only a
condition that never holds costs the whole deadline (and fails the test, saying what)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")
DEADLINE = 60.0  # seconds: far beyond what any condition here needs on a quiet machine


def wait_until(
    condition: Callable[[], T], what: str, *, timeout: float = DEADLINE, every: float = 0.05
) -> T:
    """Polls `condition` until it returns something truthy and returns that; exceptions it
    raises count as "not yet" (a server that is not listening yet)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if result := condition():
                return result
        except Exception:  # noqa: BLE001 - "not yet": retried until the deadline
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}")
        time.sleep(every)
