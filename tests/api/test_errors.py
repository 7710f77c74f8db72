"""Every error is RFC 9457 application/problem+json (portrait/errors.py)."""

from __future__ import annotations

import logging

import pytest
from mongoengine.errors import NotUniqueError, OperationError
from pymongo.errors import AutoReconnect, OperationFailure, ServerSelectionTimeoutError

from portrait import errors, problems
from portrait.storage import StorageError

API = "/api/v1"
PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


@pytest.fixture
def raising_app(make_app):
    """An app with a route that raises whatever the test puts in `app.config['RAISE']`."""
    app = make_app()

    def boom():
        raise app.config["RAISE"]

    app.add_url_rule("/boom", "boom", boom)
    return app


@pytest.mark.parametrize(
    ("error", "status", "type_suffix"),
    [
        (errors.BadRequest("bad"), 400, "bad-request"),
        (errors.Unauthorized("who?"), 401, "unauthorized"),
        (errors.Forbidden("no"), 403, "forbidden"),
        (errors.NotFound("gone"), 404, "not-found"),
        (errors.Conflict("twice"), 409, "conflict"),
        (errors.PreconditionFailed("stale"), 412, "precondition-failed"),
        (errors.PayloadTooLarge("big"), 413, "payload-too-large"),
        (errors.UnsupportedMediaType("pdf"), 415, "unsupported-media-type"),
        (errors.UnprocessableImage("truncated"), 422, "unprocessable-image"),
        (errors.ImageRejected("explicit"), 422, "image-rejected"),
        (errors.ModelUnavailable("down"), 503, "model-unavailable"),
        (errors.DatabaseUnavailable("down"), 503, "database-unavailable"),
    ],
)
def test_domain_errors_map_to_their_status_and_type(raising_app, error, status, type_suffix):
    raising_app.config["RAISE"] = error
    body = assert_problem(raising_app.test_client().get("/boom"), status)
    assert body["type"] == problems.PROBLEM_TYPE_PREFIX + type_suffix
    assert body["detail"] == error.detail


def test_extra_members_type_and_headers_are_carried(raising_app):
    raising_app.config["RAISE"] = errors.ImageRejected(
        "The image was rejected by moderation.",
        type_suffix="explicit-content",
        labels=["EXPOSED_X"],
    )
    body = assert_problem(raising_app.test_client().get("/boom"), 422)
    assert body["type"].endswith("explicit-content") and body["labels"] == ["EXPOSED_X"]


def test_unavailable_dependencies_send_retry_after(raising_app):
    raising_app.config["RAISE"] = errors.ModelUnavailable("model service timed out", retry_after=7)
    response = raising_app.test_client().get("/boom")
    assert_problem(response, 503)
    assert response.headers["Retry-After"] == "7"


def test_an_unreachable_database_is_503_not_500(raising_app):
    raising_app.config["RAISE"] = ServerSelectionTimeoutError("no servers")
    response = raising_app.test_client().get("/boom")
    body = assert_problem(response, 503)
    assert body["type"].endswith("database-unavailable") and response.headers["Retry-After"]


def test_unexpected_exceptions_are_500_problems_and_logged(raising_app, caplog):
    raising_app.config["RAISE"] = RuntimeError("secret internals")
    with caplog.at_level(logging.ERROR, logger="portrait.errors"):
        body = assert_problem(raising_app.test_client().get("/boom"), 500)
    assert "secret internals" not in body["detail"]  # internals stay in the log
    assert any("secret internals" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_unknown_route_is_404_problem(client):
    assert_problem(client.get(f"{API}/no-such-thing"), 404)


def test_wrong_method_is_405_problem_with_allow(client):
    response = client.delete(f"{API}/auth/login")
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_too_large_body_is_413_problem(make_app):
    client = make_app(MAX_REQUEST_BYTES=1024).test_client()
    response = client.post(f"{API}/auth/signup", json={"email": "a@b.co", "bio": "x" * 5000})
    assert_problem(response, 413)


def test_malformed_json_is_400_problem(client):
    response = client.post(
        f"{API}/auth/login", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


def test_json_body_of_the_wrong_shape_is_422_problem(client):
    body = assert_problem(client.post(f"{API}/auth/login", json=["a", "list"]), 422)
    assert body["errors"]


@pytest.mark.parametrize(
    "error",
    [AutoReconnect("connection reset"), OperationFailure("shut down"), StorageError("no media")],
)
def test_every_storage_error_is_a_503_from_one_handler(raising_app, error):
    raising_app.config["RAISE"] = error
    response = raising_app.test_client().get("/boom")
    body = assert_problem(response, 503)
    assert body["type"].endswith("database-unavailable") and response.headers["Retry-After"]


def wrapped_by_mongoengine(error: Exception) -> OperationError:
    """What mongoengine raises for a server's OperationFailure: its own error, in the except."""
    try:
        try:
            raise error
        except OperationFailure as failure:
            raise OperationError(f"Update failed ({failure})")  # noqa: B904  (as mongoengine)
    except OperationError as wrapped:
        return wrapped


def test_a_server_failure_mongoengine_wraps_is_a_503_but_its_own_errors_are_500(raising_app):
    raising_app.config["RAISE"] = wrapped_by_mongoengine(
        OperationFailure("operation exceeded time")
    )
    assert_problem(raising_app.test_client().get("/boom"), 503)
    raising_app.config["RAISE"] = OperationError("No update parameters, would remove data")
    assert_problem(raising_app.test_client().get("/boom"), 500)
    raising_app.config["RAISE"] = NotUniqueError("Tried to save duplicate unique keys")
    assert_problem(raising_app.test_client().get("/boom"), 409)
