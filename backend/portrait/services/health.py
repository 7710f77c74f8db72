"""Readiness checks: /readyz runs each registered check; any failure means not ready.

Register more with `add_readiness_check(app, "models", check)`, where `check()` returns
normally when the dependency answers and raises (any exception) when it does not.
Details (`add_readiness_detail`) are informative: reported next to the checks, never a reason
to be not ready (a stopped event dispatcher must not take the API down).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask

from portrait import db

log = logging.getLogger(__name__)

_CHECKS = "portrait.readiness_checks"
_DETAILS = "portrait.readiness_details"


def add_readiness_check(app: Flask, name: str, check: Callable[[], object]) -> None:
    app.extensions.setdefault(_CHECKS, {})[name] = check


def add_readiness_detail(app: Flask, name: str, detail: Callable[[], dict[str, Any]]) -> None:
    app.extensions.setdefault(_DETAILS, {})[name] = detail


def check_database(app: Flask) -> None:
    db.ping()
    if not db.ensure_indexes(app):  # start-up may have found the database down
        raise RuntimeError("indexes could not be created")


def run_checks(*, app: Flask) -> dict[str, str]:
    """Maps each check's name to "ok" or a short reason it failed."""
    results = {}
    for name, check in app.extensions.get(_CHECKS, {}).items():
        try:
            check()
        except Exception as exc:  # a failing check must report, never crash the probe
            log.warning("readiness check %r failed: %s", name, exc)
            results[name] = f"unavailable: {type(exc).__name__}"
        else:
            results[name] = "ok"
    return results


def run_details(*, app: Flask) -> dict[str, dict[str, Any]]:
    """Maps each detail's name to {"status": "ok", ...its numbers} or a short reason."""
    results: dict[str, dict[str, Any]] = {}
    for name, detail in app.extensions.get(_DETAILS, {}).items():
        try:
            results[name] = {"status": "ok", **detail()}
        except Exception as exc:  # informative only: report it, never fail the probe
            log.warning("readiness detail %r failed: %s", name, exc)
            results[name] = {"status": f"unavailable: {type(exc).__name__}"}
    return results
