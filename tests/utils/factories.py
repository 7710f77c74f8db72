"""Factories for request bodies: every call gives a new, valid, unique account."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

_counter = itertools.count(1)

PASSWORD = "correct horse battery"


def unique_suffix() -> str:
    return f"{next(_counter)}{uuid.uuid4().hex[:6]}"


def signup_data(**overrides: Any) -> dict[str, Any]:
    suffix = unique_suffix()
    data = {
        "email": f"user{suffix}@example.com",
        "password": PASSWORD,
        "handle": f"user_{suffix}",
        "display_name": f"User {suffix}",
    }
    data.update(overrides)
    return data
