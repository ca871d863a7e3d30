"""The xAPI document resources (state, activity profile, agent profile) and the activities and agents resources
(xAPI 1.0.3 Communication 2.2-2.7, concurrency 3.1).

Every read and write of a Document goes through here and is scoped to one instansi: a client platform only
ever sees the documents that platforms of its own instansi stored. The HTTP side (lrs.document_views) parses
nothing beyond the request; the parameter rules, the merge and the precondition rules are written once here.
Errors are XapiError, as in lrs.statements, so that the resource answers with the status the spec names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bangkom.engine import xapi
from bangkom.lrs.http import XapiError
from bangkom.lrs.models import Activity, Document, DocumentKind, Statement, StatementAgent

JSON_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
# How many of an agent's latest statements the agents resource reads to learn the names it went by.
PERSON_STATEMENTS = 20
# In UTF-8 bytes, not characters: the lookup index (agency, kind, activity_id, agent, updated) must stay under
# PostgreSQL's 2,704 bytes per B-tree entry whatever the script of the ids.
MAX_ID_LENGTH = 1024  # Document.doc_id and Document.activity_id
MAX_AGENT_LENGTH = 512  # Document.agent
MAX_CONTENT_TYPE_LENGTH = 255  # Document.content_type


@dataclass(frozen=True)
class Resource:
    """What a document resource takes: its kind, the name of its id parameter and which of activityId,
    agent and registration it is keyed by (Communication 2.3, 2.6, 2.7)."""

    kind: str
    id_param: str
    activity: bool
    agent: bool
    registration: bool
    # PUT onto a profile needs If-Match or If-None-Match (3.1); the state resource does not require it.
    put_needs_precondition: bool
    # DELETE without the id deletes every matching document (state only, 2.3).
    delete_many: bool


STATE = Resource(DocumentKind.STATE, "stateId", True, True, True, False, True)
ACTIVITY_PROFILE = Resource(DocumentKind.ACTIVITY_PROFILE, "profileId", True, False, False, True, False)
AGENT_PROFILE = Resource(DocumentKind.AGENT_PROFILE, "profileId", False, True, False, True, False)


@dataclass(frozen=True)
class Scope:
    """The set of documents one request addresses; doc_id empty when the request names none."""

    resource: Resource
    activity_id: str = ""
    agent: str = ""
    registration: str = ""
    doc_id: str = ""
    since: dt.datetime | None = None


@dataclass(frozen=True)
class Preconditions:
    """If-Match and If-None-Match as sent (RFC 7232): None when absent, else the entity tags or ["*"]."""

    if_match: list[str] | None = None
    if_none_match: list[str] | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Preconditions:
        return cls(_etags(headers.get("if-match")), _etags(headers.get("if-none-match")))

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


@dataclass(frozen=True)
class Content:
    """A stored document as the GET answer needs it."""

    content_type: str
    content: bytes
    etag: str
    updated: dt.datetime


def _etags(value: str | None) -> list[str] | None:
    if value is None:
        return None
    tags = []
    for raw in value.split(","):
        tag = raw.strip()
        if tag.startswith(("W/", "w/")):
            tag = tag[2:]
        tag = tag.strip('"').lower()
        if tag:
            tags.append(tag)
    return tags


def etag_of(content: bytes) -> str:
    """The SHA-1 of the content in hexadecimal; sent in quotes (Communication 3.1)."""
    return hashlib.sha1(content).hexdigest()  # noqa: S324 - the spec names SHA-1 for ETags; no security role


def quoted(etag: str) -> str:
    return f'"{etag}"'


def _moment(value: str, name: str) -> dt.datetime:
    if not xapi.is_timestamp(value):
        raise XapiError(400, f"Parameter '{name}' is not an ISO 8601 timestamp.")
    try:
        moment = dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError as exc:
        raise XapiError(400, f"Parameter '{name}' is not an ISO 8601 timestamp.") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def parse_scope(resource: Resource, method: str, params: Mapping[str, str], agent_key_of: Callable[[], str]) -> Scope:
    """The parameters of one request checked against the resource's table (missing, unknown, malformed: 400).

    agent_key_of parses the `agent` parameter (lrs.http.agent_param) and is only called where it is needed."""
    allowed = {resource.id_param}
    if resource.activity:
        allowed.add("activityId")
    if resource.agent:
        allowed.add("agent")
    if resource.registration:
        allowed.add("registration")
    if method == "GET":
        allowed.add("since")
    unknown = set(params) - allowed
    if unknown:
        raise XapiError(400, f"Unknown parameter(s) for this resource and method: {', '.join(sorted(unknown))}.")
    activity_id = ""
    if resource.activity:
        if "activityId" not in params:
            raise XapiError(400, "Parameter 'activityId' is required.")
        activity_id = params["activityId"]
        if not xapi.is_iri(activity_id):
            raise XapiError(400, "Parameter 'activityId' is not an IRI.")
    agent = agent_key_of() if resource.agent else ""
    registration = ""
    if "registration" in params:
        if not xapi.is_uuid(params["registration"]):
            raise XapiError(400, "Parameter 'registration' is not a UUID.")
        registration = str(uuid.UUID(params["registration"]))
    doc_id = params.get(resource.id_param, "")
    if resource.id_param in params and not doc_id:
        raise XapiError(400, f"Parameter '{resource.id_param}' must not be empty.")
    if not doc_id and (method in {"PUT", "POST"} or (method == "DELETE" and not resource.delete_many)):
        raise XapiError(400, f"Parameter '{resource.id_param}' is required for {method}.")
    # 'since' only narrows a list of ids; with an id it is checked and has no effect (2.3, 2.6, 2.7).
    since = _moment(params["since"], "since") if "since" in params else None
    if "\x00" in doc_id:
        raise XapiError(400, f"Parameter '{resource.id_param}' must not contain the character U+0000.")
    if len(doc_id.encode()) > MAX_ID_LENGTH:
        raise XapiError(400, f"Parameter '{resource.id_param}' is too long.")
    if len(activity_id.encode()) > MAX_ID_LENGTH:
        raise XapiError(400, "Parameter 'activityId' is too long.")
    if len(agent.encode()) > MAX_AGENT_LENGTH:
        raise XapiError(400, "Parameter 'agent' has an identifier too long for this LRS.")
    return Scope(resource, activity_id, agent, registration, doc_id, since)


def _matching(agency_id: int, scope: Scope, *, many: bool = False) -> Any:
    """The documents of the scope. One state document is keyed by its registration too (none when the request
    gives none); the GET and DELETE of many state documents narrow to a registration only when one is given."""
    qs = Document.objects.filter(
        agency_id=agency_id, kind=scope.resource.kind, activity_id=scope.activity_id, agent=scope.agent
    )
    if scope.resource.registration and (scope.registration or not many):
        qs = qs.filter(registration=scope.registration)
    return qs


def get(*, agency_id: int, scope: Scope) -> Content | None:
    row = (
        _matching(agency_id, scope)
        .filter(doc_id=scope.doc_id)
        .only("content_type", "content", "etag", "updated")
        .first()
    )
    if row is None:
        return None
    return Content(row.content_type, bytes(row.content), row.etag, row.updated)


def ids(*, agency_id: int, scope: Scope) -> list[str]:
    """The ids of the documents in scope, those updated after `since` when given, oldest change first."""
    qs = _matching(agency_id, scope, many=True)
    if scope.since is not None:
        qs = qs.filter(updated__gt=scope.since)
    # dict: one id once, also when it exists under several registrations.
    return list(dict.fromkeys(qs.order_by("updated", "pk").values_list("doc_id", flat=True)))


def _check(existing: Document | None, pre: Preconditions) -> None:
    """RFC 7232 preconditions against the current document (412 when they fail)."""
    if pre.if_match is not None and (
        existing is None or ("*" not in pre.if_match and existing.etag not in pre.if_match)
    ):
        raise XapiError(412, "If-Match does not match the current document (it changed or does not exist).")
    if (
        pre.if_none_match is not None
        and existing is not None
        and ("*" in pre.if_none_match or existing.etag in pre.if_none_match)
    ):
        raise XapiError(412, "If-None-Match: the document already exists.")


def _refuse_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def _json(content: bytes, what: str) -> Any:
    """Strict JSON (RFC 8259: no NaN or Infinity) or 400."""
    try:
        return json.loads(content.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise XapiError(400, f"The {what} is not valid JSON.") from exc
    except RecursionError as exc:
        raise XapiError(400, f"The {what} nests arrays or objects too deeply.") from exc


def _json_bytes(value: dict[str, Any]) -> bytes:
    """A merged document as UTF-8 JSON; with \\u escapes where a string holds a lone surrogate (a \\ud800
    escape in a posted document decodes to one, and UTF-8 has none)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    value = _json(content, what)
    if not isinstance(value, dict):
        raise XapiError(400, f"The {what} is not a JSON object.")
    return value


def _content_type(header: str) -> str:
    content_type = header.strip() or DEFAULT_CONTENT_TYPE
    if len(content_type) > MAX_CONTENT_TYPE_LENGTH:
        raise XapiError(400, "The Content-Type header is too long.")
    return content_type


def _media_type(content_type: str) -> str:
    return content_type.split(";", maxsplit=1)[0].strip().lower()


def _locked(agency_id: int, scope: Scope) -> Document | None:
    return _matching(agency_id, scope).select_for_update().filter(doc_id=scope.doc_id).first()


def key_hash(scope: Scope) -> str:
    """One fixed-size key per document for the unique constraint (the ids themselves may be too long for
    one index entry together)."""
    parts = (scope.resource.kind, scope.activity_id, scope.agent, scope.registration, scope.doc_id)
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def _write(
    *, agency_id: int, scope: Scope, pre: Preconditions, decide: Callable[[Document | None], tuple[str, bytes]]
) -> str:
    """Runs `decide` on the current document (locked) and stores what it returns; one retry when another
    request created the same document in between. Returns the new ETag."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                existing = _locked(agency_id, scope)
                _check(existing, pre)
                content_type, content = decide(existing)
                etag = etag_of(content)
                now = timezone.now()
                if existing is None:
                    Document.objects.create(
                        agency_id=agency_id,
                        key_hash=key_hash(scope),
                        kind=scope.resource.kind,
                        activity_id=scope.activity_id,
                        agent=scope.agent,
                        registration=scope.registration,
                        doc_id=scope.doc_id,
                        content_type=content_type,
                        content=content,
                        etag=etag,
                        updated=now,
                    )
                else:
                    existing.content_type = content_type
                    existing.content = content
                    existing.etag = etag
                    existing.updated = now
                    existing.save(update_fields=["content_type", "content", "etag", "updated"])
                return etag
        except IntegrityError as exc:
            if attempt:
                raise XapiError(409, "The document was written by another request at the same time.") from exc
    raise AssertionError("unreachable")


def put(
    *, agency_id: int, scope: Scope, content_type: str, content: bytes, pre: Preconditions, v2: bool = False
) -> str:
    """Store or replace a document (2.2). A profile PUT must state what it expects (3.1): onto an existing
    document without If-Match or If-None-Match it is a conflict (409), onto none it is refused (400). xAPI
    2.0.0 extends the conflict to state documents (4.1.4)."""
    content_type = _content_type(content_type)
    if _media_type(content_type) == JSON_TYPE:
        # Stored JSON must stay mergeable; a body that claims JSON and is not is the client's mistake.
        _json(content, "document (Content-Type application/json)")

    def decide(existing: Document | None) -> tuple[str, bytes]:
        if v2 and not pre.given and existing is not None:
            raise XapiError(409, "The document exists: send If-Match with its ETag to replace it.")
        if scope.resource.put_needs_precondition and not pre.given:
            if existing is not None:
                raise XapiError(
                    409,
                    "The document exists: send If-Match with its ETag to replace it (or If-None-Match: * to "
                    "create only).",
                )
            raise XapiError(400, "A PUT to a profile needs an If-Match or If-None-Match header.")
        return content_type, content

    return _write(agency_id=agency_id, scope=scope, pre=pre, decide=decide)


def post(*, agency_id: int, scope: Scope, content_type: str, content: bytes, pre: Preconditions) -> str:
    """Merge a JSON object into the stored one (2.2 Document Merging: top-level properties of the new
    document replace those of the old); without a stored document, store it as a PUT would."""
    content_type = _content_type(content_type)
    posted_json = _media_type(content_type) == JSON_TYPE
    posted = _json_object(content, "posted document") if posted_json else None

    def decide(existing: Document | None) -> tuple[str, bytes]:
        if existing is None:
            return content_type, content
        if posted is None:
            raise XapiError(400, "A POST onto an existing document must be a JSON object (application/json).")
        if _media_type(existing.content_type) != JSON_TYPE:
            raise XapiError(400, "The stored document is not JSON, so the posted document cannot be merged into it.")
        merged = _json_object(bytes(existing.content), "stored document")
        merged.update(posted)
        try:
            return JSON_TYPE, _json_bytes(merged)
        except RecursionError as exc:
            raise XapiError(400, "The merged document nests arrays or objects too deeply.") from exc

    return _write(agency_id=agency_id, scope=scope, pre=pre, decide=decide)


def delete(*, agency_id: int, scope: Scope, pre: Preconditions) -> None:
    """Delete the named document, or (state, no stateId) every document of the agent and activity, of the
    registration when one is given (2.3). Deleting what is not there succeeds."""
    with transaction.atomic():
        if scope.doc_id:
            existing = _locked(agency_id, scope)
            _check(existing, pre)
            if existing is not None:
                existing.delete()
            return
        _matching(agency_id, scope, many=True).delete()


def activity_object(*, agency_id: int, activity_id: str) -> dict[str, Any]:
    """The Activity with the LRS's canonical definition (2.5); an activity without one (or never named in a
    statement of the instansi) is still returned, as an Activity object with its id only."""
    row = Activity.objects.filter(agency_id=agency_id, activity_id=activity_id).only("definition").first()
    result: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if row and row.definition:
        result["definition"] = row.definition
    return result


def _identifiers(actor: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    for name in xapi.IFI_KEYS:
        if name in actor:
            yield name, actor[name]


def person(*, agency_id: int, agent: Mapping[str, Any]) -> dict[str, Any]:
    """The Person object of an agent (2.4): every property an array. The LRS adds the names the agent went by
    in its latest statements of this instansi to what the request gives."""
    key = xapi.agent_key(agent)
    names: list[str] = []
    found: dict[str, list[Any]] = {name: [] for name in xapi.IFI_KEYS}

    def add(actor: Any) -> None:
        if not isinstance(actor, Mapping) or xapi.agent_key(actor) != key:
            return
        name = actor.get("name")
        if isinstance(name, str) and name not in names:
            names.append(name)
        for ifi, value in _identifiers(actor):
            if value not in found[ifi]:
                found[ifi].append(value)

    add(agent)
    if key is not None:
        statement_ids = (
            StatementAgent.objects.filter(agency_id=agency_id, agent=key, direct=True)
            .order_by("-stored")
            .values_list("statement_id", flat=True)[:PERSON_STATEMENTS]
        )
        # One query: the latest statements naming the agent as a subquery (PostgreSQL and SQLite take LIMIT there).
        for payload in Statement.objects.filter(pk__in=statement_ids).values_list("payload", flat=True):
            try:
                statement = json.loads(payload)
            except ValueError:
                continue
            if isinstance(statement, Mapping):
                add(statement.get("actor"))
                add(statement.get("object"))
    result: dict[str, Any] = {"objectType": "Person"}
    if names:
        result["name"] = names
    for ifi in xapi.IFI_KEYS:
        if found[ifi]:
            result[ifi] = found[ifi]
    return result
