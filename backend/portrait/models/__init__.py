"""MongoDB documents (create_app lists those whose indexes are created at start-up)."""

from portrait.models.session import RefreshSession
from portrait.models.user import User

__all__ = ["RefreshSession", "User"]
