"""./scripts/dev as a user runs it: with no MONGO_URI the data lives in its data directory
(FerretDB + SQLite) and is there after a restart; a second run on the same directory is
refused while the first one runs; Ctrl-C stops everything it started."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from pymongo import MongoClient

from portrait.events.webhooks import new_secret
from tests.events.receivers import receiver
from tests.topology.servers import FAST_ARGON2, ROOT, free_port
from tests.utils.factories import PASSWORD, signup_data
from tests.utils.waiting import wait_until

pytestmark = pytest.mark.slow

DEV = ROOT / "scripts" / "dev"
MONGO_SERVER = ROOT / "scripts" / "mongo-server"
# The first start may install the venv's packages and build the web app on a busy machine.
READY_DEADLINE = 900
slow_start = pytest.mark.timeout(2 * READY_DEADLINE)  # pytest.ini's 300 s is per test
STOP_DEADLINE = 60  # generous: Ctrl-C stops a run in about 2 s
STORE_VARS = ("MONGO_URI", "PORTRAIT_STORE", "PORTRAIT_DATA_DIR", "SECRET_KEY", "PORTRAIT_ENV")


def dev_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in STORE_VARS}
    return {
        **env,
        "PORT": str(free_port()),
        "MODELS_PORT": str(free_port()),
        "PORTRAIT_DATA_DIR": str(data_dir),
        "RATELIMIT_SIGNUP": "1000 per minute",
        **FAST_ARGON2,
        **extra,
    }


@dataclass
class DevRun:
    proc: subprocess.Popen
    log: Path
    base: str

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def wait_until_ready(run: DevRun) -> None:
    deadline = time.monotonic() + READY_DEADLINE
    while time.monotonic() < deadline:
        assert run.proc.poll() is None, f"./scripts/dev exited early:\n{run.output()}"
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{run.base}/readyz", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"./scripts/dev not ready within {READY_DEADLINE}s:\n{run.output()}")


def port_is_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _as_from_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it: a runner that started these tests as a background
    job passes SIGINT down ignored, and bash can neither trap nor undo a signal ignored when
    it starts (the in-memory run, whose processes all inherit it, then never stops)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def dev_run(env: dict[str, str], log: Path) -> Iterator[DevRun]:
    """Runs ./scripts/dev in its own process group until ready; at the end presses Ctrl-C
    (SIGINT to the group, as a terminal does) and checks that everything stopped."""
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(DEV)], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_as_from_a_terminal,
        )  # fmt: skip
    run = DevRun(proc, log, f"http://127.0.0.1:{env['PORT']}")
    try:
        wait_until_ready(run)
        yield run
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(STOP_DEADLINE)
        for port in (env["PORT"], env["MODELS_PORT"]):
            assert port_is_closed(int(port)), f"port {port} still open after Ctrl-C"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # only if a step above failed
        proc.wait()


def login(base: str, email: str) -> requests.Response:
    body = {"email": email, "password": PASSWORD}
    return requests.post(f"{base}/api/v1/auth/login", json=body, timeout=30)


@slow_start
def test_an_account_made_in_one_run_is_there_in_the_next(tmp_path):
    data, log = tmp_path / "data", tmp_path / "dev.log"
    account = signup_data()
    with dev_run(dev_env(data), log) as run:
        assert f"data in {data}/db (kept across restarts)" in run.output()
        signup = requests.post(f"{run.base}/api/v1/auth/signup", json=account, timeout=30)
        assert signup.status_code == 201, signup.text
    with dev_run(dev_env(data), log) as run:
        answer = login(run.base, account["email"])
        assert answer.status_code == 200, answer.text
        me = requests.get(
            f"{run.base}/api/v1/me",
            headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
            timeout=30,
        )
        assert me.json()["handle"] == account["handle"]


@slow_start
def test_a_second_run_on_the_same_data_is_refused_and_the_first_keeps_working(tmp_path):
    data = tmp_path / "data"
    account = signup_data()
    with dev_run(dev_env(data), tmp_path / "first.log") as first:
        signup = requests.post(f"{first.base}/api/v1/auth/signup", json=account, timeout=30)
        assert signup.status_code == 201, signup.text
        second = subprocess.run(
            [str(DEV)], env=dev_env(data), capture_output=True, text=True, timeout=300
        )
        assert second.returncode != 0
        assert f"{data} is in use by another ./scripts/dev (pid {first.proc.pid})" in second.stderr
        assert requests.get(f"{first.base}/readyz", timeout=30).status_code == 200
        assert login(first.base, account["email"]).status_code == 200


@slow_start
def test_without_go_it_warns_and_runs_on_the_in_memory_store(tmp_path):
    # An empty build cache: the server must be built, and GO names no toolchain.
    missing = {"MONGO_SERVER_CACHE": str(tmp_path / "cache"), "GO": str(tmp_path / "no-go")}
    data = tmp_path / "data"
    with dev_run(dev_env(data, **missing), tmp_path / "dev.log") as run:
        output = run.output()
        assert "Go is not installed" in output and "Data is NOT persistent" in output
        assert "store: in memory (mongomock)" in output
        signup = requests.post(f"{run.base}/api/v1/auth/signup", json=signup_data(), timeout=30)
        assert signup.status_code == 201, signup.text
    assert not (data / "db").exists()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"PORTRAIT_STORE": "memory", "MONGO_URI": "mongodb://127.0.0.1:9/"}, "unset one of them"),
        ({"PORTRAIT_STORE": "mongo"}, "PORTRAIT_STORE=mongo needs MONGO_URI"),
        ({"PORTRAIT_STORE": "sqlite"}, "PORTRAIT_STORE must be embedded, memory or mongo"),
    ],
)
def test_contradictory_store_settings_stop_the_start_with_a_clear_message(
    tmp_path, settings, message
):
    env = dev_env(tmp_path / "data", **settings)
    result = subprocess.run([str(DEV)], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "data").exists()


def test_mongo_server_says_go_is_needed_when_it_must_build_without_go(tmp_path):
    result = subprocess.run(
        [str(MONGO_SERVER), "--build-only"],
        env={**os.environ, "MONGO_SERVER_CACHE": str(tmp_path), "GO": str(tmp_path / "no-go")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert "Go 1.24+ is needed to build FerretDB" in result.stderr


@slow_start
def test_scripts_flask_reaches_the_running_embedded_database(tmp_path):
    """The operator's one command for the embedded run: a role given with scripts/flask while
    ./scripts/dev runs is the role the API reports; after Ctrl-C the pointer file is gone."""
    data, log = tmp_path / "data", tmp_path / "dev.log"
    env, account = dev_env(data), signup_data()
    with dev_run(env, log) as run:
        signup = requests.post(f"{run.base}/api/v1/auth/signup", json=account, timeout=30)
        assert signup.status_code == 201, signup.text
        granted = subprocess.run(
            [str(ROOT / "scripts" / "flask"), "users", "set-role", account["email"], "moderator"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert granted.returncode == 0, granted.stdout + granted.stderr
        token = signup.json()["access_token"]
        me = requests.get(
            f"{run.base}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert me.json()["role"] == "moderator"
    assert not (data / "mongo-uri").exists()


@slow_start
def test_the_dispatcher_runs_beside_the_api_and_delivers_a_sign_up(tmp_path):
    data, log = tmp_path / "data", tmp_path / "dev.log"
    env = dev_env(data, WEBHOOKS_ALLOW_PRIVATE="true", EVENTS_POLL_SECONDS="0.2")
    account = signup_data()
    with receiver() as hook, dev_run(env, log) as run:
        assert "event dispatcher" in run.output()
        uri = re.search(r"FerretDB \(SQLite\) at (mongodb://[^\s,]+)", run.output()).group(1)
        with MongoClient(uri) as client:  # as an admin's POST /admin/webhooks would store it
            client.get_default_database()["webhook_endpoints"].insert_one(
                {"url": hook.url, "secret": new_secret(), "event_types": [], "active": True}
            )
        signup = requests.post(f"{run.base}/api/v1/auth/signup", json=account, timeout=30)
        assert signup.status_code == 201, signup.text
        wait_until(lambda: hook.received, "the dispatcher to deliver user.created", timeout=120)
    [event] = hook.received
    assert event["type"] == "portrait.user.created"
    assert event["data"]["handle"] == account["handle"]
