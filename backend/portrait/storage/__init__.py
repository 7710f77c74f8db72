"""Media storage behind one small interface (`put`, `get`, `exists`, `delete`)."""

from portrait.storage.base import MediaItem, MediaStore, StorageError
from portrait.storage.memory import MemoryMediaStore
from portrait.storage.mongo import MongoMediaStore

__all__ = ["MediaItem", "MediaStore", "MemoryMediaStore", "MongoMediaStore", "StorageError"]
