"""What every document module shares (a leaf: users embed avatars, avatars need the clock)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
