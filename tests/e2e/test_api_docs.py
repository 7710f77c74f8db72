"""The interactive API docs (/api/docs): Swagger UI from the swagger-ui-bundle-v2 package,
served by the API under its script-src 'self' policy, draws every operation in Chromium."""

import pytest

pytestmark = pytest.mark.e2e


def test_swagger_ui_draws_the_operations_without_a_policy_violation(
    modelless_app_url, page, page_errors
):
    page.goto(f"{modelless_app_url}/api/docs")
    signup = page.locator(".opblock", has_text="/auth/signup").first
    signup.wait_for()
    assert page.locator(".opblock").count() >= 15
    signup.locator(".opblock-summary").click()  # expands: the UI runs, not just its markup
    page.locator(".opblock-body").first.wait_for()
    assert page_errors == []
