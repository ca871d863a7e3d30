"""xAPI statements and about resources: HTTP only; the rules are in lrs.statements."""

from __future__ import annotations

import uuid
from email.utils import format_datetime

from django.http import HttpResponse
from django.urls import reverse

from bangkom.lrs import statements as st
from bangkom.lrs.http import (
    SUPPORTED_VERSIONS,
    XapiError,
    XapiRequest,
    agent_param,
    error_response,
    json_response,
    xapi_view,
)


@xapi_view(needs_version=False, needs_auth=False)
def about(xreq: XapiRequest) -> HttpResponse:
    if xreq.method != "GET":
        raise XapiError(405, "The about resource answers GET only.")
    return json_response({"version": SUPPORTED_VERSIONS, "extensions": {}})


@xapi_view
def statements(xreq: XapiRequest) -> HttpResponse:
    if xreq.method == "PUT":
        return _put(xreq)
    if xreq.method == "POST":
        return _post(xreq)
    if xreq.method == "GET":
        try:
            return _get(xreq)
        except XapiError as exc:
            # Every answer to a statements GET carries the header, errors included (Communication 2.1.3).
            response = error_response(exc.status, exc.message, exc.headers)
            response["X-Experience-API-Consistent-Through"] = st.iso(st.timezone.now())
            return response
    raise XapiError(405, f"Method {xreq.method} is not allowed on statements.")


def _put(xreq: XapiRequest) -> HttpResponse:
    unknown = set(xreq.params) - {"statementId"}
    if unknown:
        raise XapiError(400, f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    sid = xreq.params.get("statementId")
    if sid is None:
        raise XapiError(400, "PUT needs the statementId parameter.")
    if not st.xapi.is_uuid(sid):
        raise XapiError(400, "statementId is not a UUID.")
    body = st.parse_body(xreq.headers.get("content-type", ""), xreq.body)
    st.store(
        client=xreq.client,
        value=body.statements,
        parts=body.parts,
        put_id=str(uuid.UUID(sid)),
        v2=xreq.v2,
        owned=True,
    )
    return HttpResponse(status=204)


def _post(xreq: XapiRequest) -> HttpResponse:
    if xreq.params:
        raise XapiError(400, f"Unknown parameter(s): {', '.join(sorted(xreq.params))}.")
    body = st.parse_body(xreq.headers.get("content-type", ""), xreq.body)
    ids = st.store(client=xreq.client, value=body.statements, parts=body.parts, v2=xreq.v2, owned=True)
    return json_response(ids)


def _answer(xreq: XapiRequest, payload: str, rows: list[st.Statement], attachments: bool) -> HttpResponse:
    headers = {"X-Experience-API-Consistent-Through": st.iso(st.timezone.now())}
    if not attachments:
        response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    else:
        boundary = uuid.uuid4().hex
        chunks = [
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
            payload.encode(),
            b"\r\n",
        ]
        for attachment in st.attachments_for(xreq.client.agency_id, rows):
            chunks += [
                f"--{boundary}\r\nContent-Type: {attachment.content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {attachment.sha2}\r\n\r\n".encode(),
                bytes(attachment.content),
                b"\r\n",
            ]
        chunks.append(f"--{boundary}--".encode())
        response = HttpResponse(b"".join(chunks), content_type=f"multipart/mixed; boundary={boundary}")
    for key, value in headers.items():
        response[key] = value
    return response


def _get(xreq: XapiRequest) -> HttpResponse:
    params = xreq.params
    agency_id = xreq.client.agency_id
    languages = st.accept_languages(xreq.header("accept-language"))
    if "more" in params:
        if set(params) != {"more"}:
            raise XapiError(400, "The 'more' parameter stands alone.")
        query = st.Query.from_token(params["more"])
    else:
        single = [k for k in ("statementId", "voidedStatementId") if k in params]
        if single:
            if len(single) > 1 or set(params) - st.SINGLE_PARAMS:
                raise XapiError(400, f"{single[0]} may only be combined with format and attachments.")
            query = st.parse_query(params, lambda name: agent_param(xreq, name))
            sid = params[single[0]]
            if not st.xapi.is_uuid(sid):
                raise XapiError(400, f"{single[0]} is not a UUID.")
            row = st.get_one(agency_id, str(uuid.UUID(sid)), voided=single[0] == "voidedStatementId")
            payload = st.dumps(st.render([row], query.format, agency_id, languages)[0])
            response = _answer(xreq, payload, [row], query.attachments)
            response["Last-Modified"] = format_datetime(row.stored, usegmt=True)
            return response
        query = st.parse_query(params, lambda name: agent_param(xreq, name))
    rows, more = st.select(agency_id, query)
    result: dict[str, object] = {"statements": st.render(rows, query.format, agency_id, languages), "more": ""}
    if more and rows:
        query.after = (rows[-1].stored, rows[-1].pk)
        result["more"] = reverse("lrs:statements") + "?more=" + query.to_token()
    return _answer(xreq, st.dumps(result), rows, query.attachments)
