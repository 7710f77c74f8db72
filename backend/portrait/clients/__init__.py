"""Clients for services the API calls. Light on purpose: stdlib + requests only."""

from portrait.clients.model_service import (
    AvatarAnalysis,
    Box,
    Detection,
    Face,
    ModelInputRefused,
    ModelServiceClient,
    ModelServiceError,
    ModelServiceUnavailable,
    Prediction,
)

__all__ = [
    "AvatarAnalysis",
    "Box",
    "Detection",
    "Face",
    "ModelInputRefused",
    "ModelServiceClient",
    "ModelServiceError",
    "ModelServiceUnavailable",
    "Prediction",
]
