"""scripts/mongo-server: a real MongoDB-wire server (FerretDB, SQLite) for tests and local runs."""

import subprocess
import threading

import pymongo
import pytest
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from tests.topology.servers import MONGO_SERVER, free_port, mongo_server

pytestmark = pytest.mark.slow


@pytest.fixture
def server(mongo_port):
    return mongo_port


def client(port: int) -> pymongo.MongoClient:
    return pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/", serverSelectionTimeoutMS=5000)


def test_speaks_the_mongodb_wire_protocol(server):
    with client(server) as c:
        col = c.portrait_test.things
        col.insert_one({"_id": "a", "n": 1})
        assert col.find_one({"_id": "a"}) == {"_id": "a", "n": 1}
        after = col.find_one_and_update(
            {"_id": "a"}, {"$inc": {"n": 2}}, return_document=ReturnDocument.AFTER
        )
        assert after["n"] == 3


def test_unique_index_rejects_duplicates(server):
    with client(server) as c:
        col = c.portrait_test.users
        col.create_index("email_key", unique=True)
        col.insert_one({"email_key": "ada@example.com"})
        with pytest.raises(DuplicateKeyError):
            col.insert_one({"email_key": "ada@example.com"})


def test_data_survives_a_server_restart(tmp_path):
    with mongo_server(tmp_path) as port, client(port) as c:
        c.portrait_test.users.insert_one({"_id": "kept", "handle": "ada"})
    with mongo_server(tmp_path) as port, client(port) as c:
        assert c.portrait_test.users.find_one({"_id": "kept"})["handle"] == "ada"


def test_a_second_server_on_the_same_data_is_refused_and_the_first_keeps_serving(tmp_path):
    with mongo_server(tmp_path) as port, client(port) as c:
        c.portrait_test.users.insert_one({"_id": "first"})
        second = subprocess.run(
            [str(MONGO_SERVER), "--port", str(free_port()), "--data", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode != 0
        assert f"{tmp_path} is in use by another mongo-server" in second.stderr
        assert c.portrait_test.users.find_one({"_id": "first"}) == {"_id": "first"}


def _race(port: int, work, threads: int = 4) -> list:
    """Runs work(collection) on `threads` connections at once; returns their results."""
    results = [None] * threads
    barrier = threading.Barrier(threads)

    def run(i):
        with client(port) as c:
            barrier.wait()
            results[i] = work(c.portrait_test.race)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def test_concurrent_increments_are_not_lost(server):
    # Plain FerretDB 1.x loses most of these (query-then-write outside a transaction).
    with client(server) as c:
        c.portrait_test.race.insert_one({"_id": "counter", "n": 0})

    def bump(col):
        for _ in range(50):
            col.find_one_and_update({"_id": "counter"}, {"$inc": {"n": 1}})

    _race(server, bump)
    with client(server) as c:
        assert c.portrait_test.race.find_one({"_id": "counter"})["n"] == 200


def test_a_conditional_update_has_exactly_one_winner(server):
    # The shape of refresh-token rotation: consume a token only if nobody consumed it yet.
    with client(server) as c:
        c.portrait_test.race.insert_many([{"_id": f"t{i}", "used": False} for i in range(40)])

    def consume(col):
        won = 0
        for i in range(40):
            if col.find_one_and_update({"_id": f"t{i}", "used": False}, {"$set": {"used": True}}):
                won += 1
        return won

    assert sum(_race(server, consume)) == 40
