"""Password guessing is slowed per account *and client address*, never by locking the
account: whoever guesses from one address waits longer and longer (an exponential delay
after LOGIN_DELAY_AFTER failures, at most LOGIN_DELAY_MAX seconds) and then meets the
limiter's budgets (portrait.extensions.wrong_password_limit), while the owner, at another
address that has not been failing, logs in at once."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from flask import current_app, request

from portrait.errors import TooManyRequests, Unauthorized
from portrait.models.login_failure import LoginFailures

FORGET_AFTER = timedelta(hours=1)  # a pair quiet this long starts again from no failures


def _now() -> datetime:
    return datetime.now(UTC)


def address_key(ip: str) -> str:
    """The client address as limits see it: IPv6 by /64 (one subscriber usually holds a
    whole /64, so per-address keys would give them 2^64 budgets), IPv4 as it is."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _pair_id(account: str) -> str:
    address = address_key(request.remote_addr or "unknown")
    return hashlib.sha256(f"{account}\n{address}".encode()).hexdigest()


def delay_for(failures: int) -> int:
    """Seconds to wait after `failures` wrong passwords: 0 until LOGIN_DELAY_AFTER, then
    1, 2, 4, 8... capped at LOGIN_DELAY_MAX."""
    config = current_app.config
    over = failures - config["LOGIN_DELAY_AFTER"]
    if over < 0:
        return 0
    return min(2 ** min(over, 30), config["LOGIN_DELAY_MAX"])


def check(*, account: str) -> None:
    """429 (Retry-After) while this client must still wait before trying `account` again."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    now = _now()
    state = LoginFailures.objects(id=_pair_id(account), expires_at__gt=now).first()
    if state is None:
        return
    last_at = state.last_at if state.last_at.tzinfo else state.last_at.replace(tzinfo=UTC)
    wait = last_at + timedelta(seconds=delay_for(state.count)) - now
    if wait.total_seconds() > 0:
        raise TooManyRequests(
            "Too many wrong passwords from this address; wait before trying again.",
            retry_after=max(1, int(wait.total_seconds() + 0.999)),
        )


def failed(*, account: str) -> None:
    now = _now()
    LoginFailures.objects(id=_pair_id(account), expires_at__lte=now).delete()  # forgotten
    LoginFailures.objects(id=_pair_id(account)).update_one(
        upsert=True, inc__count=1, set__last_at=now, set__expires_at=now + FORGET_AFTER
    )


def succeeded(*, account: str) -> None:
    """The right password: this client starts again with no failures."""
    LoginFailures.objects(id=_pair_id(account)).delete()


@contextmanager
def guarding(*, account: str) -> Iterator[None]:
    """Around a password check for `account`: refused while this client must wait, a 401
    inside counts as a failure, anything else clears this client's failures."""
    check(account=account)
    try:
        yield
    except Unauthorized:
        failed(account=account)
        raise
    succeeded(account=account)


def account_key(email_key: str) -> str:
    """The limiter's and the delay's name for an account (known or not)."""
    return f"account:{email_key}"
