"""The model-service client's types: errors and frozen results (stdlib only).

Kept apart from the transport in ``model_service`` (which re-exports everything here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ModelServiceError(Exception):
    """Base class of every error this client raises."""


class ModelServiceUnavailable(ModelServiceError):
    """The service could not give a usable answer (down, slow, 5xx, garbage). API: 503."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ModelInputRefused(ModelServiceError):
    """The service refused the input with a 4xx; ``status`` and ``detail`` say why."""

    def __init__(self, status: int, detail: str, problem: dict[str, Any] | None = None) -> None:
        super().__init__(f"model service refused the input ({status}): {detail}")
        self.status = status
        self.detail = detail
        self.problem = problem or {}


@dataclass(frozen=True)
class Box:
    """A rectangle in upright original-image pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Detection:
    """One NudeNet detection: ``label`` (e.g. ``FACE_FEMALE``), ``score`` in [0, 1], ``box``."""

    label: str
    score: float
    box: Box


@dataclass(frozen=True)
class Face:
    """A face the crop model used; ``source`` is the detector (``blazeface``; 1.0.0's
    ``haar``, ``nudenet``, ``haar+nudenet``)."""

    box: Box
    source: str


@dataclass(frozen=True)
class Prediction:
    """A raw ``/v1/models/{name}/predict`` answer: the model's ``result`` and who produced it."""

    result: dict[str, Any]
    model: str
    version: str
    duration_ms: float


@dataclass(frozen=True)
class Moderation:
    """A ``nudity-detection`` answer. ``reasons`` are the policy labels that scored at or above
    ``threshold``; ``policy_score`` is the highest score among them (0 when none did)."""

    explicit: bool
    reasons: tuple[str, ...]
    threshold: float
    detections: tuple[Detection, ...]
    model: str
    version: str

    @property
    def policy_score(self) -> float:
        # Fail closed: "explicit" with no score to go by counts as certain.
        fallback = 1.0 if self.explicit else 0.0
        return max((d.score for d in self.detections if d.label in self.reasons), default=fallback)


@dataclass(frozen=True)
class AvatarAnalysis:
    """The avatar pipeline's answer. ``crop``/``method`` are None when the image is explicit."""

    explicit: bool
    reasons: tuple[str, ...]
    threshold: float
    detections: tuple[Detection, ...]
    crop: Box | None
    faces: tuple[Face, ...]
    method: str | None
    image_width: int
    image_height: int
    moderation_model: str
    moderation_version: str
    crop_model: str
    crop_version: str
    duration_ms: float

    @property
    def moderation(self) -> Moderation:
        """The whole-picture check alone, shaped like any other view's."""
        return Moderation(
            explicit=self.explicit,
            reasons=self.reasons,
            threshold=self.threshold,
            detections=self.detections,
            model=self.moderation_model,
            version=self.moderation_version,
        )


@dataclass(frozen=True)
class ModelVersion:
    """One served version of a model, as the catalog describes it."""

    version: str
    stage: str  # champion, candidate or retired (the stages file)
    description: str
    license: str
    report: dict[str, Any] | None  # the evaluation's headline; None before the first one


@dataclass(frozen=True)
class CatalogEntry:
    """A ``GET /v1/models`` entry: a model, its champion's options and output, its versions
    (oldest first) and its predict path on the model service."""

    name: str
    champion: str
    options: dict[str, Any]
    output: dict[str, Any]
    versions: tuple[ModelVersion, ...]
    predict: str


def _box(raw: dict[str, Any]) -> Box:
    return Box(int(raw["x"]), int(raw["y"]), int(raw["width"]), int(raw["height"]))


def _detection(raw: dict[str, Any]) -> Detection:
    x, y, w, h = (int(v) for v in raw["box"])
    return Detection(label=str(raw["label"]), score=float(raw["score"]), box=Box(x, y, w, h))


def parse_crop(crop: dict[str, Any]) -> tuple[Box, tuple[Face, ...], str]:
    """A ``smart-crop`` result: the crop, the faces it framed and its method."""
    faces = tuple(Face(_box(f), str(f["source"])) for f in crop["faces"])
    return _box(crop["crop"]), faces, str(crop["method"])


def parse_avatar(body: dict[str, Any]) -> AvatarAnalysis:
    result, meta = body["result"], body["metadata"]
    moderation, crop = result["moderation"], result["crop"]
    models = meta["models"]
    box, faces, method = parse_crop(crop) if crop else (None, (), None)
    return AvatarAnalysis(
        explicit=bool(moderation["explicit"]),
        reasons=tuple(str(r) for r in moderation["reasons"]),
        threshold=float(moderation["threshold"]),
        detections=tuple(_detection(d) for d in moderation["detections"]),
        crop=box,
        faces=faces,
        method=method,
        image_width=int(result["image"]["width"]),
        image_height=int(result["image"]["height"]),
        moderation_model=str(models["moderation"]["model"]),
        moderation_version=str(models["moderation"]["version"]),
        crop_model=str(models["crop"]["model"]),
        crop_version=str(models["crop"]["version"]),
        duration_ms=float(meta["duration_ms"]),
    )


def parse_moderation(result: dict[str, Any], model: str, version: str) -> Moderation:
    return Moderation(
        explicit=bool(result["explicit"]),
        reasons=tuple(str(r) for r in result["reasons"]),
        threshold=float(result["threshold"]),
        detections=tuple(_detection(d) for d in result["detections"]),
        model=model,
        version=version,
    )


def _version(version: str, staged: dict[str, Any]) -> ModelVersion:
    report = staged["report"]
    return ModelVersion(
        version=str(version),
        stage=str(staged["stage"]),
        description=str(staged["description"]),
        license=str(staged["license"]),
        report=None if report is None else dict(report),
    )


def parse_catalog(body: dict[str, Any]) -> tuple[CatalogEntry, ...]:
    return tuple(
        CatalogEntry(
            name=str(entry["name"]),
            champion=str(entry["champion"]),
            options=dict(entry["options"]),
            output=dict(entry["output"]),
            versions=tuple(_version(v, entry["stages"][v]) for v in entry["versions"]),
            predict=str(entry["predict"]),
        )
        for entry in body["models"]
    )
