"""Portrait's model service: nudity detection and smart crop as versioned HTTP endpoints.

Start it with ``python -m portrait_models --port 8001`` (development) or
``gunicorn -c backend/portrait_models/gunicorn.conf.py 'portrait_models:create_app()'``.
"""

from portrait_models.app import create_app

__all__ = ["create_app"]
