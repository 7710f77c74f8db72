"""portrait.ratelimit_store on a real MongoDB-wire server: counters every worker shares."""

import threading
import time
import uuid

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from portrait.ratelimit_store import MongoCounterStorage
from tests.utils.waiting import wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def storage(mongo_port):
    db = f"limits_{uuid.uuid4().hex[:8]}"
    storage = storage_from_string(f"portrait+mongodb://127.0.0.1:{mongo_port}/{db}")
    yield storage
    storage.close()


def test_the_portrait_prefix_selects_this_storage(storage):
    assert isinstance(storage, MongoCounterStorage)


def test_counts_within_a_window_and_starts_a_new_one_after_it(storage):
    # A window long enough for three calls on a busy machine, short enough to wait out.
    assert [storage.incr("k", expiry=3) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3
    ends = storage.get_expiry("k")
    assert ends > time.time()
    wait_until(lambda: time.time() > ends + 0.05, "the end of the window", every=0.1)
    assert storage.get("k") == 0
    assert storage.incr("k", expiry=3) == 1


def test_a_limit_holds_for_clients_racing_on_separate_connections(mongo_port):
    # Separate storages = separate MongoClients, as in separate gunicorn workers.
    db = f"limits_{uuid.uuid4().hex[:8]}"
    limiters = [
        FixedWindowRateLimiter(
            storage_from_string(f"portrait+mongodb://127.0.0.1:{mongo_port}/{db}")
        )
        for _ in range(4)
    ]
    limit = parse("25 per minute")
    granted = [0] * len(limiters)

    def hammer(i):
        for _ in range(20):
            granted[i] += limiters[i].hit(limit, "login", "203.0.113.9")

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(len(limiters))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for limiter in limiters:
        limiter.storage.close()
    assert sum(granted) == 25


def test_clear_and_reset(storage):
    storage.incr("a", expiry=60)
    storage.incr("b", expiry=60, amount=2)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 2
    assert storage.reset() == 1
    assert storage.check()
