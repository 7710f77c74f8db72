"""Evaluation reports: one JSON file per model version in the repository (``reports/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "reports"


def path_of(name: str, version: str, reports_dir: Path | str | None = None) -> Path:
    return Path(reports_dir or DEFAULT_DIR) / f"{name}-{version}.json"


def read(name: str, version: str, reports_dir: Path | str | None = None) -> dict[str, Any] | None:
    """The stored report, or None when the version has none yet."""
    path = path_of(name, version, reports_dir)
    if not path.exists():
        return None
    return json.loads(path.read_text())


def write(report: dict[str, Any], reports_dir: Path | str | None = None) -> Path:
    path = path_of(report["model"], report["version"], reports_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=False) + "\n")
    return path


def headline(report: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the catalog shows: the metrics, when and on which datasets they were measured."""
    if report is None:
        return None
    return {
        "metrics": report["metrics"],
        "latency_ratio_to_full_decode": report["latency"]["ratio_to_full_decode"],
        "created_at": report["created_at"],
        "datasets": {name: d["items"] for name, d in report["datasets"].items()},
        "report": f"backend/portrait_models/reports/{report['model']}-{report['version']}.json",
    }
