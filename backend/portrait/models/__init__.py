"""MongoDB documents. Importing a module registers its documents for start-up indexing."""

from portrait.models.session import RefreshSession
from portrait.models.user import User

__all__ = ["RefreshSession", "User"]
