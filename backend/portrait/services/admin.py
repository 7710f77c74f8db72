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
    """The audit log, newest first, each entry with the handles of its actor and of the
    account it is about, so a person can read it (one user query per page)."""
    page = _page(AuditEntry.objects, cursor, newest_first=True)
    handles = _handles({e.actor for e in page.items} | {_subject(e) for e in page.items})
    entries = [
        {
            **{name: entry[name] for name in ("actor", "action", "target", "reason", "details")},
            "id": str(entry.id),
            "at": entry.at,
            "actor_handle": handles.get(entry.actor),
            "target_handle": handles.get(_subject(entry)),
        }
        for entry in page.items
    ]
    return Page(entries, page.next_cursor)


def _subject(entry: AuditEntry) -> str | None:
    """The id of the account an entry is about: a user target, or the owner of an item."""
    kind, _, ref = entry.target.partition(":")
    return ref if kind == "user" else entry.details.get("user")


def _handles(ids: set[str | None]) -> dict[str, str]:
    """Handles by user id; ids that are no user's (the CLI's "cli:<login>") are left out."""
    wanted = [ObjectId(value) for value in ids if value and ObjectId.is_valid(value)]
    return {str(user.id): user.handle for user in User.objects(id__in=wanted).only("handle")}
