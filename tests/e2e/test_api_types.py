"""The web app's API types are generated from the API's OpenAPI document (`npm run gen:api`
in frontend/ writes src/api/openapi.json and src/api/schema.d.ts). These tests fail when the
API changed and the generated files were not regenerated, so the app and the API cannot drift.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
GENERATOR = FRONTEND / "node_modules" / ".bin" / "openapi-typescript"
STALE = "stale: run `npm run gen:api` in frontend/ and commit the result"


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_committed_openapi_document_matches_the_api(document):
    committed = json.loads((FRONTEND / "src/api/openapi.json").read_text())
    assert committed == document, f"frontend/src/api/openapi.json is {STALE}"


def test_generated_types_match_the_api(document, tmp_path):
    if not GENERATOR.exists():
        pytest.fail("frontend/node_modules is missing: run `npm ci` in frontend/ first")
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(document, indent=2))
    out = tmp_path / "schema.d.ts"
    subprocess.run(
        [str(GENERATOR), str(source), "-o", str(out)],
        cwd=FRONTEND,
        check=True,
        capture_output=True,
        timeout=120,
    )
    committed = (FRONTEND / "src/api/schema.d.ts").read_text()
    assert out.read_text() == committed, f"frontend/src/api/schema.d.ts is {STALE}"
