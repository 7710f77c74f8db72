"""The Models page's side of the model service: its catalog as the API publishes it, and a
try of one model on a visitor's photo.

A try stores nothing and logs no photo: the bytes are checked (format, size, pixels), sent
to the model service and forgotten. The model service is the authority on what exists and
which version is the champion; the API's short-lived copy of its catalog only labels the
answer with a stage, so a stale copy can at worst give a stale label, never another model,
version or result (tests/api/test_models_api.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app

from portrait.clients.model_service import (
    CatalogEntry,
    ModelInputRefused,
    ModelServiceUnavailable,
    ModelVersion,
)
from portrait.errors import (
    InputRefused,
    ModelUnavailable,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from portrait.services import avatar_models
from portrait.services.avatar_decode import check_header

log = logging.getLogger(__name__)

CACHE = "portrait.model_catalog"
CATALOG_TTL_SECONDS = 30.0  # a try within this of the last catalog read costs one call
# What a try accepts (sniffed from the bytes), as the Content-Type the model service gets.
TRY_FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# The client's predict() takes these as its own arguments: never a model option.
RESERVED_OPTIONS = frozenset({"name", "image", "version", "content_type"})


class CatalogCache:
    """The last catalog read, kept `ttl` seconds. One per app; thread-safe (a lock around
    read-and-refresh, so concurrent tries after expiry make one call, not one each)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: tuple[CatalogEntry, ...] | None = None
        self._read_at = 0.0

    def get(self, fetch: Callable[[], tuple[CatalogEntry, ...]], *, refresh: bool = False):
        with self._lock:
            stale = self._entries is None or self.clock() - self._read_at >= self.ttl
            if refresh or stale:
                self._entries, self._read_at = fetch(), self.clock()
            return self._entries


def init_app(app: Flask) -> None:
    app.extensions[CACHE] = CatalogCache(CATALOG_TTL_SECONDS)


def _cache() -> CatalogCache:
    return current_app.extensions[CACHE]


@contextmanager
def _mapped_errors() -> Iterator[None]:
    """The client's errors as the Models page's (the avatar pipeline maps a 404 otherwise:
    there it means a misconfigured API, here a visitor asking for a model that is not)."""
    try:
        yield
    except ModelServiceUnavailable as exc:
        log.warning("model service unavailable: %s", exc)
        raise ModelUnavailable(
            "The model service is unavailable right now; please try again in a moment.",
            retry_after=exc.retry_after or avatar_models.RETRY_AFTER,
        ) from exc
    except ModelInputRefused as exc:
        if exc.status == 404:
            raise NotFound(exc.detail or "No such model or version.") from exc
        if exc.status == 413:  # the model service's own pixel limit, if set under the API's
            raise PayloadTooLarge(exc.detail or "The photo has too many pixels.") from exc
        raise InputRefused(exc.detail or "The model refused this input.") from exc


def _catalog(*, refresh: bool = False) -> tuple[CatalogEntry, ...]:
    with _mapped_errors():
        return _cache().get(avatar_models.client().list_models, refresh=refresh)


def _version(version: ModelVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "stage": version.stage,
        "description": version.description,
        "license": version.license,
        "report": version.report,
    }


def _public(entry: CatalogEntry) -> dict[str, Any]:
    # Paths on the model service, for the page's snippets; its address is never published.
    pinned = entry.predict.removesuffix("/predict") + "/versions/{version}/predict"
    return {
        "name": entry.name,
        "champion": entry.champion,
        "options": entry.options,
        "output": entry.output,
        "versions": [_version(version) for version in entry.versions],
        "endpoints": {"predict": entry.predict, "pinned": pinned},
    }


def list_models() -> dict[str, Any]:
    """Every served model with its versions (oldest first), stages and reports."""
    return {"models": [_public(entry) for entry in _catalog()]}


def _stage(name: str, version: str) -> str | None:
    versions = (v for entry in _catalog() if entry.name == name for v in entry.versions)
    return next((v.stage for v in versions if v.version == version), None)


def stage_of(name: str, version: str) -> str:
    """The stage of a version that just answered: from the cached catalog, read again once
    when the copy does not know the version (it came after the last read)."""
    stage = _stage(name, version)
    if stage is None:
        _catalog(refresh=True)
        stage = _stage(name, version)
    if stage is None:
        raise ModelUnavailable(
            f"The model service ran {name} {version} but does not list it; try again later.",
            retry_after=avatar_models.RETRY_AFTER,
        )
    return stage


def _content_type(data: bytes) -> str:
    """The photo's type from its bytes (413/415/422 from the header checks)."""
    content_type = TRY_FORMATS.get(check_header(data))
    if content_type is None:
        raise UnsupportedMediaType("Unsupported image format; use JPEG, PNG or WebP.")
    return content_type


def try_model(*, name: str, data: bytes, version: str | None, options: dict[str, str]):
    """Runs `name` (the champion, or the pinned `version`) on the photo; stores nothing."""
    content_type = _content_type(data)
    reserved = sorted(RESERVED_OPTIONS & set(options))
    if reserved:
        raise InputRefused(f"{', '.join(reserved)} is not an option of {name}.")
    with _mapped_errors():
        answer = avatar_models.client().predict(
            name, data, version=version, content_type=content_type, **options
        )
    # Unpinned, the model service answered with its champion: that needs no catalog.
    stage = "champion" if version is None else stage_of(answer.model, answer.version)
    return {
        "model": answer.model,
        "version": answer.version,
        "stage": stage,
        "duration_ms": answer.duration_ms,
        "result": answer.result,
    }
