"""The HTTP side of the LRS shared by every xAPI resource (xAPI Communication, 1.0.3).

One decorator, `xapi_view`, turns a Django request into an `XapiRequest` and answers what every resource
must answer alike: CORS preflight, the alternate request syntax (Communication 1.3: a POST with ?method=
and the headers and content as form fields), Basic authentication of a client platform (401), the
X-Experience-API-Version header (400 when absent or not 1.0.x), HEAD as GET without a body, and the version
header on every answer. Resource handlers take an XapiRequest and return an HttpResponse or raise XapiError.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from bangkom.lrs.models import Client

XAPI_VERSION = "1.0.3"
XAPI_VERSION_2 = "2.0.0"
SUPPORTED_VERSIONS = [XAPI_VERSION_2, XAPI_VERSION, "1.0.2", "1.0.1", "1.0.0"]
_VERSION_OK = re.compile(r"^(1\.0(\.\d+)?|2\.0\.0)\Z")
ALTERNATE_HEADERS = {
    "authorization",
    "x-experience-api-version",
    "content-type",
    "content-length",
    "if-match",
    "if-none-match",
}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, X-Experience-API-Version, "
        "Accept-Language"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, WWW-Authenticate, "
        "X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
}
CLIENT_CACHE_SECONDS = 60


class XapiError(Exception):
    """An answer other than success: status and a message for the client platform (English: the readers are
    developers of other systems, as with the xAPI specification itself)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class XapiRequest:
    method: str
    params: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    client: Client
    django: HttpRequest
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def v2(self) -> bool:
        """The client speaks xAPI 2.0.0 (IEEE 9274.1.1); otherwise 1.0.x."""
        return self.headers.get("x-experience-api-version", "").strip().startswith("2.")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json_body(self) -> Any:
        from bangkom.engine.xapi import parse_statements

        value, errors = parse_statements(self.body)
        if errors:
            raise XapiError(400, "; ".join(f"{e.path}: {e.code} {e.detail}".strip() for e in errors))
        return value


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps({"error": True, "message": message}), status=status, content_type="application/json"
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _client_key(key: str) -> str:
    return "lrs-client:" + hashlib.sha256(key.encode()).hexdigest()


def _client_for(authorization: str | None) -> Client | None:
    """The active client platform whose key and secret the Basic credentials carry. The client row is cached
    per key for a minute (one query saved on every request); the secret is checked on every request."""
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, sep, secret = decoded.partition(":")
    if not sep or not key:
        return None
    cached = cache.get(_client_key(key))
    if cached is None:
        cached = Client.objects.filter(key=key, active=True).select_related("agency").first() or False
        cache.set(_client_key(key), cached, CLIENT_CACHE_SECONDS)
    if not cached or not hmac.compare_digest(cached.secret_hash, secret_hash(secret)):
        return None
    return cached


def forget_client(key: str) -> None:
    """Drop the cached row of a client (revoked or changed); other app servers with their own cache notice
    within CLIENT_CACHE_SECONDS."""
    cache.delete(_client_key(key))


def _headers_of(request: HttpRequest) -> dict[str, str]:
    headers = {k.lower(): v for k, v in request.headers.items()}
    return headers


def _alternate(request: HttpRequest) -> tuple[str, dict[str, str], dict[str, str], bytes]:
    """Unpacks the alternate request syntax; raises XapiError 400 where the request breaks its rules."""
    if request.method != "POST":
        raise XapiError(400, "The alternate request syntax must be issued as a POST.")
    query = parse_qs(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    if set(query) != {"method"} or len(query["method"]) != 1:
        raise XapiError(400, "The alternate request syntax allows only the 'method' query parameter.")
    method = query["method"][0].upper()
    if method not in {"GET", "PUT", "POST", "DELETE", "HEAD"}:
        raise XapiError(400, f"Unknown method '{method}' in the alternate request syntax.")
    ctype = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise XapiError(400, "The alternate request syntax needs Content-Type application/x-www-form-urlencoded.")
    try:
        form = parse_qs(request.body.decode(), keep_blank_values=True, strict_parsing=bool(request.body))
    except (UnicodeDecodeError, ValueError) as exc:
        raise XapiError(400, "The alternate request syntax body is not url-encoded.") from exc
    headers = {k.lower(): v for k, v in request.headers.items() if k.lower() not in {"content-type", "content-length"}}
    params: dict[str, str] = {}
    body = b""
    for key, values in form.items():
        value = values[-1]
        if key.lower() in ALTERNATE_HEADERS:
            headers[key.lower()] = value
        elif key == "content":
            body = value.encode()
        else:
            params[key] = value
    if headers.get("x-experience-api-version", "").strip().startswith("2."):
        raise XapiError(400, "xAPI 2.0.0 has no alternate request syntax.")
    if method in {"PUT", "POST"} and "content-type" not in headers:
        headers["content-type"] = "application/json"
    return method, params, headers, body


def _params(request: HttpRequest) -> dict[str, str]:
    query = parse_qs(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
    for key, values in query.items():
        if len(values) > 1:
            raise XapiError(400, f"Parameter '{key}' is given more than once.")
    return {k: v[0] for k, v in query.items()}


def answer_version(asked: str | None) -> str:
    """The version an answer names: 2.0.0 to a 2.0 client, 1.0.3 to a 1.0.x client, and to a request that
    names none the deployment's choice (settings.BANGKOM_XAPI_VERSION, 1.0.3 by default)."""
    if asked:
        return XAPI_VERSION_2 if asked.strip().startswith("2.") else XAPI_VERSION
    return getattr(settings, "BANGKOM_XAPI_VERSION", XAPI_VERSION)


def _finish(response: HttpResponse, head: bool, version: str = XAPI_VERSION) -> HttpResponse:
    response["X-Experience-API-Version"] = version
    for key, value in CORS_HEADERS.items():
        response.setdefault(key, value)
    if head:
        length = len(response.content) if not response.streaming else None
        response.content = b""
        if length is not None:
            response["Content-Length"] = str(length)
    return response


Handler = Callable[[XapiRequest], HttpResponse]


def xapi_view(handler: Handler | None = None, *, needs_version: bool = True, needs_auth: bool = True) -> Any:
    def decorate(fn: Handler) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt
        def view(request: HttpRequest) -> HttpResponse:
            if request.method == "OPTIONS":
                return _finish(HttpResponse(status=200), head=False)
            head = False
            asked: str | None = request.headers.get("X-Experience-API-Version")
            try:
                if "method" in request.GET:
                    method, params, headers, body = _alternate(request)
                else:
                    method, params, headers, body = (
                        request.method or "GET",
                        _params(request),
                        _headers_of(request),
                        (request.body),
                    )
                asked = headers.get("x-experience-api-version")
                if method == "HEAD":
                    method, head = "GET", True
                client = _client_for(headers.get("authorization")) if needs_auth else None
                if needs_auth and client is None:
                    raise XapiError(401, "Unknown or missing credentials.", {"WWW-Authenticate": 'Basic realm="xAPI"'})
                if needs_version:
                    version = headers.get("x-experience-api-version")
                    if version is None:
                        raise XapiError(400, "The X-Experience-API-Version header is required.")
                    if not _VERSION_OK.match(version.strip()):
                        raise XapiError(400, f"Version {version} is not supported; this LRS speaks 1.0.x.")
                xreq = XapiRequest(
                    method=method,
                    params=params,
                    headers=headers,
                    body=body,
                    client=client,  # type: ignore[arg-type]
                    django=request,
                )
                response = fn(xreq)
            except XapiError as exc:
                response = error_response(exc.status, exc.message, exc.headers)
            except RequestDataTooBig:
                response = error_response(413, "The request body is larger than this LRS accepts.")
            return _finish(response, head, answer_version(asked))

        view.__name__ = fn.__name__
        view.__doc__ = fn.__doc__
        return view

    return decorate(handler) if handler is not None else decorate


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(value, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    for key, val in (headers or {}).items():
        response[key] = val
    return response


def agent_param(xreq: XapiRequest, name: str = "agent", *, required: bool = True) -> str | None:
    """The identifier key (engine.xapi.agent_key) of a JSON agent given as a query parameter."""
    from bangkom.engine.xapi import agent_key, validate_actor

    raw = xreq.params.get(name)
    if raw is None:
        if required:
            raise XapiError(400, f"Parameter '{name}' is required.")
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise XapiError(400, f"Parameter '{name}' is not valid JSON.") from exc
    errors = validate_actor(value)
    if errors:
        problems = "; ".join(f"{e.path}: {e.code} {e.detail}".strip() for e in errors)
        raise XapiError(400, f"Parameter '{name}': {problems}")
    key = agent_key(value)
    if key is None:
        raise XapiError(400, f"Parameter '{name}' must identify an agent (mbox, mbox_sha1sum, openid or account).")
    try:
        key.encode()
    except UnicodeEncodeError as exc:  # a \ud800 escape in the JSON: not a character, cannot be looked up
        raise XapiError(400, f"Parameter '{name}' holds a lone UTF-16 surrogate.") from exc
    return key
