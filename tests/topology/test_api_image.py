"""The API image installs only the locked base dependencies (docker/api/Dockerfile:
backend/requirements/api.txt, no `models` or `memory` extra), so the API must start and serve
without any of the model service's libraries and without mongomock."""

import subprocess
import sys
import tomllib
import uuid

import pytest

from tests.topology.servers import ROOT

MODEL_ONLY = ("numpy", "onnxruntime", "cv2", "nudenet", "skimage", "scipy")
NOT_IN_THE_IMAGE = (*MODEL_ONLY, "mongomock")

BLOCKER = f"""
import importlib.abc, sys

class NotInTheApiImage(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {NOT_IN_THE_IMAGE!r}:
            raise ImportError(name + " is not installed in the API image")

sys.meta_path.insert(0, NotInTheApiImage())
"""

PROBE = (
    BLOCKER
    + f"""
from portrait import create_app

app = create_app({{"PORTRAIT_ENV": "testing", "SECRET_KEY": "x" * 40, "MONGO_URI": sys.argv[1],
                  "WEB_DIST": "/nonexistent", "ARGON2_MEMORY_KIB": 8, "ARGON2_TIME_COST": 1,
                  "ARGON2_PARALLELISM": 1}})
client = app.test_client()
signup = client.post("/api/v1/auth/signup", json={{"email": "img@example.com",
    "password": "correct horse battery staple", "handle": "image", "display_name": "Img"}})
assert signup.status_code == 201, signup.get_json()
assert client.get("/api/v1/openapi.json").status_code == 200
loaded = sorted(m for m in list(sys.modules) if m.split(".")[0] in {NOT_IN_THE_IMAGE!r})
assert not loaded, loaded
"""
)


def test_base_dependencies_carry_no_model_library():
    project = tomllib.loads((ROOT / "backend" / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"]).lower()
    for name in ("numpy", "onnxruntime", "opencv", "nudenet", "scikit-image", "mongomock"):
        assert name not in base


@pytest.mark.slow
def test_the_api_starts_and_serves_without_model_libraries_or_mongomock(mongo_port):
    uri = f"mongodb://127.0.0.1:{mongo_port}/api_image_{uuid.uuid4().hex[:8]}"
    result = subprocess.run([sys.executable, "-c", PROBE, uri], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_without_mongomock_a_start_with_no_mongo_uri_says_what_is_missing():
    probe = BLOCKER + (
        "from portrait import create_app\n"
        "from portrait.config import ConfigError\n"
        "try:\n"
        "    create_app({'PORTRAIT_ENV': 'development', 'SECRET_KEY': 'x' * 40})\n"
        "except ConfigError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "the in-memory store is not installed" in result.stdout
    assert "set MONGO_URI" in result.stdout
