"""The media store interface: immutable blobs addressed by key, owned by one user.

Content-addressed keys make `put` idempotent (the same key always holds the same bytes), so a
retried or duplicated write is harmless and no update operation is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol


class StorageError(Exception):
    """The store could not complete an operation (database down, write refused)."""


@dataclass(frozen=True)
class MediaItem:
    key: str
    owner: str  # the user's id as a string
    kind: str  # "master" (private, for re-framing), "variant" (served) or "held" (in review)
    content_type: str
    data: bytes
    sha256: str  # of `data`: the strong ETag
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def size(self) -> int:
        return len(self.data)


class MediaStore(Protocol):
    def put(self, item: MediaItem) -> None:
        """Stores `item` under `item.key`; storing an existing key again is a no-op."""

    def get(self, key: str) -> MediaItem | None:
        """The item, or None when no such key exists."""

    def exists(self, key: str) -> bool: ...

    def delete(self, keys: Iterable[str]) -> None:
        """Removes the keys that exist; unknown keys are ignored."""

    def keys_owned_by(self, owner: str, *, created_before: datetime | None = None) -> set[str]:
        """Keys of `owner`'s items (optionally only those created before a time)."""

    def owners(self, *, created_before: datetime) -> set[str]:
        """Everyone who owns an item created before `created_before`."""

    def release(self, keys: Iterable[str]) -> None:
        """Makes the "held" items among `keys` ordinary variants (a moderator approved them)."""
