"""The one HTTP client the API uses to call the model service (``portrait_models``).

Imports only the standard library and ``requests``: no numpy/OpenCV/onnxruntime and nothing
else from ``portrait`` outside ``portrait.clients``, so any API module may import it
without pulling in heavy deps.

Error mapping for the API (fail closed, never 500):

* :class:`ModelServiceUnavailable` -- connection refused/reset, connect or read timeout, any
  5xx, a 3xx, or a response that is not the documented JSON. Map to **503** with
  ``Retry-After`` (``exc.retry_after`` when the service sent one, else a default) and do not
  save the image.
* :class:`ModelInputRefused` -- the service answered 4xx: the image itself was refused
  (415 not an image, 422 corrupt/undecodable, 413 too large or too many pixels, 404 unknown
  model/version). ``exc.status``/``exc.detail``/``exc.problem`` carry the service's
  problem+json. Map 413/415/422 to the same status for the user; a 404 means the API asked for
  a model the service does not host (a configuration error -- map to 503). The Models page's
  try is the exception: there a visitor named the model, so its 404 is a 404
  (``portrait.services.model_catalog``).

The catalog (``list_models``) has no input to refuse: anything but a 200 with the catalog is
:class:`ModelServiceUnavailable`.

Retries: only on connection errors (nothing reached the service), ``retries`` extra attempts
with a short back-off. Read timeouts are not retried: the caller's latency budget is
``connect_timeout * (retries + 1) + read_timeout`` plus a few tens of ms of back-off.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from urllib.parse import quote

import requests

from portrait.clients.model_types import (
    AvatarAnalysis,
    Box,
    CatalogEntry,
    Detection,
    Face,
    ModelInputRefused,
    ModelServiceError,
    ModelServiceUnavailable,
    ModelVersion,
    Moderation,
    Prediction,
    parse_avatar,
    parse_catalog,
    parse_crop,
    parse_moderation,
)

__all__ = [
    "AvatarAnalysis",
    "Box",
    "CatalogEntry",
    "Detection",
    "Face",
    "ModelInputRefused",
    "ModelServiceClient",
    "ModelServiceError",
    "ModelServiceUnavailable",
    "ModelVersion",
    "Moderation",
    "Prediction",
    "parse_crop",
]

_BACKOFF_S = 0.05


class ModelServiceClient:
    """Calls the model service at ``base_url`` (e.g. ``http://127.0.0.1:8001``). Thread-safe."""

    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout: float = 2.0,
        read_timeout: float = 10.0,
        retries: int = 2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retries = max(0, int(retries))
        # requests.Session is not documented as thread-safe: one per thread, each pooled.
        self._local = threading.local()

    def analyze_avatar(
        self, image: bytes, *, content_type: str, aspect: float = 1.0
    ) -> AvatarAnalysis:
        """Moderates ``image`` and, unless explicit, finds the crop for ``aspect`` (w/h)."""
        body = self._post("/v1/pipelines/avatar", image, content_type, {"aspect": aspect})
        try:
            return parse_avatar(body)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelServiceUnavailable(f"unexpected avatar pipeline response: {exc!r}") from exc

    def predict(
        self,
        name: str,
        image: bytes,
        *,
        version: str | None = None,
        content_type: str = "application/octet-stream",
        **options: Any,
    ) -> Prediction:
        """Runs one model (its champion, or the pinned ``version``); options go in the query."""
        path = f"/v1/models/{quote(name, safe='')}"
        if version is not None:
            path += f"/versions/{quote(str(version), safe='')}"
        body = self._post(path + "/predict", image, content_type, options)
        try:
            meta = body["metadata"]
            return Prediction(
                result=dict(body["result"]),
                model=str(meta["model"]),
                version=str(meta["version"]),
                duration_ms=float(meta["duration_ms"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelServiceUnavailable(f"unexpected predict response: {exc!r}") from exc

    def moderate(
        self, image: bytes, *, content_type: str, threshold: float | None = None
    ) -> Moderation:
        """``nudity-detection`` on ``image``; ``threshold`` (else the model's) decides reasons."""
        options = {} if threshold is None else {"threshold": threshold}
        answer = self.predict("nudity-detection", image, content_type=content_type, **options)
        try:
            return parse_moderation(answer.result, answer.model, answer.version)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelServiceUnavailable(f"unexpected moderation response: {exc!r}") from exc

    def list_models(self) -> tuple[CatalogEntry, ...]:
        """The catalog: every served model with its versions, stages and reports."""
        response = self._send("GET", "/v1/models")
        # No input to refuse here: any answer but 200 (a 404 means a wrong MODELS_URL) is
        # the service being unusable, like a 5xx.
        if response.status_code != 200:
            raise ModelServiceUnavailable(
                f"model service answered {response.status_code} to the catalog",
                retry_after=_retry_after(response),
            )
        body = _json_or_none(response)
        try:
            return parse_catalog(body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelServiceUnavailable(f"unexpected catalog response: {exc!r}") from exc

    def ready(self) -> bool:
        """True when the service answers ``/readyz`` with 200 (models loaded). Never raises."""
        try:
            response = self._send("GET", "/readyz")
        except ModelServiceUnavailable:
            return False
        return response.status_code == 200

    # -- transport -------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = self.base_url + path
        for attempt in range(self.retries + 1):
            try:
                return self._session().request(method, url, timeout=self.timeout, **kwargs)
            except requests.ReadTimeout as exc:
                raise ModelServiceUnavailable(f"model service timed out: {url}") from exc
            except requests.ConnectionError as exc:
                if attempt == self.retries:
                    raise ModelServiceUnavailable(f"model service unreachable: {url}") from exc
                time.sleep(_BACKOFF_S * (attempt + 1))
            except requests.RequestException as exc:
                raise ModelServiceUnavailable(f"model service request failed: {exc!r}") from exc
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _post(
        self, path: str, image: bytes, content_type: str, params: dict[str, Any]
    ) -> dict[str, Any]:
        response = self._send(
            "POST", path, data=image, params=params, headers={"Content-Type": content_type}
        )
        status = response.status_code
        if 400 <= status < 500:
            problem = _json_or_none(response) or {}
            detail = problem.get("detail") or problem.get("title") or response.reason or ""
            raise ModelInputRefused(status, str(detail), problem)
        if status != 200:
            raise ModelServiceUnavailable(
                f"model service answered {status}", retry_after=_retry_after(response)
            )
        body = _json_or_none(response)
        if not isinstance(body, dict):
            raise ModelServiceUnavailable("model service answered 200 with a non-JSON body")
        return body


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response: requests.Response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None
