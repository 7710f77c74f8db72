"""The services' tests drive the avatar pipeline through the API, with the real model service."""

from __future__ import annotations

import pytest


@pytest.fixture
def app(make_app, model_service_url):
    """The API wired to the real model service."""
    return make_app(MODELS_URL=model_service_url)
