"""Pagination links that keep the page's search and filters."""

from __future__ import annotations

from django.http import HttpRequest


def querystring_base(request: HttpRequest) -> str:
    """The request's query without `page` (and `format`, a download), ready for "?{base}page=N" links."""
    q = request.GET.copy()
    q.pop("page", None)
    q.pop("format", None)
    encoded = q.urlencode()
    return f"{encoded}&" if encoded else ""
