"""Every state change of moderation lives here, so that events can later be published from
one place (DESIGN.md §11): roles, and the audit entry of every moderator/admin action.

Each change is one conditional update of its document; the audit entry is written right
after it (never for a change that did not happen).
"""

from __future__ import annotations

from collections.abc import Iterator

from portrait.errors import NotFound
from portrait.models import User
from portrait.models.audit import AuditEntry
from portrait.models.user import email_key, utcnow


def audit(
    *, actor: str, action: str, target: str, reason: str = "", details: dict | None = None
) -> AuditEntry:
    entry = AuditEntry(
        actor=actor, action=action, target=target, reason=reason, details=details or {}
    )
    entry.save(force_insert=True)
    return entry


def set_role(*, email: str, role: str, actor: str) -> User:
    """Gives the account `role` (user, moderator or admin); audited when it changes."""
    user = User.objects(email_key=email_key(email)).first()
    if user is None:
        raise NotFound(f"No account has the email {email!r}.")
    previous = user.role or "user"
    if previous != role:
        User.objects(id=user.id).update_one(
            set__role=role, set__updated_at=utcnow(), inc__version=1
        )
        changed = {"from": previous, "to": role}
        audit(actor=actor, action="set-role", target=f"user:{user.id}", details=changed)
        user.reload()
    return user


def users_with_roles(*, role: str | None = None) -> Iterator[User]:
    """Accounts by email; with `role`, only those holding it."""
    query = User.objects(role=role) if role else User.objects()
    return query.order_by("email_key").only("email", "handle", "role")
