"""The `auth` helper: sign up / log in through the real API and keep the tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient

from tests.utils.factories import signup_data

API = "/api/v1"


@dataclass
class Account:
    email: str
    password: str
    handle: str
    user: dict[str, Any]
    access_token: str
    refresh_token: str | None

    @property
    def headers(self) -> dict[str, str]:
        """Authorization header with the access token."""
        return {"Authorization": f"Bearer {self.access_token}"}

    @property
    def refresh_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.refresh_token}"}


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def signup(self, **overrides: Any) -> Account:
        """Signs up a new unique user (fields overridable) and returns its tokens."""
        data = signup_data(**overrides)
        response = self.client.post(f"{API}/auth/signup", json=data)
        assert response.status_code == 201, response.get_json()
        return self._account(data["email"], data["password"], response.get_json())

    def login(self, email: str, password: str, **kwargs: Any):
        """POST /auth/login; returns the raw response."""
        return self.client.post(
            f"{API}/auth/login", json={"email": email, "password": password}, **kwargs
        )

    def login_account(self, account: Account) -> Account:
        response = self.login(account.email, account.password)
        assert response.status_code == 200, response.get_json()
        return self._account(account.email, account.password, response.get_json())

    @staticmethod
    def _account(email: str, password: str, body: dict[str, Any]) -> Account:
        return Account(
            email=email,
            password=password,
            handle=body["user"]["handle"],
            user=body["user"],
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token"),
        )


def with_role(app, auth: AuthActions, role: str) -> Account:
    """A new account given `role` the only way there is: the command line."""
    account = auth.signup()
    result = app.test_cli_runner().invoke(args=["users", "set-role", account.email, role])
    assert result.exit_code == 0, result.output
    return account
