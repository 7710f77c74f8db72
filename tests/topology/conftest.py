"""One FerretDB server (scripts/mongo-server) shared by the topology tests of a session."""

import pytest

from tests.topology.servers import mongo_server


@pytest.fixture(scope="session")
def mongo_port(tmp_path_factory) -> int:
    with mongo_server(tmp_path_factory.mktemp("ferretdb")) as port:
        yield port
