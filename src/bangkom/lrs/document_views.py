"""xAPI document resources (state, activity profile, agent profile) and the activities and agents resources:
HTTP only; the rules are in lrs.documents."""

from __future__ import annotations

import json
from email.utils import format_datetime

from django.http import HttpResponse

from bangkom.engine import xapi
from bangkom.lrs import documents as docs
from bangkom.lrs.http import XapiError, XapiRequest, agent_param, json_response, xapi_view


def _document_resource(resource: docs.Resource, xreq: XapiRequest) -> HttpResponse:
    if xreq.method not in {"GET", "PUT", "POST", "DELETE"}:
        raise XapiError(405, f"Method {xreq.method} is not allowed on this resource.")
    scope = docs.parse_scope(resource, xreq.method, xreq.params, lambda: agent_param(xreq, "agent") or "")
    agency_id = xreq.client.agency_id
    pre = docs.Preconditions.from_headers(xreq.headers)
    if xreq.method == "GET":
        if not scope.doc_id:
            return json_response(docs.ids(agency_id=agency_id, scope=scope))
        found = docs.get(agency_id=agency_id, scope=scope)
        if found is None:
            raise XapiError(404, f"No document with this {resource.id_param}.")
        headers = {"ETag": docs.quoted(found.etag), "Last-Modified": format_datetime(found.updated, usegmt=True)}
        if pre.if_none_match is not None and ("*" in pre.if_none_match or found.etag in pre.if_none_match):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(found.content, content_type=found.content_type)
        for key, value in headers.items():
            response[key] = value
        return response
    if xreq.method == "DELETE":
        docs.delete(agency_id=agency_id, scope=scope, pre=pre)
        return HttpResponse(status=204)
    content_type = xreq.headers.get("content-type", "")
    if xreq.method == "PUT":
        etag = docs.put(
            agency_id=agency_id, scope=scope, content_type=content_type, content=xreq.body, pre=pre, v2=xreq.v2
        )
    else:
        etag = docs.post(agency_id=agency_id, scope=scope, content_type=content_type, content=xreq.body, pre=pre)
    response = HttpResponse(status=204)
    response["ETag"] = docs.quoted(etag)
    return response


@xapi_view
def state(xreq: XapiRequest) -> HttpResponse:
    return _document_resource(docs.STATE, xreq)


@xapi_view
def activity_profile(xreq: XapiRequest) -> HttpResponse:
    return _document_resource(docs.ACTIVITY_PROFILE, xreq)


@xapi_view
def agent_profile(xreq: XapiRequest) -> HttpResponse:
    return _document_resource(docs.AGENT_PROFILE, xreq)


@xapi_view
def activities(xreq: XapiRequest) -> HttpResponse:
    if xreq.method != "GET":
        raise XapiError(405, "The activities resource answers GET only.")
    unknown = set(xreq.params) - {"activityId"}
    if unknown:
        raise XapiError(400, f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    activity_id = xreq.params.get("activityId")
    if activity_id is None:
        raise XapiError(400, "Parameter 'activityId' is required.")
    if not xapi.is_iri(activity_id):
        raise XapiError(400, "Parameter 'activityId' is not an IRI.")
    return json_response(docs.activity_object(agency_id=xreq.client.agency_id, activity_id=activity_id))


@xapi_view
def agents(xreq: XapiRequest) -> HttpResponse:
    if xreq.method != "GET":
        raise XapiError(405, "The agents resource answers GET only.")
    unknown = set(xreq.params) - {"agent"}
    if unknown:
        raise XapiError(400, f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    agent_param(xreq, "agent")  # validates: 400 unless an identified Agent or Group
    agent = json.loads(xreq.params["agent"])
    if agent.get("objectType", "Agent") != "Agent":
        raise XapiError(400, "Parameter 'agent' must be an Agent, not a Group.")
    return json_response(docs.person(agency_id=xreq.client.agency_id, agent=agent))
