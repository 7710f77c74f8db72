"""The model registry: which models this process serves, by name and version.

Like thumbor's detector list, but each model is an object built once per app from settings
(``models.FACTORIES``), loaded once per process, and pure: ``predict`` returns a result and
writes nothing into shared state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from portrait_models.decoding import DecodedImage
from portrait_models.errors import BadOption, UnknownModel
from portrait_models.lifecycle.stages import Stages


@dataclass(frozen=True)
class Option:
    """A predict option, passed as a query parameter."""

    type: type
    default: Any
    minimum: float
    maximum: float
    description: str

    def parse(self, name: str, raw: str) -> Any:
        try:
            value = self.type(raw)
        except ValueError:
            raise BadOption(f"{name} must be a {self.type.__name__}, got {raw!r}") from None
        if not self.minimum <= value <= self.maximum:  # also refuses NaN
            raise BadOption(f"{name} must be within [{self.minimum}, {self.maximum}]")
        return value


class Model(Protocol):
    name: str
    version: str
    description: str
    license: str
    input: str
    output: dict[str, Any]
    options: Mapping[str, Option]

    @property
    def loaded(self) -> bool: ...

    def load(self) -> None: ...

    def predict(self, image: DecodedImage, **options: Any) -> dict[str, Any]: ...


def parse_options(model: Model, query: Mapping[str, str]) -> dict[str, Any]:
    """Query parameters -> validated predict options; unknown names are refused (400)."""
    unknown = sorted(set(query) - set(model.options))
    if unknown:
        known = ", ".join(model.options) or "none"
        raise BadOption(f"unknown option(s) {', '.join(unknown)} for {model.name}; known: {known}")
    return {name: option.parse(name, query[name]) for name, option in model.options.items()
            if name in query}  # fmt: skip


class Registry:
    """The served versions, and which one answers ``predict`` without a version: the
    champion of the stages file, never merely the newest."""

    def __init__(
        self,
        models: Iterable[Model],
        stages: Stages,
        headlines: Mapping[tuple[str, str], dict[str, Any]] | None = None,
    ) -> None:
        self._models: dict[str, dict[str, Model]] = {}
        for model in models:
            self._models.setdefault(model.name, {})[model.version] = model
        self._stages = stages
        self._headlines = dict(headlines or {})
        for name, versions in self._models.items():
            unstaged = sorted(v for v in versions if stages.stage(name, v) is None)
            if unstaged:  # a version nobody reviewed into a stage must not serve
                raise ValueError(f"{name} {unstaged} have no stage in the stages file")
            if stages.champion(name) not in versions:
                raise ValueError(f"{name}: champion {stages.champion(name)} is not served")

    def get(self, name: str, version: str | None = None) -> Model:
        """The pinned ``version``, or the champion; UnknownModel (404) when absent."""
        versions = self._models.get(name)
        if not versions:
            raise UnknownModel(f"no model named {name!r}; see GET /v1/models")
        if version is None:
            return versions[self._stages.champion(name)]
        if version not in versions:
            raise UnknownModel(f"{name} has no version {version!r}; it has {sorted(versions)}")
        return versions[version]

    def stage(self, name: str, version: str) -> str | None:
        return self._stages.stage(name, version)

    def all(self) -> list[Model]:
        return [model for versions in self._models.values() for model in versions.values()]

    def load_all(self) -> None:
        for model in self.all():
            model.load()

    @property
    def ready(self) -> bool:
        return all(model.loaded for model in self.all())

    def catalog(self) -> list[dict[str, Any]]:
        return [self._entry(name, versions) for name, versions in self._models.items()]

    def _entry(self, name: str, versions: dict[str, Model]) -> dict[str, Any]:
        champion = versions[self._stages.champion(name)]
        ordered = sorted(versions, key=_version_key)
        return {
            "name": name,
            "champion": champion.version,
            "latest": ordered[-1],
            "versions": ordered,
            "stages": {v: self._version_entry(name, versions[v]) for v in ordered},
            "description": champion.description,
            "license": champion.license,
            "input": champion.input,
            "options": {
                key: {
                    "type": option.type.__name__,
                    "default": option.default,
                    "minimum": option.minimum,
                    "maximum": option.maximum,
                    "description": option.description,
                }
                for key, option in champion.options.items()
            },
            "output": champion.output,
            "predict": f"/v1/models/{name}/predict",
        }

    def _version_entry(self, name: str, model: Model) -> dict[str, Any]:
        # Per version, not only the champion's: a candidate may be another method, with
        # other weights under another license (smart-crop 2.0.0 runs NudeNet's face boxes).
        return {
            "stage": self.stage(name, model.version),
            "report": self._headlines.get((name, model.version)),
            "description": model.description,
            "license": model.license,
        }


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))
