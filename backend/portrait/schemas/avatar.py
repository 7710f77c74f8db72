"""Avatar schemas: the owner's view, the public view, the default, and re-framing input."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from portrait.imaging.variants import describe_variants
from portrait.schemas.base import InputSchema

URLS_DOC = {
    "description": describe_variants(),
    "example": {"512": "/media/3f…9a.webp", "jpeg": "/media/71…0c.jpg"},
}
URLS = fields.Dict(keys=fields.String(), values=fields.String(), metadata=URLS_DOC)


class CropBoxSchema(ma.Schema):
    x = fields.Integer(required=True, validate=validate.Range(min=0))
    y = fields.Integer(required=True, validate=validate.Range(min=0))
    width = fields.Integer(required=True, validate=validate.Range(min=1))
    height = fields.Integer(required=True, validate=validate.Range(min=1))


class CropUpdateSchema(CropBoxSchema, InputSchema):
    """A square (within 1 px), at least 64 px, inside the master, in master pixels."""


class FaceSchema(CropBoxSchema):
    source = fields.String(
        metadata={"description": "Detector that found it (blazeface; haar, nudenet in 1.0.0)"}
    )


class MasterSchema(ma.Schema):
    width = fields.Integer()
    height = fields.Integer()
    url = fields.String(metadata={"description": "The uncropped picture (owner only)"})


class ModerationSummarySchema(ma.Schema):
    model = fields.String()
    version = fields.String()
    explicit = fields.Boolean()
    threshold = fields.Float()
    labels = fields.List(fields.String(), metadata={"description": "What the detector saw"})
    score = fields.Float(metadata={"description": "Highest policy score of the picture"})


class ReviewSchema(ma.Schema):
    """A person's review of a borderline picture (see docs/moderation.md)."""

    state = fields.String(
        required=True,
        validate=validate.OneOf(("pending", "approved", "rejected")),
        metadata={"description": "pending: only you see it until a moderator approves it"},
    )
    reason = fields.String(
        required=True, allow_none=True, metadata={"description": "The moderator's reason"}
    )


class PublicAvatarSchema(ma.Schema):
    urls = URLS


class AvatarSchema(PublicAvatarSchema):
    """The owner's view: what to show and what re-framing needs."""

    crop = fields.Nested(CropBoxSchema, metadata={"description": "In master pixels"})
    master = fields.Nested(MasterSchema)
    faces = fields.List(fields.Nested(FaceSchema))
    moderation = fields.Nested(ModerationSummarySchema)
    framing = fields.Dict(metadata={"description": "Crop model, version and method"})
    review = fields.Nested(
        ReviewSchema,
        allow_none=True,
        metadata={"description": "null: accepted without review. Else shown to you only"},
    )
    updated_at = fields.DateTime()


class DefaultAvatarSchema(ma.Schema):
    """Generated initials on a colour from the handle (SVG), for profiles without a picture."""

    urls = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True, metadata=URLS_DOC
    )
    default = fields.Boolean(required=True, metadata={"description": "Always true"})
