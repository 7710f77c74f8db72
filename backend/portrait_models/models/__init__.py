"""The models this service can host, one module each, and how the registry is built."""

from __future__ import annotations

from portrait_models.config import Settings
from portrait_models.lifecycle import reports, stages
from portrait_models.models.nudity import NudityDetection
from portrait_models.models.smart_crop import SmartCrop
from portrait_models.models.smart_crop2 import SmartCrop2
from portrait_models.nudenet_onnx import NudeNetDetector
from portrait_models.registry import Registry

# Every version of a model stays here (callable pinned); stages.json says which one serves.
FACTORIES = {NudityDetection.name: [NudityDetection], SmartCrop.name: [SmartCrop, SmartCrop2]}


def build_registry(settings: Settings) -> Registry:
    """Every version of the enabled models; one NudeNet session (smart-crop reads its faces)."""
    unknown = sorted(set(settings.enabled_models) - set(FACTORIES))
    if unknown:
        raise ValueError(f"MODELS_ENABLED names unknown models: {', '.join(unknown)}")
    detector = NudeNetDetector(threads=settings.ort_threads)
    models = [
        factory(settings, detector)
        for name in settings.enabled_models
        for factory in FACTORIES[name]
    ]
    headlines = {
        (m.name, m.version): reports.headline(reports.read(m.name, m.version, settings.reports_dir))
        for m in models
    }
    return Registry(models, stages.load(settings.stages_file or None), headlines)
