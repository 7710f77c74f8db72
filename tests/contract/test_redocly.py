"""Redocly's recommended ruleset finds no error in the document the API serves."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.contract.conftest import TOOLS, tool

pytestmark = pytest.mark.contract

# The probes take no input (no body, query or header is read), so they have no 4XX to
# document; these are the only warnings accepted.
ACCEPTED_WARNINGS = {
    ("operation-4xx-response", "#/paths/~1healthz/get/responses"),
    ("operation-4xx-response", "#/paths/~1readyz/get/responses"),
}


def test_recommended_ruleset_reports_no_errors(document):
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    command = [str(tool("redocly")), "lint", "--config", str(TOOLS / "redocly.yaml")]
    run = subprocess.run(
        [*command, "--format", "json", str(document)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    report = json.loads(run.stdout)
    problems = [
        (p["severity"], p["ruleId"], p["location"][0]["pointer"], p["message"])
        for p in report["problems"]
    ]
    assert report["totals"]["errors"] == 0, problems
    warnings = {(rule, pointer) for severity, rule, pointer, _ in problems if severity == "warn"}
    assert warnings <= ACCEPTED_WARNINGS, problems
