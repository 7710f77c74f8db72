"""Fuzz every operation of /api/v1/openapi.json with schemathesis, in-process (WSGI), both
anonymous and signed in: no 5xx, and every response matches its documented status, content
type and schema. Examples per operation are bounded (and derandomized) to keep it quick."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portrait import create_app, db
from tests.conftest import test_config
from tests.utils.auth import AuthActions

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 40
# Operations after which the caller's token may no longer work.
ENDS_THE_SESSION = {"DELETE /api/v1/me", "POST /api/v1/auth/logout", "POST /api/v1/auth/logout-all"}
# Each test is ~30 s on a quiet machine and ten times that on a saturated one. pytest-timeout's
# signal fires inside whatever case runs then, which Hypothesis reports as a flaky failure of
# that operation; so the deadline is for a hung run, not a slow one.
fuzz_deadline = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def fuzz_app(canned_model_service):
    app = create_app(
        {
            **test_config("portrait_fuzz"),
            "MODELS_URL": canned_model_service,
            "RATELIMIT_ENABLED": False,
        }
    )
    yield app
    db.close()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz_every_operation(schema, headers_for) -> tuple[dict[str, str], Counter]:
    """Runs valid and invalid examples of each operation; returns the failures and how many
    requests each operation got."""
    failures, calls = {}, Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ_SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                calls[case.operation.label] += 1
                headers = headers_for(case.operation.label)
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:  # nothing invalid to send (e.g. an unconstrained string)
                assert mode is GenerationMode.NEGATIVE, operation.label
            except Exception as exc:  # collect all, so one run shows every finding
                failures[f"{operation.label} ({mode.value})"] = str(exc)[:3000]
    return failures, calls


def documented_operations(app) -> set[str]:
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    methods = {"get", "put", "post", "patch", "delete"}
    return {
        f"{m.upper()} {path}" for path, item in spec["paths"].items() for m in item if m in methods
    }


def assert_fuzzed(app, failures: dict[str, str], calls: Counter) -> None:
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert set(calls) == documented_operations(app)
    # Every operation really got requests: one for those without inputs (/healthz), many
    # for the others.
    assert sum(calls.values()) >= 20 * len(calls), calls


@fuzz_deadline
def test_every_operation_answers_anonymous_clients_as_documented(api_schema, fuzz_app):
    assert_fuzzed(fuzz_app, *fuzz_every_operation(api_schema, lambda _label: {}))


@fuzz_deadline
def test_every_operation_answers_signed_in_clients_as_documented(api_schema, fuzz_app):
    auth = AuthActions(fuzz_app.test_client())
    shared = auth.signup().headers

    def headers(label: str) -> dict[str, str]:
        # One account for the whole run (a sign-up per case made this the slowest test),
        # except where a case can end its session or account: those get their own.
        return auth.signup().headers if label in ENDS_THE_SESSION else shared

    assert_fuzzed(fuzz_app, *fuzz_every_operation(api_schema, headers))
