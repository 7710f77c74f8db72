"""The stages file the model service serves from (``backend/portrait_models/stages.json``):
tests ask it which smart-crop version is champion instead of assuming one, so they stay true
after a promotion or a rollback."""

from portrait_models.lifecycle import stages

CURRENT = stages.load()
CROP_VERSIONS = ("1.0.0", "2.0.0")  # oldest first, as the catalog lists them
CROP = CURRENT.champion("smart-crop")
(CROP_OTHER,) = [v for v in CROP_VERSIONS if v != CROP]
CROP_STAGES = [CURRENT.stage("smart-crop", v) for v in CROP_VERSIONS]
