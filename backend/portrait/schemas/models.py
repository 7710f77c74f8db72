"""Models page schemas: the catalog of the model service's models, and a try's answer."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.schemas.avatar import CropBoxSchema, FaceSchema
from portrait.schemas.base import InputSchema, OneOfSchemas

STAGES = ("champion", "candidate", "retired")
STAGE_DOC = {"description": "champion answers unpinned calls; a candidate is under evaluation"}


class ModelOptionSchema(ma.Schema):
    type = fields.String(metadata={"description": "float, int...", "example": "float"})
    default = fields.Raw()
    minimum = fields.Float()
    maximum = fields.Float()
    description = fields.String()


class ModelReportSchema(ma.Schema):
    """The headline of a version's evaluation report (docs/models-lifecycle.md)."""

    metrics = fields.Dict(keys=fields.String(), values=fields.Float())
    latency_ratio_to_full_decode = fields.Float()
    created_at = fields.String(metadata={"format": "date-time"})
    datasets = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "Items each"}
    )
    report = fields.String(metadata={"description": "The full report, a path in the repository"})


class ModelVersionSchema(ma.Schema):
    version = fields.String(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES), metadata=STAGE_DOC)
    description = fields.String(required=True)
    license = fields.String(required=True)
    report = fields.Nested(
        ModelReportSchema, required=True, allow_none=True, metadata={"description": "null: not yet"}
    )


class ModelEndpointsSchema(ma.Schema):
    """Paths on the model service (internal: its address is never published here)."""

    predict = fields.String(required=True, metadata={"example": "/v1/models/smart-crop/predict"})
    pinned = fields.String(
        required=True, metadata={"example": "/v1/models/smart-crop/versions/{version}/predict"}
    )


class ModelSchema(ma.Schema):
    name = fields.String(required=True, metadata={"example": "smart-crop"})
    champion = fields.String(required=True, metadata={"example": "2.0.0"})
    options = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(ModelOptionSchema),
        required=True,
        metadata={"description": "The champion's options, passed as query parameters"},
    )
    output = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        required=True,
        metadata={"description": "The model service's description of the result fields"},
    )
    versions = fields.List(
        fields.Nested(ModelVersionSchema), required=True, metadata={"description": "Oldest first"}
    )
    endpoints = fields.Nested(ModelEndpointsSchema, required=True)


class ModelCatalogSchema(ma.Schema):
    models = fields.List(fields.Nested(ModelSchema), required=True)


class ModelTryQuerySchema(InputSchema):
    """`version`, and the model's options: every other parameter is passed on to it (the
    view loads it with unknown=INCLUDE: webargs' query default, EXCLUDE, beats Meta's).
    Today's options are declared too, typed, so generated clients can send them; their
    ranges are the model service's to enforce (the catalog's `options`)."""

    version = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A served version; absent: the champion"},
    )
    aspect = fields.Float(
        allow_nan=False,
        metadata={"description": "smart-crop: crop width / height (catalog: 0.2-5, default 1)"},
    )
    threshold = fields.Float(
        allow_nan=False,
        metadata={"description": "nudity-detection: the policy's score bar (catalog: 0.25-1)"},
    )


class ModelResultSchema(ma.Schema):
    """A model's result as the model service gives it: a new version may add fields, so
    clients must keep unknown ones (INCLUDE: additionalProperties)."""

    class Meta:
        unknown = ma.INCLUDE


class SmartCropResultSchema(ModelResultSchema):
    crop = fields.Nested(CropBoxSchema, required=True)
    faces = fields.List(fields.Nested(FaceSchema), required=True)
    method = fields.String(required=True, validate=validate.OneOf(("faces", "saliency")))


class DetectionSchema(ma.Schema):
    label = fields.String(required=True, metadata={"example": "FACE_FEMALE"})
    score = fields.Float(required=True)
    box = fields.List(
        fields.Integer(),
        required=True,
        validate=validate.Length(equal=4),
        metadata={"description": "[x, y, width, height]"},
    )


class NudityResultSchema(ModelResultSchema):
    explicit = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True)
    threshold = fields.Float(required=True)
    detections = fields.List(fields.Nested(DetectionSchema), required=True)


class ModelTrySchema(ma.Schema):
    model = fields.String(required=True, metadata={"example": "smart-crop"})
    version = fields.String(required=True, metadata={"example": "2.0.0"})
    stage = fields.String(required=True, validate=validate.OneOf(STAGES), metadata=STAGE_DOC)
    duration_ms = fields.Float(required=True, metadata={"description": "In the model service"})
    result = OneOfSchemas(
        SmartCropResultSchema,
        NudityResultSchema,
        required=True,
        metadata={
            "description": "The model's answer, unchanged; boxes in the pixels of the photo as "
            "shown (EXIF orientation applied)"
        },
    )
