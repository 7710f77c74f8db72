"""Which version of each model serves: ``stages.json`` in the repository, reviewed like code.

Stages: ``champion`` (what ``predict`` without a version serves; exactly one per model),
``candidate`` (callable pinned, or in shadow), ``retired`` (callable pinned, never chosen).
Every change appends to the model's ``history`` (action, version, previous champion, who,
why, when), so a rollback knows what served before and a reviewer sees why.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STAGES = ("champion", "candidate", "retired")
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "stages.json"


class StagesError(ValueError):
    """The stages file is missing, malformed, or a change to it is not allowed."""


@dataclass(frozen=True)
class Stages:
    models: dict[str, dict[str, Any]]

    def stage(self, name: str, version: str) -> str | None:
        return self.models.get(name, {}).get("versions", {}).get(version)

    def champion(self, name: str) -> str | None:
        versions = self.models.get(name, {}).get("versions", {})
        return next((v for v, stage in versions.items() if stage == "champion"), None)

    def history(self, name: str) -> list[dict[str, Any]]:
        return list(self.models.get(name, {}).get("history", []))


def load(path: Path | str | None = None) -> Stages:
    """The stages file, validated: known stages only, exactly one champion per model."""
    path = Path(path or DEFAULT_PATH)
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise StagesError(f"cannot read the stages file {path}: {exc}") from exc
    models = raw.get("models") if isinstance(raw, dict) else None
    if not isinstance(models, dict):
        raise StagesError(f"{path}: expected {{'models': {{name: {{versions, history}}}}}}")
    for name, entry in models.items():
        versions = entry.get("versions") if isinstance(entry, dict) else None
        if not isinstance(versions, dict) or not isinstance(entry.get("history", []), list):
            raise StagesError(f"{path}: {name} needs 'versions' (dict) and 'history' (list)")
        bad = sorted(v for v, stage in versions.items() if stage not in STAGES)
        if bad:
            raise StagesError(f"{path}: {name} {bad}: stage must be one of {STAGES}")
        champions = [v for v, stage in versions.items() if stage == "champion"]
        if len(champions) != 1:
            raise StagesError(f"{path}: {name} must have exactly one champion, has {champions}")
    return Stages(models=models)


def save(stages: Stages, path: Path | str | None = None) -> None:
    """Written whole to a temporary file, then renamed: a crash leaves the old file."""
    path = Path(path or DEFAULT_PATH)
    text = json.dumps({"models": stages.models}, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stages-")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def with_champion(
    stages: Stages, *, name: str, version: str, action: str, by: str, why: str,
    demoted_to: str, **extra: Any,
) -> Stages:  # fmt: skip
    """A copy where ``version`` is champion, the old champion ``demoted_to``, history kept."""
    if not by.strip() or not why.strip():
        raise StagesError("say who and why (--by, --why): the history keeps both")
    if name not in stages.models:
        raise StagesError(f"{name} is not in the stages file")
    if stages.stage(name, version) is None:
        raise StagesError(f"{name} {version} has no stage: add it to the stages file as candidate")
    previous = stages.champion(name)
    if previous == version:
        raise StagesError(f"{name} {version} is already the champion")
    entry = json.loads(json.dumps(stages.models[name]))  # a deep copy of plain JSON
    entry["versions"][previous] = demoted_to
    entry["versions"][version] = "champion"
    entry["history"].append({
        "action": action, "version": version, "previous": previous, "by": by, "why": why,
        "at": datetime.now(UTC).replace(microsecond=0).isoformat(), **extra,
    })  # fmt: skip
    return Stages(models={**stages.models, name: entry})


def previous_champion(stages: Stages, name: str) -> str:
    """The version that served before the current champion (from the history)."""
    current = stages.champion(name)
    for event in reversed(stages.history(name)):
        if event.get("version") == current and event.get("previous"):
            return event["previous"]
    raise StagesError(f"{name}: no earlier champion in the history to roll back to")
