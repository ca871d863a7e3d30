"""Bearer-token authentication for the JSON API, used by other systems (an LMS, a training provider).

The token acts with its user's roles: request.user is set to that user, so every router keeps passing
request.user to the scoped selectors, whichever way the caller signed in. Bearer requests need no CSRF token:
they carry no cookie a browser would send on its own.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from bangkom.accounts.services import token_user


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        # As HttpBearer, without its DEBUG log of the whole header on an unexpected scheme (it holds a secret).
        scheme, _sep, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token.strip())
        if user is None:
            # A wrong or revoked token is refused outright (401) rather than falling through to the session
            # check, whose CSRF refusal (403) would hide the real problem from the calling system.
            raise AuthenticationError
        request.user = user
        return user


token_auth = TokenAuth()
