"""The statements resource: storing, voiding, querying, formats, attachments, isolation between instansi and
the HTTP rules every resource shares (auth, version, alternate syntax). The ADL conformance suite covers the
specification in depth (scripts/lrs-conformance); these tests pin our own behaviour and run in CI."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest

from bangkom.lrs.models import Activity, Statement, StatementActivity, StatementAgent
from bangkom.lrs.services import client_revoke

from .conftest import Xapi

pytestmark = pytest.mark.django_db

VERB_DONE = "http://adlnet.gov/expapi/verbs/completed"
VERB_ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
ACTIVITY = "https://elearning.example.go.id/modul/etika-asn"


def statement(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "actor": {"objectType": "Agent", "name": "Staf", "mbox": "mailto:staf@example.go.id"},
        "verb": {"id": VERB_DONE, "display": {"id-ID": "menyelesaikan", "en-US": "completed"}},
        "object": {
            "id": ACTIVITY,
            "definition": {"name": {"id-ID": "Etika ASN", "en-US": "Civil servant ethics"}},
        },
    }
    base.update(over)
    return base


def ids_of(response: Any) -> list[str]:
    return [s["id"] for s in response.json()["statements"]]


# -- shared HTTP rules ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "version", "status"),
    [
        ("good", "1.0.3", 200),
        ("good", "1.0.0", 200),
        ("good", "1.0", 200),
        ("good", None, 400),
        ("good", "2.0.0", 200),
        ("good", "2.1.0", 400),
        ("good", "0.95", 400),
        ("none", "1.0.3", 401),
        ("wrong_secret", "1.0.3", 401),
        ("garbage", "1.0.3", 401),
    ],
)
def test_auth_and_version(xapi: Xapi, auth: str, version: str | None, status: int) -> None:
    headers = xapi.headers(version=version)
    if auth == "none":
        headers.pop("HTTP_AUTHORIZATION")
    elif auth == "wrong_secret":
        headers["HTTP_AUTHORIZATION"] = (
            "Basic " + __import__("base64").b64encode(f"{xapi.client.key}:x".encode()).decode()
        )
    elif auth == "garbage":
        headers["HTTP_AUTHORIZATION"] = "Basic !!!"
    response = xapi.http.get("/xapi/statements", **headers)
    assert response.status_code == status
    assert response["X-Experience-API-Version"] == ("2.0.0" if (version or "").startswith("2.") else "1.0.3")
    if status == 401:
        assert "Basic" in response["WWW-Authenticate"]


def test_revoked_key_stops_at_once(xapi: Xapi) -> None:
    assert xapi.get("statements").status_code == 200
    client_revoke(actor=None, client=xapi.client)
    assert xapi.get("statements").status_code == 401


def test_about_needs_neither_auth_nor_version(client: Any) -> None:
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.json()["version"]


def test_xapi_2_statement_with_context_agents(xapi: Xapi) -> None:
    stmt = statement(
        version="2.0.0",
        context={
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": {"mbox": "mailto:mentor@example.go.id"},
                    "relevantTypes": ["https://example.go.id/peran/mentor"],
                }
            ]
        },
    )
    assert xapi.post("statements", stmt).status_code == 400  # a 1.0.3 client may not send 2.0 properties
    response = xapi.post("statements", stmt, version="2.0.0")
    assert response.status_code == 200 and response["X-Experience-API-Version"] == "2.0.0"
    related = xapi.get(
        "statements", {"agent": json.dumps({"mbox": "mailto:mentor@example.go.id"}), "related_agents": "true"}
    )
    assert ids_of(related) == response.json()


def test_alternate_request_syntax_put(xapi: Xapi) -> None:
    sid = str(uuid.uuid4())
    form = urlencode(
        {
            "statementId": sid,
            "content": json.dumps(statement()),
            "Authorization": xapi.auth,
            "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json",
        }
    )
    response = xapi.http.post(
        "/xapi/statements?method=PUT", data=form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204
    assert Statement.objects.filter(statement_id=sid).count() == 1


@pytest.mark.parametrize(
    ("query", "content_type", "status"),
    [
        ("?method=PUT&statementId=x", "application/x-www-form-urlencoded", 400),  # extra query parameter
        ("?method=PUT", "application/json", 400),  # body not url-encoded
        ("?method=TRACE", "application/x-www-form-urlencoded", 400),
    ],
)
def test_alternate_request_syntax_refusals(xapi: Xapi, query: str, content_type: str, status: int) -> None:
    response = xapi.http.post(
        "/xapi/statements" + query, data="content=%7B%7D", content_type=content_type, **xapi.headers()
    )
    assert response.status_code == status
    assert Statement.objects.count() == 0


# -- storing --------------------------------------------------------------------------------------------------


def test_post_put_get_roundtrip(xapi: Xapi) -> None:
    response = xapi.post("statements", [statement(), statement(verb={"id": VERB_ATTENDED})])
    assert response.status_code == 200
    ids = response.json()
    assert len(ids) == 2 and all(uuid.UUID(i) for i in ids)
    sid = str(uuid.uuid4())
    assert xapi.put("statements", statement(), query=f"?statementId={sid}").status_code == 204
    got = xapi.get("statements", {"statementId": sid})
    assert got.status_code == 200
    body = got.json()
    assert body["id"] == sid
    assert body["authority"]["account"]["name"] == xapi.client.key  # the LRS sets the authority
    assert body["version"] == "1.0.0" and body["stored"].endswith("Z")
    assert got["Last-Modified"] and got["X-Experience-API-Consistent-Through"]
    row = Statement.objects.get(statement_id=sid)
    assert StatementAgent.objects.filter(statement=row, agent="mbox:mailto:staf@example.go.id", direct=True).exists()
    assert StatementActivity.objects.filter(statement=row, activity=ACTIVITY, direct=True).exists()
    assert Activity.objects.get(activity_id=ACTIVITY).definition["name"]["id-ID"] == "Etika ASN"


def test_resending_same_statement_is_idempotent_and_different_content_conflicts(xapi: Xapi) -> None:
    sid = str(uuid.uuid4())
    first = statement(id=sid)
    assert xapi.post("statements", first).status_code == 200
    assert xapi.post("statements", first).status_code == 200
    assert xapi.put("statements", first, query=f"?statementId={sid}").status_code == 204
    assert Statement.objects.filter(statement_id=sid).count() == 1
    changed = statement(id=sid, verb={"id": VERB_ATTENDED})
    assert xapi.post("statements", changed).status_code == 409
    assert xapi.get("statements", {"statementId": sid}).json()["verb"]["id"] == VERB_DONE


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ([statement(), statement(actor={"mbox": "staf@example.go.id"})], "mbox without mailto"),
        ([statement(), {"verb": {"id": VERB_DONE}}], "no actor"),
        ([statement(id=(d := str(uuid.uuid4()))), statement(id=d)], "same id twice in a batch"),
        ([statement(verb={"id": "not an iri"})], "verb not an IRI"),
        ([statement(timestamp="yesterday")], "bad timestamp"),
        ([statement(), statement(id=str(uuid.uuid4()) + "\n")], "id with a line break (was a 500)"),
        # Text that cannot be stored (each was a 500 before):
        (json.dumps([statement(), statement(verb={"id": VERB_DONE + "/\ud800"})]), "lone surrogate in an IRI"),
        (json.dumps([statement(result={"response": "\udfff"})]), "lone surrogate in a string"),
        (
            json.dumps([statement(result={"extensions": {"https://x.example/e": 1}})]).replace(
                "1}}", "[" * 5000 + "]" * 5000 + "}}"
            ),
            "nested 5,000 deep",
        ),
        ([statement(timestamp="9999-12-31T23:59:59-14:00")], "timestamp after year 9999 in UTC"),
        ([statement(timestamp="0001-01-01T00:00:00+07:00")], "timestamp before year 1 in UTC"),
        ([statement(actor={"account": {"homePage": "https://sso.example.go.id", "name": "a\u0000b"}})], "NUL"),
        ([statement(), {**statement(), "unknown": 1}], "unknown property"),
        ([], "empty batch"),
        ('{"actor": {"mbox": "mailto:a@b.c", "mbox": "mailto:d@e.f"}}', "duplicate key"),
        ("not json", "not JSON"),
    ],
)
def test_bad_batch_stores_nothing(xapi: Xapi, body: Any, why: str) -> None:
    response = xapi.post("statements", body)
    assert response.status_code == 400, why
    assert response.json()["message"]
    assert Statement.objects.count() == 0


def test_put_rules(xapi: Xapi) -> None:
    assert xapi.put("statements", statement()).status_code == 400  # no statementId
    assert xapi.put("statements", statement(), query="?statementId=nope").status_code == 400
    other = str(uuid.uuid4())
    sid = str(uuid.uuid4())
    assert xapi.put("statements", statement(id=other), query=f"?statementId={sid}").status_code == 400
    assert xapi.post("statements", statement(), query="?statementId=" + sid).status_code == 400


def test_voiding(xapi: Xapi) -> None:
    target = xapi.post("statements", statement()).json()[0]
    voiding = {
        "actor": {"mbox": "mailto:admin@example.go.id"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }
    voiding_id = xapi.post("statements", voiding).json()[0]
    assert xapi.get("statements", {"statementId": target}).status_code == 404
    assert xapi.get("statements", {"voidedStatementId": target}).status_code == 200
    listed = ids_of(xapi.get("statements"))
    assert target not in listed and voiding_id in listed
    # A voiding statement cannot itself be voided: the request is accepted, the voiding statement stays.
    again = {**voiding, "object": {"objectType": "StatementRef", "id": voiding_id}}
    assert xapi.post("statements", again).status_code == 200
    assert xapi.get("statements", {"statementId": voiding_id}).status_code == 200


def test_a_statement_voided_in_its_own_batch(xapi: Xapi) -> None:
    target = statement(id=str(uuid.uuid4()))
    voiding = {
        "actor": {"mbox": "mailto:admin@example.go.id"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target["id"]},
    }
    other = statement(id=str(uuid.uuid4()))
    assert xapi.post("statements", [target, voiding, other]).status_code == 200
    assert xapi.get("statements", {"statementId": target["id"]}).status_code == 404
    assert xapi.get("statements", {"voidedStatementId": target["id"]}).status_code == 200
    assert target["id"] not in ids_of(xapi.get("statements")) and other["id"] in ids_of(xapi.get("statements"))


def test_multipart_attachment_roundtrip(xapi: Xapi) -> None:
    content = b"Sertifikat pelatihan etika ASN"
    sha2 = hashlib.sha256(content).hexdigest()
    stmt = statement(
        attachments=[
            {
                "usageType": "http://id.tincanapi.com/attachment/certificate",
                "display": {"id-ID": "Sertifikat"},
                "contentType": "text/plain",
                "length": len(content),
                "sha2": sha2,
            }
        ]
    )
    boundary = "batas"
    body = (
        (
            f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(stmt)}\r\n"
            f"--{boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--".encode()
    )
    response = xapi.post("statements", body, content_type=f"multipart/mixed; boundary={boundary}")
    assert response.status_code == 200, response.content
    sid = response.json()[0]
    got = xapi.get("statements", {"statementId": sid, "attachments": "true"})
    assert got["Content-Type"].startswith("multipart/mixed")
    assert content in got.content and sha2.encode() in got.content
    # The same statement without its attachment part is refused.
    missing = xapi.post("statements", statement(id=str(uuid.uuid4()), attachments=stmt["attachments"]))
    assert missing.status_code == 400


# -- querying -------------------------------------------------------------------------------------------------


@pytest.fixture
def stored(xapi: Xapi) -> dict[str, str]:
    registration = str(uuid.uuid4())
    named = {
        "a_done": statement(),
        "a_attended": statement(verb={"id": VERB_ATTENDED}),
        "b_done": statement(actor={"account": {"homePage": "https://siasn.bkn.go.id", "name": "199001012020011001"}}),
        "context": statement(
            object={"id": "https://elearning.example.go.id/kuis/1"},
            context={"registration": registration, "contextActivities": {"parent": [{"id": ACTIVITY}]}},
        ),
    }
    out = {}
    for name, stmt in named.items():
        out[name] = xapi.post("statements", stmt).json()[0]
    out["registration"] = registration
    return out


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"a_done", "a_attended", "b_done", "context"}),
        ({"verb": VERB_ATTENDED}, {"a_attended"}),
        ({"agent": json.dumps({"mbox": "mailto:staf@example.go.id"})}, {"a_done", "a_attended", "context"}),
        (
            {"agent": json.dumps({"account": {"homePage": "https://siasn.bkn.go.id", "name": "199001012020011001"}})},
            {"b_done"},
        ),
        ({"activity": ACTIVITY}, {"a_done", "a_attended", "b_done"}),
        ({"activity": ACTIVITY, "related_activities": "true"}, {"a_done", "a_attended", "b_done", "context"}),
        ({"verb": VERB_DONE, "activity": ACTIVITY}, {"a_done", "b_done"}),
        ({"registration": "REG"}, {"context"}),
    ],
)
def test_filters(xapi: Xapi, stored: dict[str, str], params: dict[str, str], expected: set[str]) -> None:
    if params.get("registration") == "REG":
        params = {"registration": stored["registration"]}
    response = xapi.get("statements", params)
    assert response.status_code == 200
    got = set(ids_of(response))
    assert got == {stored[n] for n in expected}


def test_order_limit_and_more(xapi: Xapi) -> None:
    sent = [xapi.post("statements", statement()).json()[0] for _ in range(5)]
    seen: list[str] = []
    response = xapi.get("statements", {"limit": 2, "ascending": "true"})
    while True:
        body = response.json()
        seen.extend(s["id"] for s in body["statements"])
        if not body["more"]:
            break
        assert body["more"].startswith("/xapi/statements?more=")
        response = xapi.http.get(body["more"], **xapi.headers())
    assert seen == sent
    newest = ids_of(xapi.get("statements", {"limit": 1}))
    assert newest == [sent[-1]]


def test_since_until(xapi: Xapi) -> None:
    first = xapi.post("statements", statement()).json()[0]
    stored_first = xapi.get("statements", {"statementId": first}).json()["stored"]
    second = xapi.post("statements", statement()).json()[0]
    assert ids_of(xapi.get("statements", {"since": stored_first})) == [second]
    assert first in ids_of(xapi.get("statements", {"until": stored_first}))
    assert second not in ids_of(xapi.get("statements", {"until": stored_first}))


@pytest.mark.parametrize(
    "params",
    [
        {"statementId": "5f4b9f0e-0000-4000-8000-000000000000", "verb": VERB_DONE},
        {"unknown": "1"},
        {"StatementId": "5f4b9f0e-0000-4000-8000-000000000000"},
        {"limit": "-1"},
        {"format": "pretty"},
        {"agent": "{not json"},
        {"agent": json.dumps({"name": "no identifier"})},
        {"since": "last week"},
        {"ascending": "yes"},
        {"more": "forged-token"},
    ],
)
def test_bad_queries(xapi: Xapi, params: dict[str, str]) -> None:
    response = xapi.get("statements", params)
    assert response.status_code == 400
    assert response["X-Experience-API-Consistent-Through"]


def test_formats(xapi: Xapi) -> None:
    sid = xapi.post("statements", statement()).json()[0]
    ids = xapi.get("statements", {"statementId": sid, "format": "ids"}).json()
    assert ids["actor"] == {"objectType": "Agent", "mbox": "mailto:staf@example.go.id"}
    assert ids["verb"] == {"id": VERB_DONE} and ids["object"] == {"id": ACTIVITY}
    canonical = xapi.get(
        "statements", {"statementId": sid, "format": "canonical"}, HTTP_ACCEPT_LANGUAGE="en-US, id;q=0.5"
    ).json()
    assert canonical["object"]["definition"]["name"] == {"en-US": "Civil servant ethics"}
    assert canonical["verb"]["display"] == {"en-US": "completed"}
    exact = xapi.get("statements", {"statementId": sid}).json()
    assert exact["object"]["definition"]["name"] == {"id-ID": "Etika ASN", "en-US": "Civil servant ethics"}


def test_statement_ref_follows_filter(xapi: Xapi) -> None:
    target = xapi.post("statements", statement(verb={"id": VERB_ATTENDED})).json()[0]
    ref = xapi.post(
        "statements",
        statement(
            verb={"id": "http://adlnet.gov/expapi/verbs/commented"}, object={"objectType": "StatementRef", "id": target}
        ),
    ).json()[0]
    assert set(ids_of(xapi.get("statements", {"verb": VERB_ATTENDED}))) == {target, ref}


@pytest.mark.parametrize(("window_cap", "target_cap"), [(5_000, 20_000), (0, 20_000), (0, 0)])
def test_statement_refs_found_by_every_strategy(
    xapi: Xapi, monkeypatch: pytest.MonkeyPatch, window_cap: int, target_cap: int
) -> None:
    """select() checks the StatementRef statements of the page's window, or looks them up from the matching
    statements, or both when both are many (lrs.statements._referring): the same answer each way."""
    from bangkom.lrs import statements as st

    monkeypatch.setattr(st, "WINDOW_CAP", window_cap)
    monkeypatch.setattr(st, "TARGET_CAP", target_cap)
    other = {"objectType": "Agent", "mbox": "mailto:lain@example.go.id"}
    target = xapi.post("statements", statement(verb={"id": VERB_ATTENDED})).json()[0]
    unrelated = xapi.post("statements", statement(actor=other)).json()[0]
    commented = {"id": "http://adlnet.gov/expapi/verbs/commented"}
    ref = xapi.post("statements", statement(actor=other, verb=commented, object=ref_to(target))).json()[0]
    ref_of_ref = xapi.post("statements", statement(actor=other, verb=commented, object=ref_to(ref))).json()[0]
    xapi.post("statements", statement(actor=other, verb=commented, object=ref_to(unrelated)))
    agent = json.dumps({"mbox": "mailto:staf@example.go.id"})
    assert ids_of(xapi.get("statements", {"agent": agent})) == [ref_of_ref, ref, target]
    assert ids_of(xapi.get("statements", {"verb": VERB_ATTENDED, "ascending": "true"})) == [target, ref, ref_of_ref]
    # One per page, following "more".
    page = xapi.get("statements", {"agent": agent, "limit": "1"}).json()
    seen = [s["id"] for s in page["statements"]]
    while page["more"]:
        page = xapi.http.get(page["more"], **xapi.headers()).json()
        seen += [s["id"] for s in page["statements"]]
    assert seen == [ref_of_ref, ref, target]


def ref_to(sid: str) -> dict[str, str]:
    return {"objectType": "StatementRef", "id": sid}


# -- isolation between instansi --------------------------------------------------------------------------------


def test_instansi_never_see_each_other(xapi: Xapi, xapi_b: Xapi) -> None:
    sid = xapi.post("statements", statement()).json()[0]
    assert xapi_b.get("statements", {"statementId": sid}).status_code == 404
    assert ids_of(xapi_b.get("statements")) == []
    assert ids_of(xapi_b.get("statements", {"activity": ACTIVITY})) == []
    # The same id may exist in two instansi without conflict: each store is its own.
    assert (
        xapi_b.put("statements", statement(verb={"id": VERB_ATTENDED}), query=f"?statementId={sid}").status_code == 204
    )
    assert xapi.get("statements", {"statementId": sid}).json()["verb"]["id"] == VERB_DONE


def test_very_long_identifiers_are_stored_and_found(xapi: Xapi) -> None:
    verb = "https://example.go.id/verb/" + "v" * 2000
    activity = "https://example.go.id/kegiatan/" + "ü" * 900  # 1,800 bytes in UTF-8
    actor = {"account": {"homePage": "https://example.go.id", "name": "n" * 1500}}
    sid = xapi.post("statements", statement(verb={"id": verb}, object={"id": activity}, actor=actor)).json()[0]
    assert ids_of(xapi.get("statements", {"verb": verb})) == [sid]
    assert ids_of(xapi.get("statements", {"activity": activity})) == [sid]
    assert ids_of(xapi.get("statements", {"agent": json.dumps(actor)})) == [sid]
    assert ids_of(xapi.get("statements", {"verb": verb[:-1] + "w"})) == []


def test_surrogate_pairs_are_characters(xapi: Xapi) -> None:
    # \ud83d\ude00 is one character (U+1F600) written as a UTF-16 pair: stored and returned as that character.
    sent = statement(id=str(uuid.uuid4()), result={"response": "\U0001f600"})
    body = json.dumps(sent)
    assert "\\ud83d\\ude00" in body
    assert xapi.post("statements", body).status_code == 200
    got = xapi.get("statements", {"statementId": sent["id"]}).json()
    assert got["result"]["response"] == "\U0001f600"
