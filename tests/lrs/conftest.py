"""An xAPI client for the tests: Basic auth with a client key of an instansi, version header, JSON bodies."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client as HttpClient

from bangkom.lrs.models import Client
from bangkom.lrs.services import client_create
from bangkom.org.models import Agency

ENDPOINT = "/xapi/"


@dataclass
class Xapi:
    client: Client
    secret: str
    http: HttpClient

    @property
    def auth(self) -> str:
        return "Basic " + base64.b64encode(f"{self.client.key}:{self.secret}".encode()).decode()

    def headers(self, version: str | None = "1.0.3", **extra: str) -> dict[str, str]:
        out = {"HTTP_AUTHORIZATION": self.auth, **extra}
        if version is not None:
            out["HTTP_X_EXPERIENCE_API_VERSION"] = version
        return out

    def post(self, resource: str, body: Any, query: str = "", **headers: Any) -> Any:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        content_type = headers.pop("content_type", "application/json")
        return self.http.post(
            ENDPOINT + resource + query, data=data, content_type=content_type, **self.headers(**headers)
        )

    def put(self, resource: str, body: Any, query: str = "", **headers: Any) -> Any:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        content_type = headers.pop("content_type", "application/json")
        return self.http.put(
            ENDPOINT + resource + query, data=data, content_type=content_type, **self.headers(**headers)
        )

    def get(self, resource: str, params: dict[str, Any] | None = None, **headers: Any) -> Any:
        return self.http.get(ENDPOINT + resource, data=params or {}, **self.headers(**headers))

    def delete(self, resource: str, query: str = "", **headers: Any) -> Any:
        return self.http.delete(ENDPOINT + resource + query, **self.headers(**headers))


def make_xapi(agency: Agency, name: str = "LMS") -> Xapi:
    client, secret = client_create(actor=None, agency=agency, name=name)
    return Xapi(client, secret, HttpClient())


@pytest.fixture
def xapi(org: Any) -> Xapi:
    """A client platform of instansi A."""
    return make_xapi(org.agency_a)


@pytest.fixture
def xapi_b(org: Any) -> Xapi:
    """A client platform of instansi B."""
    return make_xapi(org.agency_b, "LMS B")
