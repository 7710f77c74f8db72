"""The Python lock (scripts/lock): backend/uv.lock and the hashed requirement sets exported
from it agree with each other and with backend/pyproject.toml, so `pip install
--require-hashes` of a set installs what the project asks for, the same on every machine."""

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.topology import dockerfiles
from tests.topology.servers import ROOT

BACKEND = ROOT / "backend"
SETS = {"api": (), "models": ("models",), "dev": ("models", "memory"), "test": None}
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)")


def locked_set(name: str) -> dict[str, tuple[Version, int]]:
    """{package: (version, number of hashes)} of backend/requirements/<name>.txt."""
    pins: dict[str, tuple[Version, int]] = {}
    current = None
    for line in (BACKEND / "requirements" / f"{name}.txt").read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = (Version(match[2]), 0)
        elif line.strip().startswith("--hash=sha256:") and current:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def project() -> dict:
    return tomllib.loads((BACKEND / "pyproject.toml").read_text())["project"]


def wanted(extras: tuple[str, ...] | None) -> list[Requirement]:
    groups = project()["optional-dependencies"]
    chosen = groups if extras is None else {e: groups[e] for e in extras}
    return [Requirement(r) for r in project()["dependencies"] + sum(chosen.values(), [])]


@pytest.mark.parametrize("name", SETS)
def test_every_package_of_a_set_is_pinned_with_its_hashes(name):
    pins = locked_set(name)
    assert pins
    assert not [package for package, (_, hashes) in pins.items() if hashes == 0]


@pytest.mark.parametrize(("name", "extras"), SETS.items())
def test_a_set_satisfies_what_pyproject_asks_for(name, extras):
    pins = locked_set(name)
    for requirement in wanted(extras):
        if requirement.marker and not requirement.marker.evaluate():
            continue
        package = canonicalize_name(requirement.name)
        assert package in pins, f"{name}.txt lacks {package}: run scripts/lock"
        assert requirement.specifier.contains(pins[package][0], prereleases=True), (
            f"{name}.txt pins {package}=={pins[package][0]}, pyproject wants {requirement}: "
            "run scripts/lock"
        )


@pytest.mark.parametrize("name", SETS)
def test_the_sets_are_exported_from_uv_lock(name):
    lock = tomllib.loads((BACKEND / "uv.lock").read_text())
    versions: dict[str, set[Version]] = {}
    for package in lock["package"]:
        versions.setdefault(canonicalize_name(package["name"]), set()).add(
            Version(package["version"])
        )
    for package, (version, _) in locked_set(name).items():
        assert version in versions.get(package, set()), f"{name}.txt: {package}=={version}"


def test_the_api_set_carries_neither_mongomock_nor_model_libraries():
    pins = locked_set("api")
    for package in ("mongomock", "numpy", "onnxruntime", "opencv-python-headless", "nudenet"):
        assert package not in pins
    assert "mongomock" in locked_set("dev")


@pytest.mark.parametrize(("image", "name"), [("api", "api"), ("models", "models")])
def test_each_image_installs_its_set_by_hash_and_then_only_the_project(image, name):
    dockerfile = ROOT / "docker" / image / "Dockerfile"
    runs = [
        line.split(maxsplit=1)[1]
        for line in dockerfile.read_text().replace("\\\n", " ").splitlines()
        if line.startswith("RUN ") and "pip install" in line
    ]
    assert runs == [
        f"/opt/venv/bin/pip install --require-hashes -r backend/requirements/{name}.txt",
        "/opt/venv/bin/pip install --no-deps ./backend",
    ]
    copied = [s for stage in dockerfiles.parse(dockerfile) for copy in stage.copies for s in copy]
    assert f"backend/requirements/{name}.txt" in copied
