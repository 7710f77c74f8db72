"""The documentation keeps up with the code: every setting the code reads is in
docs/configuration.md, and every link of the README and docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portrait.config import OPTIONS
from portrait_models.config import OPTIONS as MODEL_OPTIONS

ROOT = Path(__file__).resolve().parents[1]
CONFIGURATION = ROOT / "docs" / "configuration.md"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Code that reads environment variables of its own, beside the two settings modules.
ENV_READERS = [
    "docker/api/gunicorn.conf.py",
    "backend/portrait_models/gunicorn.conf.py",
    "backend/portrait/__main__.py",
    "backend/portrait_models/__main__.py",
]
ENV_READ = re.compile(r"""(?:environ\.get|getenv|_int)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]+)")
LINK = re.compile(r"""\]\(([^)\s]+)\)|src="([^"]+)\"""")


def _settings_in_code() -> set[str]:
    names = {option.name for option in OPTIONS}
    # The model service's descriptions start with the variable's name ("MODELS_X: ...").
    names |= {help.split(":", 1)[0] for help in MODEL_OPTIONS.values()}
    for path in ENV_READERS:
        names |= set(ENV_READ.findall((ROOT / path).read_text()))
    names |= set(COMPOSE_VARIABLE.findall((ROOT / "docker-compose.yml").read_text()))
    return names


def _documented_settings() -> set[str]:
    """Names in the first column of the tables of docs/configuration.md."""
    names: set[str] = set()
    for line in CONFIGURATION.read_text().splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_every_setting_is_documented_in_the_configuration_page():
    code = _settings_in_code()
    # The parsing must find settings, or the subset check below proves nothing.
    assert {"SECRET_KEY", "MODELS_NUDITY_THRESHOLD", "GUNICORN_TIMEOUT", "WEB_PORT"} <= code
    assert sorted(code - _documented_settings()) == []


def _anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", _prose(page), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def _prose(page: Path) -> str:
    """The page without its code blocks (a shell comment is not a heading)."""
    return re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)


def _local_links(page: Path) -> list[str]:
    targets = [a or b for a, b in LINK.findall(_prose(page))]
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_local_links_lead_to_files_and_headings_that_exist(page):
    broken = []
    for target in _local_links(page):
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (anchor and anchor not in _anchors(linked)):
            broken.append(target)
    assert broken == []


def test_readme_is_a_front_door_that_links_every_docs_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    linked = {Path(t.partition("#")[0]).name for t in _local_links(ROOT / "README.md")}
    pages = {page.name for page in (ROOT / "docs").glob("*.md")}
    assert sorted(pages - linked) == []
