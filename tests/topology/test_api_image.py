"""The API image installs only the base dependencies (docker/api/Dockerfile: `pip install
./backend`, no `models` extra), so the API must start and serve without any of the model
service's libraries."""

import subprocess
import sys
import tomllib

from tests.topology.servers import ROOT

MODEL_ONLY = ("numpy", "onnxruntime", "cv2", "nudenet", "skimage", "scipy")

PROBE = f"""
import importlib.abc, sys

class NotInTheApiImage(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {MODEL_ONLY!r}:
            raise ImportError(name + " is not installed in the API image")

sys.meta_path.insert(0, NotInTheApiImage())
from portrait import create_app

app = create_app({{"PORTRAIT_ENV": "testing", "SECRET_KEY": "x" * 40,
                  "WEB_DIST": "/nonexistent", "ARGON2_MEMORY_KIB": 8, "ARGON2_TIME_COST": 1,
                  "ARGON2_PARALLELISM": 1}})
client = app.test_client()
signup = client.post("/api/v1/auth/signup", json={{"email": "img@example.com",
    "password": "correct horse battery staple", "handle": "image", "display_name": "Img"}})
assert signup.status_code == 201, signup.get_json()
assert client.get("/api/v1/openapi.json").status_code == 200
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {MODEL_ONLY!r})
assert not loaded, loaded
"""


def test_base_dependencies_carry_no_model_library():
    project = tomllib.loads((ROOT / "backend" / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"]).lower()
    for name in ("numpy", "onnxruntime", "opencv", "nudenet", "scikit-image"):
        assert name not in base


def test_the_api_starts_and_serves_without_model_libraries():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
