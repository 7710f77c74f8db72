"""The Redis Stream sink: every event XADDed to EVENTS_REDIS_STREAM (approximately capped at
EVENTS_REDIS_MAXLEN), for internal consumers with consumer groups. Redis down: the delivery
stays pending and is retried like a webhook's, so events wait and flow when it returns."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import redis

from portrait.events.webhooks import Outcome

_clients: dict[str, redis.Redis] = {}
TIMEOUT_SECONDS = 3


def _client(url: str) -> redis.Redis:
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
    return _clients[url]


def publish(config: Mapping[str, Any], envelope: dict) -> Outcome:
    started = time.monotonic()
    fields = {
        "id": envelope["id"],
        "type": envelope["type"],
        "subject": envelope["subject"],
        "event": json.dumps(envelope, separators=(",", ":"), sort_keys=True),
    }
    try:
        _client(config["EVENTS_REDIS_URL"]).xadd(
            config["EVENTS_REDIS_STREAM"],
            fields,
            maxlen=config["EVENTS_REDIS_MAXLEN"],
            approximate=True,
        )
    except redis.RedisError as exc:
        return Outcome(ok=False, error=f"redis: {type(exc).__name__}")
    return Outcome(ok=True, ms=int((time.monotonic() - started) * 1000))
