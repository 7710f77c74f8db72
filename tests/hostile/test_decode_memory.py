"""Bounded memory per upload: legal but expensive pictures (inside the 10 MB and 40 MP limits)
decode within a stated peak RSS, or are refused from the header (413) when their decode would
need more than AVATAR_DECODE_MAX_BYTES.

Each picture is decoded (decode_upload + master JPEG) in a fresh child process that reports
its own peak RSS (VmHWM) after its imports and after the decode, and the price the budget
put on it (tests/utils/peak_rss.py). Before the band-wise conversions the 6300² 16-bit grey
PNG peaked at 419 MB in such a child (454 MB in the API process), the palette one at 296 MB.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portrait.imaging import Limits
from tests.hostile import bombs
from tests.utils.peak_rss import run_in_child

MB = 1 << 20
BUDGET_MB = Limits().max_decode_bytes / MB
# What follows the priced decode: the fit to 2048 px, colour conversion, orientation and the
# master's JPEG encode, all on at most 2048² pixels (4 bytes each, a few copies).
MASTER_WORK_MB = 60

IMPORTS = """
import io
from PIL import Image
from portrait import imaging
from portrait.imaging.decode import decode_cost
"""
SETUP = """
outcome["cost"] = decode_cost(Image.open(io.BytesIO(data)), data, imaging.Limits())
"""
BODY = """
try:
    decoded = imaging.decode_upload(data)
    imaging.encode_master(decoded.image)
    outcome["ok"] = list(decoded.image.size)
except imaging.ImagingError as exc:
    outcome["refused"], outcome["message"] = type(exc).__name__, str(exc)
"""


def decode_in_child(data: bytes, tmp_path: Path) -> dict:
    return run_in_child(data, tmp_path, imports=IMPORTS, setup=SETUP, body=BODY)


# Peak RSS bound of the child in MB (a fresh python with Pillow imported is ~40 MB).
ACCEPTED = {
    "png-16-bit-grey-6300": 150,
    "png-palette-6300": 150,
    "png-rgba-6300": 300,
    "png-16-bit-rgb-6300": 300,
    "png-16-bit-rgba-6300": 300,
    "jpeg-cmyk-6300": 100,
    "jpeg-progressive-6000": 240,
    "jpeg-progressive-444-6000": 330,  # full-size chroma: 216 MB of coefficients, inside
    "heic-12mp": 200,
    "webp-12mp-rgba": 300,
}
REFUSED = ["jpeg-progressive-cmyk-6300", "heic-6000", "webp-6300"]


@pytest.mark.parametrize(("name", "bound_mb"), ACCEPTED.items())
def test_expensive_legal_picture_decodes_within_its_bound(tmp_path, name, bound_mb):
    data = bombs.EXPENSIVE[name]()
    assert len(data) <= 10 << 20
    outcome = decode_in_child(data, tmp_path)
    assert "ok" in outcome, outcome
    assert outcome["peak_mb"] < bound_mb, outcome
    # The price the budget put on it is honest: the decode never grew past it (+ the master).
    assert outcome["growth_mb"] < outcome["cost"] / MB + MASTER_WORK_MB, outcome
    assert outcome["cost"] / MB <= BUDGET_MB


@pytest.mark.parametrize("name", REFUSED)
def test_picture_whose_decode_exceeds_the_budget_is_refused_before_decoding(tmp_path, name):
    outcome = decode_in_child(bombs.EXPENSIVE[name](), tmp_path)
    assert outcome.get("refused") == "TooLarge", outcome
    assert "MB of memory" in outcome["message"] and "the limit is" in outcome["message"]
    assert outcome["cost"] / MB > BUDGET_MB
    assert outcome["growth_mb"] < 10, outcome  # nothing was decoded


def test_every_expensive_picture_is_checked():
    assert set(ACCEPTED) | set(REFUSED) == set(bombs.EXPENSIVE)
