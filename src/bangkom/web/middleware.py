"""Request-wide rules: Bahasa Indonesia unless the user chose otherwise; no NUL in a query string.

Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers here say English;
the house rule is Indonesian first, English when picked with the language switch (cookie).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language is restored after the response (a worker thread that
        # later runs a job, or code after a test request, does not inherit the last user's language).
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        return response


class NulCharacterMiddleware:
    """A query string with the character NUL (%00) is refused with a 400: PostgreSQL text cannot hold it, so a
    search box fed one would fail with a 500 (the xAPI endpoints check their own parameters and answer in JSON).
    Form fields need no help here: Django's form fields refuse NUL themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # %00 is how a query string carries NUL (a raw NUL byte is not valid in a request line).
        if "%00" in request.META.get("QUERY_STRING", "") and not request.path.startswith("/xapi/"):
            return HttpResponseBadRequest(
                _("Alamat halaman berisi karakter NUL yang tidak sah."), content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
