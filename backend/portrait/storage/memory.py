"""An in-process MediaStore: the reference behaviour in unit tests and benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from portrait.storage.base import MediaItem


class MemoryMediaStore:
    def __init__(self) -> None:
        self.items: dict[str, MediaItem] = {}
        self._lock = threading.Lock()

    def put(self, item: MediaItem) -> None:
        with self._lock:
            self.items.setdefault(item.key, item)

    def get(self, key: str) -> MediaItem | None:
        return self.items.get(key)

    def exists(self, key: str) -> bool:
        return key in self.items

    def delete(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self.items.pop(key, None)

    def keys_owned_by(self, owner: str, *, created_before: datetime | None = None) -> set[str]:
        with self._lock:
            return {
                item.key
                for item in self.items.values()
                if item.owner == owner
                and (created_before is None or item.created_at < created_before)
            }

    def owners(self, *, created_before: datetime) -> set[str]:
        with self._lock:
            return {item.owner for item in self.items.values() if item.created_at < created_before}

    def release(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                item = self.items.get(key)
                if item is not None and item.kind == "held":
                    self.items[key] = replace(item, kind="variant")
