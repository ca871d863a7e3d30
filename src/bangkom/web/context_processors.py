from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The role-based navigation needs the user's roles on every page; computed once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from bangkom.accounts.roles import roles_for

    return {"roles": roles_for(user)}
