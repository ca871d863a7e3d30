"""xAPI document resources (state, activity profile, agent profile) and the activities and agents resources."""

from __future__ import annotations

from django.http import HttpResponse

from bangkom.lrs.http import XapiError, XapiRequest, xapi_view


def _todo(xreq: XapiRequest) -> HttpResponse:
    raise XapiError(501, "Not implemented yet.")


state = xapi_view(_todo)
activity_profile = xapi_view(_todo)
agent_profile = xapi_view(_todo)
activities = xapi_view(_todo)
agents = xapi_view(_todo)
