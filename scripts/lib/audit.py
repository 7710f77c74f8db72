"""Helpers of scripts/audit (standard library only: runs on the system Python).

audit.py pins LOCK OUTDIR      every name==version of a hashed lock, whatever its markers,
                               in files with one version per package (pip-audit refuses
                               two); prints their paths
audit.py report PY.json... NPM.json
                               reads pip-audit's and npm audit's JSON; exits 1 when a known
                               vulnerability has a fixed version, 2 when something could not
                               be audited (never a silent pass), else 0
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

SHOWN = 5  # lines per kind of finding (an unreachable service skips every package)
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", re.MULTILINE)


def write_pins(lock: Path, outdir: Path) -> list[Path]:
    # Markers pick one version per Python (numpy for 3.11, another for 3.12+): audit them all,
    # not only the ones of the interpreter running the audit.
    buckets: list[dict[str, str]] = []
    for name, version in PIN.findall(lock.read_text()):
        bucket = next((b for b in buckets if name.lower() not in b), None)
        if bucket is None:
            buckets.append(bucket := {})
        bucket[name.lower()] = version
    paths = []
    for i, bucket in enumerate(buckets, 1):
        path = outdir / f"pins-{i}.txt"
        path.write_text("".join(f"{n}=={v}\n" for n, v in sorted(bucket.items())))
        paths.append(path)
    return paths


def python_findings(report: dict) -> tuple[list[str], list[str], list[str]]:
    """(fixable, unfixable, not audited) lines of one pip-audit JSON report."""
    if not report.get("dependencies"):  # pip-audit failed before auditing anything
        return [], [], ["pip-audit: no report"]
    fixable, unfixable, skipped = [], [], []
    for dep in report["dependencies"]:
        if "skip_reason" in dep:  # it names the package and version
            skipped.append(dep["skip_reason"])
        where = f"{dep['name']} {dep.get('version', '')}"
        for vuln in dep.get("vulns", []):
            fixes = vuln.get("fix_versions") or []
            line = f"{where}: {vuln['id']} {' '.join(vuln.get('aliases', []))}".rstrip()
            if fixes:
                fixable.append(f"{line} (fixed in {', '.join(fixes)})")
            else:
                unfixable.append(f"{line} (no fixed version yet)")
    return fixable, unfixable, skipped


def npm_findings(report: dict) -> tuple[list[str], list[str], list[str]]:
    """(fixable, unfixable, not audited) lines of `npm audit --json` (lockfile v2+)."""
    if "vulnerabilities" not in report:  # npm could not reach the advisory endpoint
        return [], [], [f"npm audit: {report.get('message', 'no report')}"]
    fixable, unfixable = [], []
    for name, vuln in sorted(report["vulnerabilities"].items()):
        line = f"{name} {vuln.get('range', '')}: {vuln.get('severity', '?')}"
        (fixable if vuln.get("fixAvailable") else unfixable).append(line)
    return fixable, unfixable, []


def report(python_reports: list[Path], npm_report: Path) -> int:
    fixable, unfixable, skipped = [], [], []
    for path, reader in [(p, python_findings) for p in python_reports] + [
        (npm_report, npm_findings)
    ]:
        try:
            found = reader(json.loads(path.read_text() or "{}"))
        except (OSError, ValueError) as exc:
            found = [], [], [f"{path.name}: unreadable report ({exc})"]
        for bucket, lines in zip((fixable, unfixable, skipped), found, strict=True):
            bucket.extend(lines)
    for title, lines in (
        ("vulnerable, with a fix (bump it: scripts/lock --upgrade-package NAME)", fixable),
        ("vulnerable, no fix released yet", unfixable),
        ("NOT audited", skipped),
    ):
        if lines:
            shown = (
                lines
                if len(lines) <= SHOWN + 1
                else [*lines[:SHOWN], f"... {len(lines) - SHOWN} more"]
            )
            sys.stderr.write(f"{title} ({len(lines)}):\n" + "".join(f"  {ln}\n" for ln in shown))
    if fixable:
        return 1
    if skipped:
        sys.stderr.write("audit INCOMPLETE: not a pass (advisory data unreachable?)\n")
        return 2
    sys.stderr.write("no known vulnerability with a fix\n")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "pins":
        for path in write_pins(Path(argv[1]), Path(argv[2])):
            sys.stdout.write(f"{path}\n")
        return 0
    if len(argv) >= 3 and argv[0] == "report":
        return report([Path(p) for p in argv[1:-1]], Path(argv[-1]))
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
