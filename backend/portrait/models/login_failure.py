"""Recent wrong passwords of one account from one client address (the login delay)."""

from __future__ import annotations

from mongoengine import DateTimeField, Document, IntField, StringField


class LoginFailures(Document):
    """`id` is a hash of the account key and the address key, so the collection holds no
    email addresses (attempts name unknown ones too). The TTL index forgets a pair once it
    has been quiet for a while; code checks `expires_at` itself (TTL monitors run lazily)."""

    meta = {
        "collection": "login_failures",
        "auto_create_index": False,
        "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}],
    }

    id = StringField(primary_key=True)
    count = IntField(required=True, default=0, min_value=0)
    last_at = DateTimeField(required=True)
    expires_at = DateTimeField(required=True)
