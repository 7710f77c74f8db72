"""Peak resident memory of one job in a fresh child process (the memory-bound tests).

The child runs `body` (Python source) with `data` (the upload's bytes) and `outcome` (a dict
it fills) defined, and reports its own peak RSS (VmHWM; ru_maxrss would carry the parent's
across exec) after its imports (`base_kb`) and after the job (`peak_kb`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_CHILD = """
import json, sys
def peak():
    return int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1])
{imports}
data = open(sys.argv[1], "rb").read()
outcome = {{}}
{setup}
outcome["base_kb"] = peak()
{body}
outcome["peak_kb"] = peak()
print(json.dumps(outcome))
"""


def run_in_child(data: bytes, tmp_path: Path, *, imports: str, body: str, setup: str = "") -> dict:
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    script = _CHILD.format(
        imports=textwrap.dedent(imports), setup=textwrap.dedent(setup), body=textwrap.dedent(body)
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    outcome["peak_mb"] = outcome["peak_kb"] / 1024
    outcome["growth_mb"] = (outcome["peak_kb"] - outcome["base_kb"]) / 1024
    return outcome
