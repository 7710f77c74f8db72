"""Roles: `admin` includes `moderator`, which includes `user`. Checked after jwt_required."""

from __future__ import annotations

from functools import wraps

from flask_jwt_extended import current_user

from portrait.errors import Forbidden

RANK = {"user": 0, "moderator": 1, "admin": 2}


def has_role(user, role: str) -> bool:
    return RANK.get(user.role or "user", 0) >= RANK[role]


def require_role(role: str):
    """403 unless the signed-in user holds `role` (or a higher one)."""

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not has_role(current_user, role):
                raise Forbidden(f"Only a {role} may do this.")
            return view(*args, **kwargs)

        return checked

    return decorator
