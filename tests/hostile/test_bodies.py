"""Hostile clients: oversized and deeply nested JSON bodies are refused with a 4xx problem
before anything parses them (portrait/request_limits.py), and change nothing."""

from __future__ import annotations

import io
import json
import time

import pytest

from portrait.request_limits import JSON_MAX_DEPTH, json_depth

API = "/api/v1"
LIMIT = 64 * 1024  # JSON_MAX_BYTES' default


def assert_problem(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "path, method", [("/auth/signup", "post"), ("/auth/login", "post"), ("/me", "patch")]
)
def test_json_over_the_limit_is_413(client, account, path, method):
    body = json.dumps({"email": account.email, "bio": "x" * LIMIT})
    response = getattr(client, method)(
        API + path, data=body, content_type="application/json", headers=account.headers
    )
    assert_problem(response, 413)


def test_json_over_the_limit_without_a_content_length_is_413(client, account):
    body = json.dumps({"bio": "x" * (4 * LIMIT)}).encode()
    response = client.patch(
        f"{API}/me",
        input_stream=io.BytesIO(body),  # chunked, no Content-Length: counted while read
        headers={
            **account.headers,
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},  # what gunicorn says for chunked
    )
    assert_problem(response, 413)
    me = client.get(f"{API}/me", headers=account.headers).get_json()
    assert me["bio"] != "x" * (4 * LIMIT)


def test_json_just_under_the_limit_is_parsed_normally(client, account):
    body = json.dumps({"bio": "x" * (LIMIT - 100)})
    response = client.patch(
        f"{API}/me", data=body, content_type="application/json", headers=account.headers
    )
    assert_problem(response, 422)  # parsed: the bio is over its 500 characters
    assert "bio" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        "[" * 20_000 + "]" * 20_000,
        '{"a":' * 5_000 + "1" + "}" * 5_000,
        '{"display_name": ' + "[" * 60 + '"x"' + "]" * 60 + "}",
    ],
    ids=["arrays-20000", "objects-5000", "field-60"],
)
def test_deeply_nested_json_is_400(client, account, body):
    before = client.get(f"{API}/me", headers=account.headers).get_json()
    for path, method, headers in [
        ("/auth/login", "post", {}),
        ("/auth/signup", "post", {}),
        ("/me", "patch", account.headers),
    ]:
        response = getattr(client, method)(
            API + path, data=body, content_type="application/json", headers=headers
        )
        assert_problem(response, 400)
    assert client.get(f"{API}/me", headers=account.headers).get_json() == before


def test_brackets_inside_strings_do_not_count_as_nesting(client, account):
    bio = "[{" * 200 + '\\"'
    assert json_depth(json.dumps({"bio": bio}).encode()) == 1
    response = client.patch(f"{API}/me", json={"bio": bio[:400]}, headers=account.headers)
    assert response.status_code == 200, response.get_json()


def test_nesting_up_to_the_limit_reaches_the_schema(client):
    body = '{"email": ' + "[" * (JSON_MAX_DEPTH - 1) + "]" * (JSON_MAX_DEPTH - 1) + "}"
    assert_problem(
        client.post(f"{API}/auth/login", data=body, content_type="application/json"), 422
    )


def test_an_unterminated_string_of_escapes_costs_linear_time(client, account):
    # 60 KiB of \" inside an unterminated string: the depth scan used to retry from every
    # quote (~8 s of CPU). Bound generous for a shared machine; it takes milliseconds now.
    body = b'{"bio": "' + b'\\"' * 30_000
    start = time.process_time()
    response = client.patch(
        f"{API}/me", data=body, content_type="application/json", headers=account.headers
    )
    assert time.process_time() - start < 1.0
    assert_problem(response, 400)  # not JSON
