"""scripts/audit's verdict (scripts/lib/audit.py): fail on a known vulnerability that has a fix,
report the ones without, and never pass when something could not be audited."""

import importlib.util
import json

import pytest
from ruamel.yaml import YAML

from tests.topology.servers import ROOT

spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "lib" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN_NPM = {"auditReportVersion": 2, "vulnerabilities": {}}


def pip_report(*vulns, skipped=()):
    deps = [{"name": "flask", "version": "3.1.0", "vulns": list(vulns)}]
    deps += [{"name": n, "skip_reason": f"could not be audited: {n}"} for n in skipped]
    return {"dependencies": deps, "fixes": []}


def verdict(tmp_path, python, npm=CLEAN_NPM):
    (tmp_path / "py.json").write_text(json.dumps(python))
    (tmp_path / "npm.json").write_text(json.dumps(npm))
    return audit.main(["report", str(tmp_path / "py.json"), str(tmp_path / "npm.json")])


def test_a_clean_audit_passes(tmp_path, capsys):
    assert verdict(tmp_path, pip_report()) == 0
    assert "no known vulnerability with a fix" in capsys.readouterr().err


def test_a_vulnerability_with_a_fix_fails_and_says_which(tmp_path, capsys):
    vuln = {"id": "GHSA-xxxx", "fix_versions": ["3.1.1"], "aliases": ["CVE-2026-1"]}
    assert verdict(tmp_path, pip_report(vuln)) == 1
    assert "flask 3.1.0: GHSA-xxxx CVE-2026-1 (fixed in 3.1.1)" in capsys.readouterr().err


def test_a_vulnerability_without_a_fix_is_reported_but_passes(tmp_path, capsys):
    assert verdict(tmp_path, pip_report({"id": "PYSEC-1", "fix_versions": []})) == 0
    assert "flask 3.1.0: PYSEC-1 (no fixed version yet)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("python", "npm"),
    [
        (pip_report(skipped=["pillow"]), CLEAN_NPM),
        (pip_report(), {"message": "405 Method Not Allowed"}),
        ({}, CLEAN_NPM),  # pip-audit wrote nothing
    ],
    ids=["package-skipped", "npm-unreachable", "empty-report"],
)
def test_what_could_not_be_audited_is_not_a_pass(tmp_path, capsys, python, npm):
    assert verdict(tmp_path, python, npm) == 2
    assert "audit INCOMPLETE" in capsys.readouterr().err


def test_an_npm_vulnerability_with_a_fix_fails(tmp_path, capsys):
    vue = {"range": "<3.5.1", "severity": "high", "fixAvailable": True}
    npm = {"vulnerabilities": {"vue": vue}}
    assert verdict(tmp_path, pip_report(), npm) == 1
    assert "vue <3.5.1: high" in capsys.readouterr().err


def test_every_pinned_version_is_audited_whatever_its_markers(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text(
        "numpy==2.4.6 ; python_full_version < '3.12' \\\n    --hash=sha256:aa\n"
        "numpy==2.5.5 ; python_full_version >= '3.12' \\\n    --hash=sha256:bb\n"
        "flask==3.1.3 \\\n    --hash=sha256:cc\n"
    )
    files = audit.write_pins(lock, tmp_path)
    assert [f.read_text() for f in files] == ["flask==3.1.3\nnumpy==2.4.6\n", "numpy==2.5.5\n"]


def test_ci_audits_weekly_and_when_a_lock_changes_but_the_test_command_does_not():
    workflow = YAML(typ="safe", pure=True).load((ROOT / ".github/workflows/audit.yml").read_text())
    triggers = workflow["on"]
    assert triggers["schedule"]
    for event in ("push", "pull_request"):
        assert {"backend/uv.lock", "frontend/package-lock.json"} <= set(triggers[event]["paths"])
    runs = [step.get("run") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "./scripts/audit" in runs
    assert "scripts/audit" not in (ROOT / "scripts" / "test").read_text()
