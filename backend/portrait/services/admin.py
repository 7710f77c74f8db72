"""What admins read: accounts (searchable) and the audit log, a cursor page at a time.
(Changes they make live in portrait.services.moderation.)"""

from __future__ import annotations

from dataclasses import dataclass

from bson import ObjectId
from bson.errors import InvalidId
from mongoengine import Q

from portrait.errors import BadRequest
from portrait.models import User
from portrait.models.audit import AuditEntry
from portrait.models.user import email_key, handle_key

PAGE = 20


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def _cursor(value: str) -> ObjectId:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError) as exc:
        raise BadRequest("Invalid cursor.", errors={"cursor": ["invalid"]}) from exc


def _page(query, cursor: str | None, *, newest_first: bool) -> Page:
    if cursor:
        after = _cursor(cursor)
        query = query.filter(id__lt=after) if newest_first else query.filter(id__gt=after)
    found = list(query.order_by("-id" if newest_first else "id").limit(PAGE + 1))
    more = len(found) > PAGE
    found = found[:PAGE]
    return Page(found, str(found[-1].id) if more else None)


def list_users(*, q: str | None, cursor: str | None) -> Page:
    """Accounts, oldest first; `q` matches the start of a handle or an email (a key range:
    indexed, and no regex from user input)."""
    query = User.objects
    if q:
        handle, email = handle_key(q), email_key(q)
        query = query.filter(
            Q(handle_key__gte=handle, handle_key__lt=handle + "\x7f")
            | Q(email_key__gte=email, email_key__lt=email + "\U0010ffff")
        )
    return _page(query, cursor, newest_first=False)


def list_audit(*, cursor: str | None) -> Page:
    return _page(AuditEntry.objects, cursor, newest_first=True)
