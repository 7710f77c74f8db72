"""The dispatcher: relays outboxes, then delivers what is due, at least once and in order
per user and sink.

Claiming is one conditional update (pending, and no live lease) that sets a lease: two
dispatchers never deliver the same event at the same time; one that dies mid-delivery loses
its lease when it expires and another delivers again (same event id: receivers de-duplicate).
Order: only the lowest pending `seq` of a (sink, user) is ever a candidate, so a later event
of that user waits while an earlier one is in flight or waiting for its retry.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import requests
from flask import Flask
from pymongo.errors import PyMongoError

from portrait.db import embedded_lock
from portrait.events import relay, webhooks
from portrait.events.health import lag
from portrait.events.models import (
    DELIVERED,
    FAILED,
    PENDING,
    REDIS_SINK,
    STOPPED,
    Delivery,
    EventRecord,
    WebhookEndpoint,
)
from portrait.events.webhooks import Outcome
from portrait.models.base import utcnow

log = logging.getLogger(__name__)

SCAN_LIMIT = 500
LOG_ENTRIES = 20  # attempts kept per delivery
MAX_BACKOFF = timedelta(hours=1)
CHAIN_LIMIT = 100  # deliveries of one (sink, user) per pass, so others get their turn
METRICS_EVERY = 60.0  # seconds between metrics lines


class Dispatcher:
    def __init__(self, app: Flask, *, owner: str | None = None) -> None:
        self.app = app
        self.owner = owner or uuid.uuid4().hex
        self.config = app.config
        self._endpoints: dict[str, WebhookEndpoint | None] = {}  # read once per pass
        self._http = requests.Session()  # keep-alive to receivers

    def run(self, stop: threading.Event) -> None:
        """Works until `stop` is set; a database outage is waited out, never fatal."""
        log.info("event dispatcher %s started", self.owner)
        reported = 0.0
        while not stop.is_set():
            try:
                with self.app.app_context(), embedded_lock(self.app):
                    busy = self.step()
                    if time.monotonic() - reported >= METRICS_EVERY:
                        reported = time.monotonic()
                        self._report()
            except PyMongoError as exc:
                log.warning("database unavailable, retrying: %s", exc)
                busy = 0
            if not busy:
                stop.wait(self.config["EVENTS_POLL_SECONDS"])

    @staticmethod
    def _report() -> None:
        """The metrics line: how far behind delivery is (the oldest pending delivery)."""
        log.info("events: %s", " ".join(f"{name}={value}" for name, value in lag().items()))

    def step(self) -> int:
        """One pass: relay every pending outbox, then deliver each due head; how much moved."""
        self._endpoints.clear()
        moved = sum(relay.relay_user(user_id) for user_id in relay.pending_users())
        sent = 0
        for row in self._due_heads():
            sent += self._deliver_in_turn(row)
        return moved + sent

    def _deliver_in_turn(self, row: dict[str, Any] | None) -> int:
        """Delivers a head, then while each succeeds the next of the same (sink, user): a
        busy user's events go out in one pass, not one per pass."""
        sent = 0
        while row is not None and sent < CHAIN_LIMIT and self._claim(row):
            if not self._deliver(row):
                return sent + 1  # it waits for a retry: so do the later ones
            sent += 1
            key = {"sink": row["sink"], "subject": row["subject"], "status": PENDING}
            row = Delivery._get_collection().find_one(key, sort=[("seq", 1)])
            if row is not None and not self._is_due(row, utcnow()):
                row = None
        return sent

    @staticmethod
    def _is_due(row: dict[str, Any], now) -> bool:
        lease = row.get("lease_until")
        return row["next_at"] <= now and (lease is None or lease < now)

    def _due_heads(self) -> list[dict[str, Any]]:
        rows = Delivery._get_collection().find({"status": PENDING})
        rows = rows.sort([("sink", 1), ("subject", 1), ("seq", 1)]).limit(SCAN_LIMIT)
        now, seen, due = utcnow(), set(), []
        for row in rows:
            key = (row["sink"], row["subject"])
            if key in seen:
                continue  # a later event of this user for this sink: it waits its turn
            seen.add(key)
            if self._is_due(row, now):
                due.append(row)
        return due

    def _claim(self, row: dict[str, Any]) -> bool:
        now = utcnow()
        lease = now + timedelta(seconds=self.config["EVENTS_LEASE_SECONDS"])
        claimed = Delivery._get_collection().update_one(
            {
                "_id": row["_id"],
                "status": PENDING,
                "$or": [{"lease_until": None}, {"lease_until": {"$lt": now}}],
            },
            {"$set": {"lease_until": lease, "lease_owner": self.owner}},
        )
        return claimed.modified_count == 1

    def _deliver(self, row: dict[str, Any]) -> bool:
        """Sends and records one claimed delivery; whether it is settled (not to retry)."""
        record = EventRecord._get_collection().find_one({"_id": row["event_id"]})
        outcome = self._send(row["sink"], record["envelope"])
        return self._record(row, outcome)

    def _send(self, sink: str, envelope: dict) -> Outcome:
        if sink == REDIS_SINK:
            from portrait.events import broker  # redis is imported only when configured

            return broker.publish(self.config, envelope)
        if sink not in self._endpoints:
            self._endpoints[sink] = WebhookEndpoint.objects(id=sink).first()
        endpoint = self._endpoints[sink]
        if endpoint is None or not endpoint.active:
            return Outcome(ok=False, status=410, error="endpoint removed or disabled")
        return webhooks.deliver(
            url=endpoint.url,
            secret=endpoint.secret,
            envelope=envelope,
            timeout=self.config["WEBHOOKS_TIMEOUT"],
            allow_private=self.config["WEBHOOKS_ALLOW_PRIVATE"],
            session=self._http,
        )

    def _record(self, row: dict[str, Any], outcome: Outcome) -> bool:
        now, attempts = utcnow(), row.get("attempts", 0) + 1
        entry = {"at": now, "status": outcome.status, "error": outcome.error}
        entry |= {"excerpt": outcome.excerpt, "ms": outcome.ms}
        fields: dict[str, Any] = {"attempts": attempts, "lease_until": None}
        fields["log"] = ([*row.get("log", []), entry])[-LOG_ENTRIES:]
        if outcome.ok:
            fields |= {"status": DELIVERED, "delivered_at": now}
        elif outcome.gone:
            fields["status"] = STOPPED
            self._mark_endpoint(row["sink"], active=False, disabled_reason="410 Gone")
        elif now - row["created_at"] >= timedelta(hours=self.config["WEBHOOKS_RETRY_HOURS"]):
            fields["status"] = FAILED  # kept for manual redelivery
            self._mark_endpoint(row["sink"], failing=True)
        else:
            fields["next_at"] = now + backoff(attempts, self.config["EVENTS_RETRY_BASE_SECONDS"])
        Delivery._get_collection().update_one(
            {"_id": row["_id"], "lease_owner": self.owner}, {"$set": fields}
        )
        return fields.get("status", PENDING) != PENDING

    def _mark_endpoint(self, sink: str, **fields: Any) -> None:
        self._endpoints.pop(sink, None)  # read again: a switched-off endpoint gets nothing more
        if sink != REDIS_SINK:
            WebhookEndpoint.objects(id=sink).update_one(
                **{f"set__{k}": v for k, v in fields.items()}
            )


def run_until_signalled(app: Flask) -> None:
    """Runs a dispatcher in this process until SIGTERM or SIGINT (after the current step)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Dispatcher(app).run(stop)
    log.info("event dispatcher stopped")


def backoff(attempts: int, base: float) -> timedelta:
    """Exponential (base, 2 base, 4 base ...) up to an hour, with jitter: 50-100 % of it, so
    receivers coming back are not hit by every retry at once."""
    delay = min(timedelta(seconds=base * 2 ** (attempts - 1)), MAX_BACKOFF)
    return delay * random.uniform(0.5, 1.0)
