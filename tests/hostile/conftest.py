"""The avatar tests' fake model service, reused for the hostile-image API test."""

from tests.pipeline.conftest import canned_models  # noqa: F401  (fixture)
