"""Accept + normalise an upload within bounded memory (DESIGN.md §3.1-3.2).

Two bounds: each decode is priced from the header and refused above AVATAR_DECODE_MAX_BYTES
(imaging.budget, 413), and at most AVATAR_DECODES_PER_PROCESS uploads are decoded and worked
on at master size at once in a process; the next waits up to AVATAR_DECODE_WAIT seconds for a
slot, then gets 503 with Retry-After (header refusals come first and never wait). Together
they bound a worker's memory however many threads it serves.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app

from portrait import imaging
from portrait.errors import (
    PayloadTooLarge,
    ServiceUnavailable,
    UnprocessableImage,
    UnsupportedMediaType,
)
from portrait.imaging import Limits

SLOTS = "portrait.decode_slots"
_slots_lock = threading.Lock()  # creates each app's semaphore once, whichever thread asks

_IMAGING_ERRORS = {
    imaging.UnsupportedFormat: UnsupportedMediaType,
    imaging.TooLarge: PayloadTooLarge,
    imaging.CorruptImage: UnprocessableImage,
    imaging.TooSmall: UnprocessableImage,
}


class DecodersBusy(ServiceUnavailable):
    title, type_suffix = "Too Many Pictures At Once", "decoders-busy"


def _malloc_trim():
    """glibc's malloc_trim, or None elsewhere (musl, macOS)."""
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return getattr(libc, "malloc_trim", None)


_trim = _malloc_trim()


def _release_heap() -> None:
    # An upload's buffers come back to malloc in pieces that glibc keeps: without a trim the
    # next upload's peak is stacked on what the last one left (tests/topology's four uploads).
    if _trim is not None:
        _trim(0)


def limits() -> Limits:
    config = current_app.config
    imaging.ensure_pillow_limit(config["AVATAR_MAX_PIXELS"])
    return Limits(
        max_bytes=config["AVATAR_MAX_BYTES"],
        max_pixels=config["AVATAR_MAX_PIXELS"],
        max_decode_bytes=config["AVATAR_DECODE_MAX_BYTES"],
    )


def _slots(app: Flask) -> threading.BoundedSemaphore:
    with _slots_lock:
        slots = app.extensions.get(SLOTS)
        if slots is None:
            slots = app.extensions[SLOTS] = threading.BoundedSemaphore(
                app.config["AVATAR_DECODES_PER_PROCESS"]
            )
        return slots


@contextmanager
def decode_slot() -> Iterator[None]:
    """Holds one of this process's decode slots, or raises DecodersBusy (503)."""
    slots = _slots(current_app)
    if not slots.acquire(timeout=current_app.config["AVATAR_DECODE_WAIT"]):
        raise DecodersBusy(
            "Too many pictures are being processed right now; try again in a few seconds."
        )
    try:
        yield
    finally:
        _release_heap()  # before the next upload takes this slot
        slots.release()


def check_header(data: bytes) -> str:
    """The header checks (format, pixels, price): a refusal costs microseconds, so it comes
    before any slot and never waits behind other uploads, nor gets a 503. Returns the format
    Pillow read from the bytes (JPEG, MPO, PNG, WEBP, GIF or HEIF)."""
    try:
        return imaging.open_upload(data, limits()).format
    except imaging.ImagingError as exc:
        raise _IMAGING_ERRORS[type(exc)](str(exc)) from exc


def decode(data: bytes) -> imaging.Decoded:
    """Accept + normalise, with imaging's reasons turned into API errors (415/413/422). The
    caller holds a decode slot for this and for the rest of the master-sized work (fit,
    master JPEG, variants, crop moderation): released after the decode alone, that work of
    several uploads overlapped the next decode and a worker outgrew its bound."""
    try:
        return imaging.decode_upload(data, limits())
    except imaging.ImagingError as exc:
        raise _IMAGING_ERRORS[type(exc)](str(exc)) from exc
