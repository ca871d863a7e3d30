"""xAPI document resources (state, activity profile, agent profile) and the activities and agents resources,
through HTTP as a client platform calls them (xAPI 1.0.3 Communication 2.2-2.7, 3.1)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client as HttpClient

from bangkom.lrs import documents as docs
from bangkom.lrs.models import Activity, Document
from bangkom.org.models import Agency
from tests.conftest import Org
from tests.lrs.conftest import make_xapi

ACTIVITY = "https://elearning.example.go.id/modul/42"
AGENT = {"objectType": "Agent", "mbox": "mailto:staf1@example.go.id"}
OTHER_AGENT = {"objectType": "Agent", "account": {"homePage": "https://sso.example.go.id", "name": "199001"}}
REG = "6f2a6c4e-3a54-4d43-9d1b-0d2c1d6a8b11"
STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"


@dataclass
class Lrs:
    """One client platform of one instansi calling the LRS."""

    http: HttpClient
    auth: str

    def call(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        *,
        content_type: str = "application/json",
        **headers: str,
    ) -> HttpResponse:
        query = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in (params or {}).items()}
        url = path + ("?" + urlencode(query) if query else "")
        data = json.dumps(body) if isinstance(body, dict | list) else (body or "")
        extra = {"HTTP_AUTHORIZATION": self.auth, "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
        extra.update({"HTTP_" + k.upper(): v for k, v in headers.items()})
        return self.http.generic(method, url, data=data, content_type=content_type, **extra)  # type: ignore[return-value]


def _lrs(agency: Agency) -> Lrs:
    platform = make_xapi(agency, f"Platform {agency.code}")
    return Lrs(platform.http, platform.auth)


@pytest.fixture
def lrs(org: Org) -> Lrs:
    return _lrs(org.agency_a)


@pytest.fixture
def lrs_b(org: Org) -> Lrs:
    return _lrs(org.agency_b)


def state_params(**extra: Any) -> dict[str, Any]:
    return {"activityId": ACTIVITY, "agent": AGENT, "stateId": "bookmark", **extra}


def activity_profile_params(**extra: Any) -> dict[str, Any]:
    return {"activityId": ACTIVITY, "profileId": "rubric", **extra}


def agent_profile_params(**extra: Any) -> dict[str, Any]:
    return {"agent": AGENT, "profileId": "preferences", **extra}


def body_json(response: HttpResponse) -> Any:
    return json.loads(response.content)


# --- parameters --------------------------------------------------------------------------------------------

BAD_PARAMS = [
    # (resource, method, params): every one answered 400 before anything is read or written
    (STATE, "GET", {"agent": AGENT, "stateId": "s"}),  # activityId missing
    (STATE, "PUT", {"agent": AGENT, "stateId": "s"}),
    (STATE, "DELETE", {"agent": AGENT}),
    (STATE, "GET", {"activityId": ACTIVITY, "stateId": "s"}),  # agent missing
    (STATE, "POST", {"activityId": ACTIVITY, "stateId": "s"}),
    (STATE, "PUT", {"activityId": ACTIVITY, "agent": AGENT}),  # stateId missing for a write
    (STATE, "POST", {"activityId": ACTIVITY, "agent": AGENT}),
    (STATE, "PUT", state_params(activityId="not an iri")),
    (STATE, "GET", state_params(agent="{not json")),
    (STATE, "GET", state_params(agent={"objectType": "Agent", "name": "no identifier"})),
    (STATE, "PUT", state_params(registration="not-a-uuid")),
    (STATE, "GET", {"activityId": ACTIVITY, "agent": AGENT, "since": "yesterday"}),
    (STATE, "PUT", state_params(colour="blue")),  # unknown parameter
    (STATE, "PUT", state_params(since="2026-01-01T00:00:00Z")),  # since only for GET
    (ACTIVITY_PROFILE, "GET", {"profileId": "p"}),
    (ACTIVITY_PROFILE, "POST", {"activityId": ACTIVITY}),
    (ACTIVITY_PROFILE, "DELETE", {"activityId": ACTIVITY}),  # no delete of many profiles
    (ACTIVITY_PROFILE, "GET", activity_profile_params(agent=AGENT)),
    (ACTIVITY_PROFILE, "PUT", activity_profile_params(activityId="no-iri")),
    (AGENT_PROFILE, "GET", {"profileId": "p"}),
    (AGENT_PROFILE, "POST", {"agent": AGENT}),
    (AGENT_PROFILE, "DELETE", {"agent": AGENT}),
    (AGENT_PROFILE, "GET", agent_profile_params(agent="true")),
    (AGENT_PROFILE, "GET", agent_profile_params(activityId=ACTIVITY)),
    (STATE, "GET", state_params(since="2026-01-01")),  # checked also where it has no effect
    (STATE, "PUT", state_params(agent={"account": {"homePage": "https://sso.example.go.id", "name": "x" * 600}})),
    (AGENT_PROFILE, "PUT", agent_profile_params(profileId="p" * 1025)),
    ("/xapi/activities", "GET", {}),
    ("/xapi/activities", "GET", {"activityId": "no iri"}),
    ("/xapi/activities", "GET", {"activityId": ACTIVITY, "agent": AGENT}),
    ("/xapi/agents", "GET", {}),
    ("/xapi/agents", "GET", {"agent": {"objectType": "Agent", "name": "nobody"}}),
    ("/xapi/agents", "GET", {"agent": AGENT, "since": "2026-01-01T00:00:00Z"}),
    # Text that cannot be stored or looked up (each was a 500 before):
    (STATE, "PUT", state_params(stateId="a\x00b")),
    (STATE, "PUT", state_params(agent={"account": {"homePage": "https://sso.example.go.id", "name": "a\x00b"}})),
    (STATE, "PUT", state_params(agent={"account": {"homePage": "https://sso.example.go.id", "name": "a\ud800"}})),
    (STATE, "GET", {"activityId": ACTIVITY, "agent": AGENT, "since": "9999-12-31T23:59:59-14:00"}),
]


@pytest.mark.parametrize(("path", "method", "params"), BAD_PARAMS)
def test_bad_parameters_are_refused_and_nothing_is_written(
    lrs: Lrs, path: str, method: str, params: dict[str, Any]
) -> None:
    response = lrs.call(method, path, params, {"a": 1} if method in {"PUT", "POST"} else None, if_none_match="*")
    assert response.status_code == 400, response.content
    assert body_json(response)["message"]
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("path", "method"),
    [(STATE, "PATCH"), (AGENT_PROFILE, "PATCH"), ("/xapi/activities", "POST"), ("/xapi/agents", "PUT")],
)
def test_methods_outside_the_resource_are_refused(lrs: Lrs, path: str, method: str) -> None:
    assert lrs.call(method, path, state_params()).status_code == 405


def test_without_credentials_or_version_nothing_is_answered(lrs: Lrs) -> None:
    anonymous = Lrs(HttpClient(), "Basic " + base64.b64encode(b"who:knows").decode())
    assert anonymous.call("GET", STATE, state_params()).status_code == 401
    response = lrs.http.get(STATE + "?" + urlencode({"activityId": ACTIVITY}), HTTP_AUTHORIZATION=lrs.auth)
    assert response.status_code == 400


# --- store, read, delete -----------------------------------------------------------------------------------

RESOURCES = [
    (STATE, state_params(), {}),
    (STATE, state_params(registration=REG), {}),
    (ACTIVITY_PROFILE, activity_profile_params(), {"if_none_match": "*"}),
    (AGENT_PROFILE, agent_profile_params(), {"if_none_match": "*"}),
]


@pytest.mark.parametrize(("path", "params", "create"), RESOURCES)
def test_put_get_delete_round_trip(lrs: Lrs, path: str, params: dict[str, Any], create: dict[str, str]) -> None:
    content = b"\x00\x01binary \xff"
    response = lrs.call("PUT", path, params, content, content_type="application/octet-stream", **create)
    assert response.status_code == 204, response.content
    digest = hashlib.sha1(content).hexdigest()  # noqa: S324 - the ETag the spec names
    assert response["ETag"] == f'"{digest}"'

    got = lrs.call("GET", path, params)
    assert got.status_code == 200
    assert got.content == content
    assert got["Content-Type"] == "application/octet-stream"
    assert got["ETag"] == f'"{digest}"'
    assert got["Last-Modified"].endswith("GMT")
    assert got["X-Experience-API-Version"] == "1.0.3"

    head = lrs.call("HEAD", path, params)
    assert head.status_code == 200
    assert head.content == b""

    assert lrs.call("DELETE", path, params).status_code == 204
    assert lrs.call("GET", path, params).status_code == 404
    assert lrs.call("DELETE", path, params).status_code == 204  # deleting what is gone succeeds
    assert not Document.objects.exists()


def test_registration_is_part_of_the_state_key(lrs: Lrs) -> None:
    lrs.call("PUT", STATE, state_params(), {"where": "no registration"})
    lrs.call("PUT", STATE, state_params(registration=REG.upper()), {"where": "registration"})
    assert body_json(lrs.call("GET", STATE, state_params())) == {"where": "no registration"}
    assert body_json(lrs.call("GET", STATE, state_params(registration=REG))) == {"where": "registration"}


MERGES = [
    # (first document, posted document, stored after the merge): top-level properties are replaced whole
    ({"car": "MKX"}, {"car": "MKZ"}, {"car": "MKZ"}),
    ({"car": "Honda"}, {"type": "Civic"}, {"car": "Honda", "type": "Civic"}),
    ({"car": {"make": "Ford", "model": "Escape"}}, {"car": {"make": "Dodge"}}, {"car": {"make": "Dodge"}}),
    ({"a": [1, 2]}, {}, {"a": [1, 2]}),
    ({"nama": "Ani"}, {"catatan": "Lulus ✓"}, {"nama": "Ani", "catatan": "Lulus ✓"}),
    ({"a": 1}, {"s": "x\ud800"}, {"a": 1, "s": "x\ud800"}),  # a lone surrogate kept (as a \u escape)
]


@pytest.mark.parametrize(("path", "params"), [(p, params) for p, params, _ in RESOURCES])
@pytest.mark.parametrize(("first", "posted", "merged"), MERGES)
def test_post_merges_json_objects(
    lrs: Lrs, path: str, params: dict[str, Any], first: dict[str, Any], posted: dict[str, Any], merged: Any
) -> None:
    assert lrs.call("POST", path, params, first).status_code == 204  # stored as a PUT would
    response = lrs.call("POST", path, params, posted)
    assert response.status_code == 204, response.content
    got = lrs.call("GET", path, params)
    assert body_json(got) == merged
    assert got["Content-Type"].startswith("application/json")
    assert got["ETag"] == '"' + hashlib.sha1(got.content).hexdigest() + '"'  # noqa: S324


POST_REFUSED = [
    # (stored content type, stored content, posted content type, posted content)
    ("application/json", b'{"a": 1}', "application/octet-stream", b"abc"),
    ("application/json", b'{"a": 1}', "text/plain", b'{"b": 2}'),
    ("application/json", b'{"a": 1}', "application/json", b'{"b": 2}{'),
    ("application/json", b'{"a": 1}', "application/json", b"[1, 2]"),
    ("application/json", b'{"a": 1}', "application/json", b'{"b": NaN}'),
    ("application/octet-stream", b"/ asdf / undefined", "application/json", b'{"b": 2}'),
    ("application/json", b"[1, 2]", "application/json", b'{"b": 2}'),
    ("application/json", b'{"a": 1}', "application/json", b'{"b": ' + b"[" * 5000 + b"]" * 5000 + b"}"),
]


@pytest.mark.parametrize(("path", "params", "create"), RESOURCES)
@pytest.mark.parametrize(("stored_type", "stored", "posted_type", "posted"), POST_REFUSED)
def test_post_that_cannot_merge_is_refused_and_changes_nothing(
    lrs: Lrs,
    path: str,
    params: dict[str, Any],
    create: dict[str, str],
    stored_type: str,
    stored: bytes,
    posted_type: str,
    posted: bytes,
) -> None:
    assert lrs.call("PUT", path, params, stored, content_type=stored_type, **create).status_code == 204
    response = lrs.call("POST", path, params, posted, content_type=posted_type)
    assert response.status_code == 400
    got = lrs.call("GET", path, params)
    assert got.content == stored
    assert got["Content-Type"] == stored_type


def test_since_with_an_id_has_no_effect(lrs: Lrs) -> None:
    lrs.call("PUT", STATE, state_params(), {"a": 1})
    response = lrs.call("GET", STATE, state_params(since="2999-01-01T00:00:00Z"))
    assert body_json(response) == {"a": 1}


def test_content_type_longer_than_the_lrs_keeps_is_refused(lrs: Lrs) -> None:
    long_type = "application/x-" + "a" * 250
    assert lrs.call("PUT", STATE, state_params(), b"x", content_type=long_type).status_code == 400
    assert not Document.objects.exists()


def test_put_of_json_that_is_not_json_is_refused(lrs: Lrs) -> None:
    assert lrs.call("PUT", STATE, state_params(), b'{"a": ', content_type="application/json").status_code == 400
    assert not Document.objects.exists()


# --- concurrency (Communication 3.1) -----------------------------------------------------------------------

CONCURRENCY = [
    # (resource, params, exists beforehand, headers of the PUT, expected status)
    (AGENT_PROFILE, agent_profile_params(), False, {}, 400),
    (AGENT_PROFILE, agent_profile_params(), True, {}, 409),
    (ACTIVITY_PROFILE, activity_profile_params(), False, {}, 400),
    (ACTIVITY_PROFILE, activity_profile_params(), True, {}, 409),
    (ACTIVITY_PROFILE, activity_profile_params(), False, {"if_none_match": "*"}, 204),
    (ACTIVITY_PROFILE, activity_profile_params(), True, {"if_none_match": "*"}, 412),
    (AGENT_PROFILE, agent_profile_params(), True, {"if_match": '"' + "1" * 40 + '"'}, 412),
    (AGENT_PROFILE, agent_profile_params(), True, {"if_match": "CURRENT"}, 204),
    (AGENT_PROFILE, agent_profile_params(), True, {"if_match": 'W/"x", CURRENT'}, 204),
    (AGENT_PROFILE, agent_profile_params(), True, {"if_match": "*"}, 204),
    (AGENT_PROFILE, agent_profile_params(), False, {"if_match": "*"}, 412),
    (AGENT_PROFILE, agent_profile_params(), True, {"if_none_match": "CURRENT"}, 412),
    (STATE, state_params(), False, {}, 204),
    (STATE, state_params(), True, {}, 204),  # the state resource does not require a precondition
    (STATE, state_params(), True, {"if_none_match": "*"}, 412),
    (STATE, state_params(), True, {"if_match": '"' + "0" * 40 + '"'}, 412),
]


@pytest.mark.parametrize(("path", "params", "exists", "headers", "status"), CONCURRENCY)
def test_put_preconditions(
    lrs: Lrs, path: str, params: dict[str, Any], exists: bool, headers: dict[str, str], status: int
) -> None:
    original = {"version": 1}
    current = ""
    if exists:
        assert lrs.call("POST", path, params, original).status_code == 204
        current = lrs.call("GET", path, params)["ETag"]
    sent = {k: v.replace("CURRENT", current) for k, v in headers.items()}
    response = lrs.call("PUT", path, params, {"version": 2}, **sent)
    assert response.status_code == status, response.content
    got = lrs.call("GET", path, params)
    if status == 204:
        assert body_json(got) == {"version": 2}
    elif exists:
        assert body_json(got) == original
        assert body_json(response)["message"]
    else:
        assert got.status_code == 404


def test_post_and_delete_honour_if_match(lrs: Lrs) -> None:
    params = agent_profile_params()
    lrs.call("POST", AGENT_PROFILE, params, {"a": 1})
    stale = '"' + "2" * 40 + '"'
    assert lrs.call("POST", AGENT_PROFILE, params, {"b": 2}, if_match=stale).status_code == 412
    assert lrs.call("DELETE", AGENT_PROFILE, params, if_match=stale).status_code == 412
    assert body_json(lrs.call("GET", AGENT_PROFILE, params)) == {"a": 1}
    current = lrs.call("GET", AGENT_PROFILE, params)["ETag"]
    assert lrs.call("GET", AGENT_PROFILE, params, if_none_match=current).status_code == 304
    assert lrs.call("DELETE", AGENT_PROFILE, params, if_match=current).status_code == 204


# --- many documents: ids, since, delete of many states ------------------------------------------------------

ID_LISTS = [
    (STATE, {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
    (ACTIVITY_PROFILE, {"activityId": ACTIVITY}, "profileId"),
    (AGENT_PROFILE, {"agent": AGENT}, "profileId"),
]


@pytest.mark.parametrize(("path", "base", "id_param"), ID_LISTS)
def test_get_without_id_lists_ids_and_since_narrows(lrs: Lrs, path: str, base: dict[str, Any], id_param: str) -> None:
    for doc_id in ("one", "two"):
        lrs.call("PUT", path, {**base, id_param: doc_id}, {"id": doc_id}, if_none_match="*")
    Document.objects.filter(doc_id="one").update(updated=dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC))
    assert sorted(body_json(lrs.call("GET", path, base))) == ["one", "two"]
    since = {**base, "since": "2026-01-01T09:00:00+07:00"}  # 02:00 UTC: both are later
    assert sorted(body_json(lrs.call("GET", path, since))) == ["one", "two"]
    since = {**base, "since": "2026-01-01T08:00:00Z"}  # "one" is not after this moment
    assert body_json(lrs.call("GET", path, since)) == ["two"]


def test_ids_only_of_the_agent_and_activity_asked(lrs: Lrs) -> None:
    lrs.call("PUT", STATE, state_params(stateId="mine"), {"a": 1})
    lrs.call("PUT", STATE, state_params(stateId="other-agent", agent=OTHER_AGENT), {"a": 1})
    lrs.call("PUT", STATE, state_params(stateId="other-activity", activityId=ACTIVITY + "/2"), {"a": 1})
    lrs.call("PUT", STATE, state_params(stateId="registered", registration=REG), {"a": 1})
    base = {"activityId": ACTIVITY, "agent": AGENT}
    assert sorted(body_json(lrs.call("GET", STATE, base))) == ["mine", "registered"]
    assert body_json(lrs.call("GET", STATE, {**base, "registration": REG})) == ["registered"]


@pytest.mark.parametrize(
    ("delete_params", "left"),
    [
        ({"activityId": ACTIVITY, "agent": AGENT}, {"other-agent", "other-activity"}),
        ({"activityId": ACTIVITY, "agent": AGENT, "registration": REG}, {"a", "b", "other-agent", "other-activity"}),
        ({"activityId": ACTIVITY, "agent": OTHER_AGENT}, {"a", "b", "c", "other-activity"}),
    ],
)
def test_state_delete_without_state_id_deletes_the_matching_documents(
    lrs: Lrs, delete_params: dict[str, Any], left: set[str]
) -> None:
    lrs.call("PUT", STATE, state_params(stateId="a"), {"x": 1})
    lrs.call("PUT", STATE, state_params(stateId="b"), {"x": 1})
    lrs.call("PUT", STATE, state_params(stateId="c", registration=REG), {"x": 1})
    lrs.call("PUT", STATE, state_params(stateId="other-agent", agent=OTHER_AGENT), {"x": 1})
    lrs.call("PUT", STATE, state_params(stateId="other-activity", activityId=ACTIVITY + "/2"), {"x": 1})
    assert lrs.call("DELETE", STATE, delete_params).status_code == 204
    assert set(Document.objects.values_list("doc_id", flat=True)) == left


def test_alternate_request_syntax_reaches_the_documents(lrs: Lrs) -> None:
    form = {
        "Authorization": lrs.auth,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
        "If-None-Match": "*",
        "content": json.dumps({"via": "form"}),
        **{k: json.dumps(v) if isinstance(v, dict) else v for k, v in agent_profile_params().items()},
    }
    response = lrs.http.post(
        AGENT_PROFILE + "?method=PUT", data=urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204, response.content
    assert body_json(lrs.call("GET", AGENT_PROFILE, agent_profile_params())) == {"via": "form"}


# --- activities and agents ----------------------------------------------------------------------------------


def test_activities_answers_the_canonical_definition(lrs: Lrs, org: Org) -> None:
    definition = {"name": {"en-US": "example meeting", "id-ID": "rapat contoh"}}
    Activity.objects.create(agency=org.agency_a, activity_id=ACTIVITY, definition=definition)
    Activity.objects.create(agency=org.agency_a, activity_id=ACTIVITY + "/bare", definition={})
    response = lrs.call("GET", "/xapi/activities", {"activityId": ACTIVITY})
    assert response.status_code == 200
    assert body_json(response) == {"objectType": "Activity", "id": ACTIVITY, "definition": definition}
    bare = lrs.call("GET", "/xapi/activities", {"activityId": ACTIVITY + "/bare"})
    assert body_json(bare) == {"objectType": "Activity", "id": ACTIVITY + "/bare"}
    # An activity no statement named is still answered as an Activity object (Communication 2.5).
    unknown = lrs.call("GET", "/xapi/activities", {"activityId": ACTIVITY + "/unknown"})
    assert unknown.status_code == 200
    assert body_json(unknown) == {"objectType": "Activity", "id": ACTIVITY + "/unknown"}


def test_activities_after_a_statement(lrs: Lrs) -> None:
    statement = {
        "actor": AGENT,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": ACTIVITY, "definition": {"name": {"id-ID": "Modul 42"}}},
    }
    assert lrs.call("POST", "/xapi/statements", None, [statement]).status_code == 200
    activity = body_json(lrs.call("GET", "/xapi/activities", {"activityId": ACTIVITY}))
    assert activity["id"] == ACTIVITY
    assert activity["definition"]["name"] == {"id-ID": "Modul 42"}


PERSONS = [
    (
        {"objectType": "Agent", "name": "Staf Satu", "mbox": "mailto:staf1@example.go.id"},
        {"objectType": "Person", "name": ["Staf Satu"], "mbox": ["mailto:staf1@example.go.id"]},
    ),
    (
        {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"},
        {"objectType": "Person", "mbox_sha1sum": ["ebd31e95054c018b10727ccffd2ef2ec3a016ee9"]},
    ),
    ({"openid": "https://id.example.go.id/u/7"}, {"objectType": "Person", "openid": ["https://id.example.go.id/u/7"]}),
    (OTHER_AGENT, {"objectType": "Person", "account": [OTHER_AGENT["account"]]}),
]


@pytest.mark.parametrize(("agent", "person"), PERSONS)
def test_agents_answers_a_person_of_the_agent_given(lrs: Lrs, agent: dict[str, Any], person: dict[str, Any]) -> None:
    response = lrs.call("GET", "/xapi/agents", {"agent": agent})
    assert response.status_code == 200
    assert body_json(response) == person


def test_agents_adds_the_names_the_lrs_knows(lrs: Lrs, lrs_b: Lrs) -> None:
    for name in ("Staf Satu", "S. Satu"):
        statement = {
            "actor": {**AGENT, "name": name},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
            "object": {"id": ACTIVITY},
        }
        assert lrs.call("POST", "/xapi/statements", None, [statement]).status_code == 200
    person = body_json(lrs.call("GET", "/xapi/agents", {"agent": AGENT}))
    assert sorted(person["name"]) == ["S. Satu", "Staf Satu"]
    assert person["mbox"] == [AGENT["mbox"]]
    # Another instansi learns nothing from these statements.
    assert body_json(lrs_b.call("GET", "/xapi/agents", {"agent": AGENT})) == {
        "objectType": "Person",
        "mbox": [AGENT["mbox"]],
    }


def test_agents_refuses_a_group(lrs: Lrs) -> None:
    group = {"objectType": "Group", "mbox": "mailto:tim@example.go.id"}
    assert lrs.call("GET", "/xapi/agents", {"agent": group}).status_code == 400


# --- instansi isolation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "params", "create"), RESOURCES)
def test_another_instansi_never_sees_or_touches_the_documents(
    lrs: Lrs, lrs_b: Lrs, path: str, params: dict[str, Any], create: dict[str, str]
) -> None:
    assert lrs.call("PUT", path, params, {"owner": "A"}, **create).status_code == 204
    many = {k: v for k, v in params.items() if k not in {"stateId", "profileId"}}

    assert lrs_b.call("GET", path, params).status_code == 404
    assert body_json(lrs_b.call("GET", path, many)) == []
    # B's writes make B's own document, never A's.
    assert lrs_b.call("POST", path, params, {"owner": "B"}).status_code == 204
    assert lrs_b.call("DELETE", path, params).status_code == 204
    if path == STATE:
        assert lrs_b.call("DELETE", path, many).status_code == 204
    assert body_json(lrs.call("GET", path, params)) == {"owner": "A"}
    assert body_json(lrs.call("GET", path, many)) == [params.get("stateId") or params.get("profileId")]


def test_another_instansi_never_sees_the_activities(lrs_b: Lrs, org: Org) -> None:
    Activity.objects.create(agency=org.agency_a, activity_id=ACTIVITY, definition={"name": {"id-ID": "A"}})
    # B gets the bare Activity object, never A's definition.
    assert body_json(lrs_b.call("GET", "/xapi/activities", {"activityId": ACTIVITY})) == {
        "objectType": "Activity",
        "id": ACTIVITY,
    }


def test_xapi_2_state_put_onto_existing_needs_a_precondition(lrs: Lrs) -> None:
    v2 = {"x_experience_api_version": "2.0.0"}
    assert lrs.call("PUT", STATE, state_params(), {"a": 1}, **v2).status_code == 204
    conflict = lrs.call("PUT", STATE, state_params(), {"a": 2}, **v2)
    assert conflict.status_code == 409 and body_json(conflict)["message"]
    assert body_json(lrs.call("GET", STATE, state_params())) == {"a": 1}
    assert lrs.call("PUT", STATE, state_params(), {"a": 3}).status_code == 204  # 1.0.3: no header needed


def test_unknown_ids_are_accepted_as_any_string(lrs: Lrs) -> None:
    odd = "state/with spaces & ünïcode ?=#"
    assert lrs.call("PUT", STATE, state_params(stateId=odd), {"a": 1}).status_code == 204
    assert body_json(lrs.call("GET", STATE, {"activityId": ACTIVITY, "agent": AGENT})) == [odd]
    assert lrs.call("GET", STATE, state_params(stateId=str(uuid.uuid4()))).status_code == 404


def test_reads_take_one_query_each(lrs: Lrs, org: Org, django_assert_num_queries: Any) -> None:
    """The client platform is cached after its first request; a read is then one query."""
    lrs.call("PUT", STATE, state_params(), {"a": 1})
    Activity.objects.create(agency=org.agency_a, activity_id=ACTIVITY, definition={})
    with django_assert_num_queries(1):
        assert lrs.call("GET", STATE, state_params()).status_code == 200
    with django_assert_num_queries(1):
        assert lrs.call("GET", STATE, {"activityId": ACTIVITY, "agent": AGENT}).status_code == 200
    with django_assert_num_queries(1):
        assert lrs.call("GET", "/xapi/activities", {"activityId": ACTIVITY}).status_code == 200
    with django_assert_num_queries(1):
        assert lrs.call("GET", "/xapi/agents", {"agent": AGENT}).status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows_after")
def test_concurrent_posts_all_land(org: Org) -> None:
    """Many app servers may merge into one document at once: every posted property survives (row lock, one
    retry when two requests create the document together). PostgreSQL only: SQLite serialises writers."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL")
    scope = docs.Scope(docs.STATE, activity_id=ACTIVITY, agent="mbox:mailto:staf1@example.go.id", doc_id="s")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def post(n: int) -> None:
        try:
            barrier.wait()
            docs.post(
                agency_id=org.agency_a.pk,
                scope=scope,
                content_type="application/json",
                content=json.dumps({f"k{n}": n}).encode(),
                pre=docs.Preconditions(),
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    found = docs.get(agency_id=org.agency_a.pk, scope=scope)
    assert found is not None
    assert json.loads(found.content) == {f"k{n}": n for n in range(8)}
