"""Just enough Dockerfile and .dockerignore reading to check what an image build would copy."""

import fnmatch
import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Stage:
    name: str
    base: str
    copies: list[list[str]] = field(default_factory=list)  # sources of COPY without --from
    user: str | None = None
    cmd: list[str] | None = None


def parse(path: Path) -> list[Stage]:
    stages: list[Stage] = []
    text = path.read_text().replace("\\\n", " ")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = rest.split()
            name = words[2] if len(words) > 2 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name=name, base=words[0]))
        elif instruction == "COPY" and "--from=" not in rest:
            words = [w for w in shlex.split(rest) if not w.startswith("--")]
            stages[-1].copies.append(words[:-1])
        elif instruction == "USER":
            stages[-1].user = rest.strip()
        elif instruction == "CMD" and rest.startswith("["):
            stages[-1].cmd = [w.strip(' "') for w in rest.strip("[]").split(",")]
    return stages


def ignore_patterns(dockerfile: Path, context: Path) -> list[str]:
    """BuildKit reads <Dockerfile>.dockerignore first, then <context>/.dockerignore."""
    for candidate in (Path(f"{dockerfile}.dockerignore"), context / ".dockerignore"):
        if candidate.is_file():
            lines = candidate.read_text().splitlines()
            return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    return []


def is_ignored(relpath: str, patterns: list[str]) -> bool:
    """The last matching pattern wins; a pattern matching a parent directory matches too."""
    parts = relpath.strip("/").split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pat = pattern.lstrip("!").strip("/").removeprefix("**/")
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pat) or fnmatch.fnmatchcase(prefix.split("/")[-1], pat):
                ignored = not negate
                break
    return ignored


SKIP_DIRS = {"node_modules", ".git", "__pycache__", "dist", ".venv"}
MANIFESTS = ("pyproject.toml", "package.json", "package-lock.json")


def sent_files(context: Path, source: str, patterns: list[str]) -> list[str]:
    """The files under `source` (relative to the context) that the build context would hold."""
    path = context / source
    if path.is_file():
        return [] if is_ignored(source, patterns) else [source]
    files = []
    for file in path.rglob("*"):
        rel = file.relative_to(context)
        if file.is_file() and not SKIP_DIRS & set(rel.parts):
            if not is_ignored(rel.as_posix(), patterns):
                files.append(rel.as_posix())
    return files
