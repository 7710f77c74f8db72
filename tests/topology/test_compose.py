"""docker-compose.yml, the Dockerfiles and the CI workflow: valid, and every file they name exists.

No Docker engine runs here, so the compose file is checked against the Compose Specification
schema and its references are followed by hand, as `docker compose build` would follow them.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import Config
from ruamel.yaml import YAML

from tests.topology import dockerfiles

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def load_yaml(path: Path) -> dict:
    return YAML(typ="safe", pure=True).load(path.read_text())


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_yaml(COMPOSE)


def built_services(compose: dict) -> list[tuple[str, Path, Path]]:
    out = []
    for name, service in compose["services"].items():
        if "build" in service:
            context = (ROOT / service["build"]["context"]).resolve()
            out.append((name, context, context / service["build"]["dockerfile"]))
    return out


def seconds(value: str) -> float:
    units = {"s": 1, "m": 60}
    return sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)([sm])", value))


@pytest.mark.parametrize(
    ("schema", "path"),
    [("vendor.compose-spec", COMPOSE)] + [("vendor.github-workflows", w) for w in WORKFLOWS],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_validates_against_its_schema(schema, path):
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_one_test_command_and_builds_every_image(compose):
    workflow = load_yaml(ROOT / ".github" / "workflows" / "ci.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "./scripts/test" in runs
    images = workflow["jobs"]["images"]
    assert set(images["strategy"]["matrix"]["service"]) == {n for n, *_ in built_services(compose)}
    build = next(s for s in images["steps"] if s.get("uses", "").startswith("docker/build-push"))
    for service in images["strategy"]["matrix"]["service"]:
        dockerfile = build["with"]["file"].replace("${{ matrix.service }}", service)
        assert (ROOT / build["with"]["context"] / dockerfile).is_file()


def test_the_services_and_their_start_order(compose):
    services = compose["services"]
    assert set(services) == {"mongo", "models", "api", "web", "events", "redis", "mailpit"}
    assert re.fullmatch(r"mongo:[78](\.\d+)*", services["mongo"]["image"])
    assert services["api"]["depends_on"] == {
        "mongo": {"condition": "service_healthy"},
        "models": {"condition": "service_healthy"},
    }
    assert services["web"]["depends_on"] == {"api": {"condition": "service_healthy"}}
    for name in ("mongo", "models", "api", "web"):
        assert services[name]["healthcheck"]["test"][0] == "CMD", name
    assert "/readyz" in " ".join(services["models"]["healthcheck"]["test"])
    # The dispatcher runs the API's image, after the API made the indexes.
    assert services["events"]["image"] == services["api"]["image"]
    assert services["events"]["command"] == ["python", "-m", "portrait.events"]
    assert services["events"]["depends_on"]["api"] == {"condition": "service_healthy"}
    assert services["redis"]["healthcheck"]["test"][0] == "CMD"
    # Only the web server is reachable from outside; staging's web inbox from this host.
    assert [n for n, s in services.items() if "ports" in s] == ["mailpit", "web"]
    assert all(port.startswith("127.0.0.1:") for port in services["mailpit"]["ports"])
    assert services["api"]["environment"]["SMTP_URL"] == "${SMTP_URL:-smtp://mailpit:1025}"


def test_mongo_keeps_its_data_in_a_named_volume(compose):
    volume, _, target = compose["services"]["mongo"]["volumes"][0].partition(":")
    assert target == "/data/db"
    assert volume in compose["volumes"]


def test_every_build_context_dockerfile_and_copied_file_exists(compose):
    assert built_services(compose), "no service is built from this repository"
    for name, context, dockerfile in built_services(compose):
        assert context.is_dir(), name
        assert dockerfile.is_file(), name
        ignore = dockerfiles.ignore_patterns(dockerfile, context)
        for stage in dockerfiles.parse(dockerfile):
            for source in (s for copy in stage.copies for s in copy):
                assert (context / source).exists(), f"{name}: COPY {source} does not exist"
                sent = dockerfiles.sent_files(context, source, ignore)
                assert sent, f"{name}: the .dockerignore excludes all of COPY {source}"
                for manifest in dockerfiles.MANIFESTS:
                    if (context / source / manifest).is_file():
                        assert f"{source.rstrip('/')}/{manifest}" in sent, (name, manifest)


def test_images_run_as_an_unprivileged_user(compose):
    for name, _context, dockerfile in built_services(compose):
        final = dockerfiles.parse(dockerfile)[-1]
        assert final.user and final.user.split(":")[0] not in {"root", "0"}, name


def test_nginx_includes_only_files_the_web_image_ships():
    conf = (ROOT / "docker" / "web" / "nginx.conf").read_text()
    copied = {
        Path(s).name
        for stage in dockerfiles.parse(ROOT / "docker" / "web" / "Dockerfile")
        for copy in stage.copies
        for s in copy
    }
    includes = re.findall(r"include\s+/etc/nginx/snippets/([\w.-]+);", conf)
    assert includes
    for snippet in includes:
        assert snippet in copied and (ROOT / "docker" / "web" / snippet).is_file(), snippet


def load_gunicorn(path: Path, env: dict[str, str], monkeypatch) -> Config:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    cfg = Config()
    namespace: dict = {"__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # as gunicorn does
    for key, value in namespace.items():
        if key in cfg.settings:
            cfg.set(key, value)
    return cfg


def test_api_gunicorn_threads_for_io_and_shuts_down_within_the_grace_period(compose, monkeypatch):
    api = compose["services"]["api"]
    env = {k: str(v) for k, v in api["environment"].items() if "${" not in str(v)}
    cfg = load_gunicorn(ROOT / "docker" / "api" / "gunicorn.conf.py", env, monkeypatch)
    assert cfg.worker_class_str == "gthread" and cfg.threads > 1
    assert cfg.workers >= 2 and not cfg.preload_app
    assert cfg.accesslog == "-"
    # compose must wait longer than gunicorn's graceful shutdown before it sends SIGKILL.
    assert cfg.graceful_timeout < seconds(api["stop_grace_period"])
    assert cfg.timeout > 0


def test_models_gunicorn_uses_processes_for_cpu_work(compose, monkeypatch):
    models = compose["services"]["models"]
    env = {k: str(v) for k, v in models["environment"].items() if "${" not in str(v)}
    monkeypatch.setenv("MODELS_WORKERS", "2")
    cfg = load_gunicorn(ROOT / "backend" / "portrait_models" / "gunicorn.conf.py", env, monkeypatch)
    assert cfg.worker_class_str == "sync" and cfg.threads == 1 and cfg.workers == 2
    assert not cfg.preload_app  # each worker builds its own ONNX session after the fork
    assert cfg.graceful_timeout < seconds(models["stop_grace_period"])
    assert cfg.bind == ["0.0.0.0:8001"]


def test_models_worker_timeout_is_its_own_setting_not_the_apis_models_timeout(monkeypatch):
    # MODELS_TIMEOUT is how long the API waits for the model service (seconds); one shared
    # environment (.env) setting it low must not make gunicorn kill busy model workers.
    conf = ROOT / "backend" / "portrait_models" / "gunicorn.conf.py"
    monkeypatch.delenv("MODELS_WORKER_TIMEOUT", raising=False)
    assert load_gunicorn(conf, {"MODELS_TIMEOUT": "2"}, monkeypatch).timeout == 30
    assert load_gunicorn(conf, {"MODELS_WORKER_TIMEOUT": "45"}, monkeypatch).timeout == 45
