"""Client-contract fixtures: the OpenAPI document, clients generated from it by the pinned
generators (tools/contract; scripts/test installs them), and the real API to drive.

Two APIs run as `python -m portrait` on free loopback ports, on the embedded store: one with
the real model service (NudeNet + smart crop), one whose stand-in model service calls every
photo explicit (tests/e2e/standin_models.py), so a refusal can be decoded into `Problem`.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from portrait import create_app
from tests.e2e import standin_models
from tests.topology.servers import api_process, free_port

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "contract"
GENERATOR_VERSION = json.loads((TOOLS / "package.json").read_text())["config"]["openapi_generator"]
GENERATOR_JAR = ROOT / ".cache" / "contract" / f"openapi-generator-cli-{GENERATOR_VERSION}.jar"
INSTALL_HINT = "run ./scripts/test, or `source scripts/lib/common.sh && ensure_contract_tools`"
GENERATORS = ("typescript-fetch", "kotlin", "swift5")
READY_TIMEOUT_S = 120  # the model service loads NudeNet and the cascades first
# Every test here signs up several accounts from one address.
LOOSE_LIMITS = {name: "10000 per minute" for name in ("RATELIMIT_SIGNUP", "RATELIMIT_LOGIN")}


def tool(name: str) -> Path:
    path = TOOLS / "node_modules" / ".bin" / name
    if not path.exists():
        pytest.fail(f"{path} is missing: {INSTALL_HINT}")
    return path


@pytest.fixture(scope="session")
def document(tmp_path_factory) -> Path:
    """The OpenAPI document exactly as the API serves it, in a file for the generators."""
    app = create_app({"PORTRAIT_ENV": "testing", "SECRET_KEY": "contract-" + "x" * 40})
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    path = tmp_path_factory.mktemp("contract") / "openapi.json"
    path.write_text(json.dumps(response.get_json(), indent=2))
    return path


def _generate(document: Path, out: Path) -> dict[str, Path]:
    """typescript-fetch, kotlin and swift5 clients from openapi-generator-cli, in one JVM."""
    configs = []
    for name in GENERATORS:
        config = out / f"{name}.json"
        settings = {"generatorName": name, "inputSpec": str(document), "outputDir": str(out / name)}
        config.write_text(json.dumps(settings))
        configs.append(str(config))
    command = ["java", "-jar", str(GENERATOR_JAR), "batch", "--fail-fast", *configs]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=out)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return {name: out / name for name in GENERATORS}


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"{url} not ready after {READY_TIMEOUT_S} s")


def _serve(module: str, log: Path, **env: str):
    """`python -m <module>` on a free loopback port (the embedded store for the API)."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "MONGO_URI"}
    argv = [sys.executable, "-m", module, "--host", "127.0.0.1", "--port", str(port)]
    return api_process(argv, {**environment, **env}, port, log, graceful=False)


def _api_env(models_url: str) -> dict[str, str]:
    env = {"PORTRAIT_ENV": "development", "MODELS_URL": models_url, "LOG_LEVEL": "WARNING"}
    return {**env, **LOOSE_LIMITS}


@dataclass
class Started:
    generation: Future  # of _generate's result
    urls: dict[str, str]


@pytest.fixture(scope="session", autouse=True)
def started(document, tmp_path_factory) -> Iterator[Started]:
    """What takes the suite's time starts at once: the generators' JVM in the background and
    three servers (the real model service loading NudeNet, the API using it, and the API
    whose stand-in model service refuses everything). Each fixture below waits for its part."""
    if not GENERATOR_JAR.exists():
        pytest.fail(f"{GENERATOR_JAR} is missing: {INSTALL_HINT}")
    logs = tmp_path_factory.mktemp("contract-logs")
    standin = make_server("127.0.0.1", 0, standin_models.create_app(), threaded=True)
    with ThreadPoolExecutor(2) as pool, contextlib.ExitStack() as stack:
        generation = pool.submit(_generate, document, tmp_path_factory.mktemp("generated"))
        pool.submit(standin.serve_forever)
        stack.callback(standin.shutdown)  # closed last, after the API using it
        refusing_env = _api_env(f"http://127.0.0.1:{standin.server_port}")
        refusing = stack.enter_context(_serve("portrait", logs / "refusing.log", **refusing_env))
        models = stack.enter_context(_serve("portrait_models", logs / "models.log"))
        api = stack.enter_context(_serve("portrait", logs / "api.log", **_api_env(str(models))))
        yield Started(generation, {"models": models, "api": api, "refusing": refusing})


@pytest.fixture(scope="session")
def generated(started) -> dict[str, Path]:
    return started.generation.result(timeout=300)


@pytest.fixture(scope="session")
def api_url(started) -> str:
    """The API with the real model service, as ./scripts/dev runs them."""
    _wait_ready(started.urls["models"] + "/readyz")
    _wait_ready(started.urls["api"] + "/healthz")
    return str(started.urls["api"])


@pytest.fixture(scope="session")
def refusing_api_url(started) -> str:
    """The API whose model service calls every photo explicit."""
    _wait_ready(started.urls["refusing"] + "/healthz")
    return str(started.urls["refusing"])
