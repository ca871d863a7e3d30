"""Statements: storing (with attachments and signatures), voiding and querying (xAPI 1.0.3, Communication 2.1).

The one place for the rules of the statement resource; the views only translate HTTP. Every write of a batch
is one transaction: a batch with one bad statement stores nothing (Communication 3.2).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.parser
import email.policy
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
import psycopg
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bangkom.engine import xapi
from bangkom.lrs.http import XapiError
from bangkom.lrs.models import Activity, Attachment, Client, Statement, StatementActivity, StatementAgent

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_ALGORITHMS = {"RS256", "RS384", "RS512"}
MAX_LIMIT = 100
MORE_MAX_AGE = 24 * 3600
QUERY_PARAMS = frozenset(
    {
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)
SINGLE_PARAMS = frozenset({"statementId", "voidedStatementId", "format", "attachments"})


@dataclass
class Part:
    content_type: str
    data: bytes
    sha2: str


@dataclass
class Body:
    statements: Any
    parts: dict[str, Part] = field(default_factory=dict)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_ms() -> dt.datetime:
    moment = timezone.now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def authority_of(client: Client) -> dict[str, Any]:
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": "urn:bangkom:xapi-client", "name": client.key},
    }


# -- request bodies -----------------------------------------------------------------------------------------


def _parse_json(data: bytes) -> Any:
    value, errors = xapi.parse_statements(data)
    if errors:
        raise XapiError(400, "; ".join(f"{e.path}: {e.code} {e.detail}".strip() for e in errors))
    return value


def parse_body(content_type_header: str, body: bytes) -> Body:
    """The statements and attachment parts of a PUT/POST body: application/json, or multipart/mixed whose
    first part is the JSON and each further part one attachment with its X-Experience-API-Hash."""
    ctype = content_type_header.split(";", maxsplit=1)[0].strip().lower()
    if ctype in {"application/json", ""}:
        return Body(_parse_json(body))
    if ctype != "multipart/mixed":
        raise XapiError(400, f"Content-Type {ctype} is not accepted for statements.")
    if "boundary=" not in content_type_header.lower():
        raise XapiError(400, "multipart/mixed without a boundary.")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type_header.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart() or message.defects:
        raise XapiError(400, "The multipart body could not be read (boundary missing or wrong).")
    parts = list(message.iter_parts())
    if not parts:
        raise XapiError(400, "The multipart body has no parts.")
    first = parts[0]
    if first.get_content_type() != "application/json":
        raise XapiError(400, "The first part of a multipart body must be application/json.")
    statements = _parse_json(_payload(first))
    found: dict[str, Part] = {}
    for part in parts[1:]:
        sha2 = part.get("X-Experience-API-Hash")
        if not sha2:
            raise XapiError(400, "Every attachment part needs an X-Experience-API-Hash header.")
        encoding = (part.get("Content-Transfer-Encoding") or "").strip().lower()
        if encoding != "binary":
            raise XapiError(400, "Every attachment part needs Content-Transfer-Encoding: binary.")
        data = _payload(part)
        if hashlib.sha256(data).hexdigest() != sha2.strip().lower() and not _other_sha2_matches(data, sha2):
            raise XapiError(400, "An attachment's content does not match its X-Experience-API-Hash.")
        found[sha2.strip().lower()] = Part(part.get_content_type(), data, sha2.strip().lower())
    return Body(statements, found)


def _payload(part: Any) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _other_sha2_matches(data: bytes, sha2: str) -> bool:
    digest = sha2.strip().lower()
    return any(getattr(hashlib, name)(data).hexdigest() == digest for name in ("sha384", "sha512", "sha224"))


# -- signatures (Data 2.6) ----------------------------------------------------------------------------------


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check_signature(statement: Mapping[str, Any], part: Part) -> None:
    try:
        header_b64, payload_b64, _signature = part.data.decode("ascii").strip().split(".")
        header = json.loads(_b64url(header_b64))
        payload = json.loads(_b64url(payload_b64))
    except (UnicodeDecodeError, ValueError, binascii.Error) as exc:
        raise XapiError(400, "The statement signature is not a JWS (RFC 7515) compact serialisation.") from exc
    if not isinstance(header, dict) or header.get("alg") not in SIGNATURE_ALGORITHMS:
        raise XapiError(400, "The statement signature must use RS256, RS384 or RS512.")
    if not isinstance(payload, dict):
        raise XapiError(400, "The statement signature's payload is not a statement.")
    original = xapi.normalise_statement(payload)
    for key in ("actor", "verb", "object"):
        if original.get(key) != statement.get(key):
            raise XapiError(400, f"The signed payload differs from the statement ({key}).")


# -- storing ------------------------------------------------------------------------------------------------


def _comparable(statement: Mapping[str, Any]) -> dict[str, Any]:
    """A statement without what the LRS sets, for telling a resent statement from a different one."""
    return {k: v for k, v in statement.items() if k not in {"stored", "authority", "version", "timestamp"}}


def _timestamp(value: Any, default: dt.datetime) -> dt.datetime:
    if not isinstance(value, str):
        return default
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return default
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _check_attachments(statements: list[dict[str, Any]], parts: dict[str, Part]) -> set[str]:
    """Every attachment without fileUrl must come as a part, and every part must be declared."""
    declared: set[str] = set()
    for statement in statements:
        for holder in (statement, statement.get("object") if isinstance(statement.get("object"), dict) else {}):
            for attachment in holder.get("attachments", []) if isinstance(holder, dict) else []:
                sha2 = str(attachment.get("sha2", "")).lower()
                if attachment.get("usageType") == SIGNATURE_USAGE:
                    if attachment.get("contentType") != "application/octet-stream":
                        raise XapiError(400, "A signature attachment must have contentType application/octet-stream.")
                    if sha2 not in parts:
                        raise XapiError(400, "The signature attachment was not sent.")
                    if holder is statement:
                        _check_signature(statement, parts[sha2])
                if sha2 in parts:
                    declared.add(sha2)
                elif "fileUrl" not in attachment:
                    raise XapiError(400, f"Attachment {sha2} has no fileUrl and was not sent in the request.")
    extra = set(parts) - declared
    if extra:
        raise XapiError(400, "The request carries attachment parts that no statement declares.")
    return declared


def store(
    *,
    client: Client,
    value: Any,
    parts: dict[str, Part] | None = None,
    put_id: str | None = None,
    v2: bool = False,
    owned: bool = False,
) -> list[str]:
    """Store one statement or a batch; return the ids in order. Raises XapiError (400/409) with nothing
    stored. A statement resent with the same id and content is accepted again without a second copy.
    `owned`: the caller hands over a value it just decoded (a request body), so it is normalised in place
    instead of copied; otherwise the caller's value is left untouched."""
    parts = parts or {}
    if put_id is not None:
        if not isinstance(value, dict):
            raise XapiError(400, "PUT takes exactly one statement.")
        if "id" in value and str(value["id"]).lower() != put_id.lower():
            raise XapiError(400, "The statementId parameter and the statement's id differ.")
        value = {**value, "id": put_id}
    batch = [value] if isinstance(value, dict) else value
    if not isinstance(batch, list) or not batch:
        raise XapiError(400, "Send a statement or a non-empty list of statements.")
    errors = xapi.validate_statements(batch, v2=v2)
    if errors:
        raise XapiError(400, "; ".join(f"{e.path}: {e.code} {e.detail}".strip() for e in errors[:20]))
    statements = [xapi.normalise_statement(s, in_place=owned) for s in batch]
    _check_attachments(statements, parts)
    for statement in statements:
        statement.setdefault("id", str(uuid.uuid4()))
    ids = [s["id"] for s in statements]

    agency_id = client.agency_id
    stored = now_ms()
    stored_iso = iso(stored)
    authority = authority_of(client)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            new = _insert_postgres(agency_id, client.pk, stored, stored_iso, authority, statements, parts)
            if not new:
                return ids
        else:
            new = _insert_orm(agency_id, client.pk, stored, stored_iso, authority, statements, parts)
            if not new:
                return ids
            _write_lookups(agency_id, stored, new)
            _write_activities(agency_id, [s for _, s in new])
        _write_attachments(agency_id, parts)
        _apply_voiding(agency_id, [s for _, s in new])
        from bangkom.lrs.credit import credit_statements

        credit_statements(agency_id=agency_id, rows=new)
    return ids


@dataclass(slots=True)
class NewRow:
    """A statement about to be stored: the columns of its row (Statement) and, once inserted, its pk."""

    statement_id: str
    timestamp: dt.datetime
    verb: str
    registration: str | None
    ref_target: str | None
    is_voiding: bool
    payload: str
    attachment_hashes: str
    pk: int = 0


def _new_row(
    stored: dt.datetime, stored_iso: str, authority: dict[str, Any], statement: dict[str, Any], parts: dict[str, Part]
) -> NewRow:
    """The row of a statement about to be stored; fills in what the LRS sets (stored, authority, timestamp)."""
    statement["stored"] = stored_iso
    statement["authority"] = authority
    statement.setdefault("timestamp", stored_iso)
    obj = statement["object"]
    context = statement.get("context") or {}
    verb = statement["verb"]["id"]
    payload = _json(statement)  # first: what cannot be stored as text is refused before any key is made of it
    return NewRow(
        statement_id=statement["id"],
        timestamp=_timestamp(statement["timestamp"], stored),
        verb=index_key(verb, VERB_KEY_BYTES),
        registration=context.get("registration"),
        ref_target=obj.get("id") if obj.get("objectType") == "StatementRef" else None,
        is_voiding=verb == xapi.VOIDED_VERB,
        payload=payload,
        attachment_hashes=" ".join(
            a["sha2"].lower() for a in statement.get("attachments", []) if a["sha2"].lower() in parts
        ),
    )


IN_LIST = 900  # values per `IN (...)`: SQLite allows 999 parameters in a query where built before 3.32


def chunked(values: list[Any], size: int = IN_LIST) -> Iterator[list[Any]]:
    """The values in lists of at most `size` (a batch can hold more statements than a query parameters)."""
    for at in range(0, len(values), size):
        yield values[at : at + size]


def _check_resent(statement: dict[str, Any], old: str | None) -> None:
    """A statement whose id is already stored is accepted only with the same content (Communication 2.1.1)."""
    if old is None:  # stored by a concurrent request that has not committed yet
        raise XapiError(409, "A statement with this id was stored at the same time.")
    if _comparable(json.loads(old)) != _comparable(statement):
        raise XapiError(409, f"Statement {statement['id']} exists with different content.")


def _insert_orm(
    agency_id: int,
    client_id: int,
    stored: dt.datetime,
    stored_iso: str,
    authority: dict[str, Any],
    statements: list[dict[str, Any]],
    parts: dict[str, Part],
) -> list[tuple[NewRow, dict[str, Any]]]:
    """The statements not stored before, inserted with the ORM (SQLite); the others checked as resent."""
    existing = {
        str(sid): payload
        for ids in chunked([s["id"] for s in statements])
        for sid, payload in Statement.objects.filter(agency_id=agency_id, statement_id__in=ids).values_list(
            "statement_id", "payload"
        )
    }
    new: list[tuple[NewRow, dict[str, Any]]] = []
    for statement in statements:
        if statement["id"] in existing:
            _check_resent(statement, existing[statement["id"]])
            continue
        new.append((_new_row(stored, stored_iso, authority, statement, parts), statement))
    if new:
        objects = [
            Statement(
                agency_id=agency_id,
                client_id=client_id,
                stored=stored,
                statement_id=row.statement_id,
                timestamp=row.timestamp,
                verb=row.verb,
                registration=row.registration,
                ref_target=row.ref_target,
                is_voiding=row.is_voiding,
                payload=row.payload,
                attachment_hashes=row.attachment_hashes,
            )
            for row, _ in new
        ]
        try:
            Statement.objects.bulk_create(objects)
        except IntegrityError as exc:  # a concurrent request stored the same id first
            raise XapiError(409, "A statement with this id was stored at the same time.") from exc
        for (row, _), obj in zip(new, objects, strict=True):
            row.pk = obj.pk
    return new


# PostgreSQL: the columns of a batch travel as arrays (binary, see _pg_execute) unpacked by the server, and one
# SQL statement inserts the statements not stored before, the lookup rows of those (joined to the rows the insert
# returns through each statement's place in the batch, `n`) and the activities not known yet: no per-value
# quoting in Python (the ORM's bulk insert quoted every payload character by character and was half the CPU time
# of a batch) and one round trip.
_PG_INSERT_STATEMENTS = """
WITH s AS (
    INSERT INTO lrs_statement (agency_id, client_id, stored, voided, statement_id, "timestamp", verb, registration,
                               ref_target, is_voiding, payload, attachment_hashes)
    SELECT %s, %s, %s, false, r.statement_id, r.ts, r.verb, r.registration, r.ref_target, r.is_voiding, r.payload,
           r.attachment_hashes
    FROM unnest(%b::uuid[], %b::timestamptz[], %b::text[], %b::uuid[], %b::uuid[], %b::boolean[], %b::text[],
                %b::text[])
         WITH ORDINALITY AS r(statement_id, ts, verb, registration, ref_target, is_voiding, payload, attachment_hashes,
                              n)
    ORDER BY r.n
    ON CONFLICT (agency_id, statement_id) DO NOTHING
    RETURNING id, statement_id
), made AS (
    SELECT s.id, u.n FROM s JOIN unnest(%b::uuid[]) WITH ORDINALITY AS u(statement_id, n) USING (statement_id)
), agents AS (
    INSERT INTO lrs_statementagent (statement_id, agency_id, agent, direct, stored)
    SELECT made.id, %s, l.k, l.d, %s
    FROM unnest(%b::bigint[], %b::text[], %b::boolean[]) AS l(n, k, d) JOIN made USING (n)
), activities AS (
    INSERT INTO lrs_activity (agency_id, activity_id, definition, input_hash)
    SELECT %s, k, '{}'::jsonb, '' FROM unnest(%b::text[]) AS k ORDER BY k
    ON CONFLICT (agency_id, activity_id) DO NOTHING
), activity_rows AS (
    INSERT INTO lrs_statementactivity (statement_id, agency_id, activity, direct, stored)
    SELECT made.id, %s, l.k, l.d, %s
    FROM unnest(%b::bigint[], %b::text[], %b::boolean[]) AS l(n, k, d) JOIN made USING (n)
)
SELECT id, statement_id::text FROM s
"""
# The canonical definitions merged by the server (merge_definition in SQL: newer keys win, the name and
# description language maps merge by language), only where the definition differs from the last one merged in
# (Activity.input_hash): an LMS names its activities with the same definition in statement after statement.
_PG_MERGE_DEFINITIONS = """
UPDATE lrs_activity AS a
SET input_hash = d.h,
    definition = a.definition || d.v::jsonb
        || CASE WHEN jsonb_typeof(a.definition -> 'name') = 'object' AND jsonb_typeof(d.v::jsonb -> 'name') = 'object'
                THEN jsonb_build_object('name', (a.definition -> 'name') || (d.v::jsonb -> 'name'))
                ELSE '{}'::jsonb END
        || CASE WHEN jsonb_typeof(a.definition -> 'description') = 'object'
                     AND jsonb_typeof(d.v::jsonb -> 'description') = 'object'
                THEN jsonb_build_object('description', (a.definition -> 'description') || (d.v::jsonb -> 'description'))
                ELSE '{}'::jsonb END
FROM unnest(%b::text[], %b::text[], %b::text[]) AS d(k, h, v)
WHERE a.agency_id = %s AND a.activity_id = d.k AND a.input_hash <> d.h AND jsonb_typeof(a.definition) = 'object'
"""


def _pg_execute(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run one of the write path's statements on Django's connection with server-side binding (Django's own
    cursors bind on the client), through Django's cursor wrapper: errors become Django's (IntegrityError...),
    queries are logged and counted as any other. Array parameters are written `%b` (binary: psycopg writes a
    text-format array element by element with regular expressions, ~20x slower for the payloads). Prepared
    statements follow the connection's prepare_threshold (settings: DATABASE_PREPARE_THRESHOLD)."""
    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)  # django-stubs type the raw cursor as a wrapper
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def definition_hash(definition: Mapping[str, Any]) -> str:
    """A fixed-size digest of an activity definition, the same for equal definitions (keys sorted)."""
    try:
        text = orjson.dumps(definition, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        text = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _json(value: Any) -> str:
    """Compact JSON text (UTF-8 kept as is): orjson, ~5x faster than json.dumps on a statement; json.dumps
    where orjson refuses (an integer beyond 64 bits, which JSON and xAPI extensions allow). What cannot be
    stored as text is a 400: a lone UTF-16 surrogate (a `\\ud800` escape decodes to one, UTF-8 has none) or
    arrays and objects nested deeper than Python's recursion allows."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        pass
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        text.encode()
    except UnicodeEncodeError as exc:
        raise XapiError(400, "A string holds a lone UTF-16 surrogate (such as \\ud800): not a character.") from exc
    except RecursionError as exc:
        raise XapiError(400, "The statement nests arrays or objects too deeply to be stored.") from exc
    return text


def _insert_postgres(
    agency_id: int,
    client_id: int,
    stored: dt.datetime,
    stored_iso: str,
    authority: dict[str, Any],
    statements: list[dict[str, Any]],
    parts: dict[str, Part],
) -> list[tuple[NewRow, dict[str, Any]]]:
    """Insert every statement whose id is new, with its lookup rows and the activities not known yet, in one SQL
    statement (_PG_INSERT_STATEMENTS); those already stored, also by a concurrent request, are then checked as
    resent. Then the definitions of the new statements' activities are merged (see _write_activities)."""
    rows = [_new_row(stored, stored_iso, authority, s, parts) for s in statements]
    agent_rows, activity_rows = _lookup_rows(list(enumerate(statements, start=1)))
    definitions = _kept_definitions(statements)
    ids = [r.statement_id for r in rows]
    inserted = {
        sid: pk
        for pk, sid in _pg_execute(
            _PG_INSERT_STATEMENTS,
            [
                agency_id,
                client_id,
                stored,
                ids,
                [r.timestamp for r in rows],
                [r.verb for r in rows],
                [r.registration for r in rows],
                [r.ref_target for r in rows],
                [r.is_voiding for r in rows],
                [r.payload for r in rows],
                [r.attachment_hashes for r in rows],
                ids,
                agency_id,
                stored,
                *_columns(agent_rows),
                agency_id,
                sorted(definitions),
                agency_id,
                stored,
                *_columns(activity_rows),
            ],
        )
    }
    new: list[tuple[NewRow, dict[str, Any]]] = []
    resent: list[dict[str, Any]] = []
    for row, statement in zip(rows, statements, strict=True):
        pk = inserted.get(statement["id"])
        if pk is None:
            resent.append(statement)
            continue
        row.pk = pk
        new.append((row, statement))
    if resent:
        existing = dict(
            Statement.objects.filter(agency_id=agency_id, statement_id__in=[s["id"] for s in resent]).values_list(
                "statement_id", "payload"
            )
        )
        for statement in resent:
            _check_resent(statement, existing.get(uuid.UUID(statement["id"])))
        definitions = _kept_definitions([s for _, s in new])  # only what the new statements say
    _merge_definitions_postgres(agency_id, definitions)
    return new


def _kept_definitions(statements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The definitions of the activities a canonical definition is kept for: ids longer than the column keep
    none (as in _write_activities)."""
    return {aid: d for aid, d in _definitions(statements).items() if len(aid.encode()) <= ACTIVITY_KEY_BYTES}


def _merge_definitions_postgres(agency_id: int, definitions: dict[str, dict[str, Any]]) -> None:
    with_definition = {aid: d for aid, d in definitions.items() if d}
    if with_definition:
        keys = sorted(with_definition)
        _pg_execute(
            _PG_MERGE_DEFINITIONS,
            [
                keys,
                [definition_hash(with_definition[k]) for k in keys],
                [_json(with_definition[k]) for k in keys],
                agency_id,
            ],
        )


VERB_KEY_BYTES = 512  # Statement.verb
AGENT_KEY_BYTES = 512  # StatementAgent.agent
ACTIVITY_KEY_BYTES = 1024  # StatementActivity.activity


def index_key(key: str, limit: int) -> str:
    """The key as stored in a lookup row: itself, or a digest when longer than the column (in UTF-8 bytes,
    which also keeps each index entry under PostgreSQL's B-tree limit). Queries apply the same function."""
    if len(key.encode()) <= limit:
        return key
    return "#sha256:" + hashlib.sha256(key.encode()).hexdigest()


LookupRow = tuple[int, str, bool]  # statement (pk, or place in the batch), key as indexed (index_key), direct


def _lookup_rows(statements: list[tuple[int, dict[str, Any]]]) -> tuple[list[LookupRow], list[LookupRow]]:
    """The agent and the activity lookup rows of statements, each given with the number its rows carry (both
    write paths: the statement's pk on SQLite, its place in the batch on PostgreSQL)."""
    agents: list[LookupRow] = []
    activities: list[LookupRow] = []
    for ref, statement in statements:
        found = xapi.lookup(statement)
        agents.extend((ref, index_key(key, AGENT_KEY_BYTES), direct) for key, direct in found.agents)
        activities.extend((ref, index_key(key, ACTIVITY_KEY_BYTES), direct) for key, direct in found.activities)
    return agents, activities


def _columns(rows: list[LookupRow]) -> tuple[list[int], list[str], list[bool]]:
    """Lookup rows as three column arrays (the PostgreSQL path's unnest parameters)."""
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _write_lookups(agency_id: int, stored: dt.datetime, new: list[tuple[NewRow, dict[str, Any]]]) -> None:
    agents, activities = _lookup_rows([(row.pk, statement) for row, statement in new])
    StatementAgent.objects.bulk_create(
        StatementAgent(statement_id=pk, agency_id=agency_id, agent=key, direct=direct, stored=stored)
        for pk, key, direct in agents
    )
    StatementActivity.objects.bulk_create(
        StatementActivity(statement_id=pk, agency_id=agency_id, activity=key, direct=direct, stored=stored)
        for pk, key, direct in activities
    )


def _activities_in(statement: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    obj = statement.get("object")
    if isinstance(obj, Mapping):
        if obj.get("objectType", "Activity") == "Activity":
            yield obj
        elif obj.get("objectType") == "SubStatement":
            yield from _activities_in(obj)
    context = statement.get("context")
    activities = context.get("contextActivities") if isinstance(context, Mapping) else None
    if isinstance(activities, Mapping):
        for values in activities.values():
            yield from values


def merge_definition(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The canonical definition after a statement: newer values win, language maps merge by language."""
    merged = dict(old)
    for key, value in new.items():
        if key in ("name", "description") and isinstance(value, Mapping) and isinstance(old.get(key), Mapping):
            merged[key] = {**old[key], **value}
        else:
            merged[key] = value
    return merged


def _definitions(statements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The definition of every activity the statements name, merged in their order (later ones win)."""
    definitions: dict[str, dict[str, Any]] = {}
    for statement in statements:
        for activity in _activities_in(statement):
            previous = definitions.get(activity["id"], {})
            definitions[activity["id"]] = merge_definition(previous, activity.get("definition") or {})
    return definitions


def _write_activities(agency_id: int, statements: list[dict[str, Any]]) -> None:
    definitions = _definitions(statements)
    if not definitions:
        return
    Activity.objects.bulk_create(
        [
            Activity(agency_id=agency_id, activity_id=aid, definition=d)
            for aid, d in definitions.items()
            if len(aid.encode()) <= ACTIVITY_KEY_BYTES  # longer ids keep no canonical definition
        ],
        ignore_conflicts=True,
    )
    with_definition = {aid: d for aid, d in definitions.items() if d}
    if not with_definition:
        return
    changed = []
    for stored in (
        row
        for ids in chunked(list(with_definition))
        for row in Activity.objects.filter(agency_id=agency_id, activity_id__in=ids)
    ):
        new = with_definition[stored.activity_id]
        merged = merge_definition(stored.definition or {}, new)
        input_hash = definition_hash(new)
        if merged != stored.definition or input_hash != stored.input_hash:
            stored.definition, stored.input_hash = merged, input_hash
            changed.append(stored)
    if changed:
        # ~5 parameters per activity (Django's CASE per field and the pk list): within 999 per query
        Activity.objects.bulk_update(changed, ["definition", "input_hash"], batch_size=IN_LIST // 5)


def _write_attachments(agency_id: int, parts: dict[str, Part]) -> None:
    if parts:
        Attachment.objects.bulk_create(
            [
                Attachment(agency_id=agency_id, sha2=p.sha2, content_type=p.content_type, content=p.data)
                for p in parts.values()
            ],
            ignore_conflicts=True,
        )


def _apply_voiding(agency_id: int, statements: list[dict[str, Any]]) -> None:
    """A voiding statement voids its target unless the target is itself a voiding statement (Data 2.3.2)."""
    targets = [s["object"]["id"] for s in statements if s["verb"]["id"] == xapi.VOIDED_VERB]
    for ids in chunked(targets):
        Statement.objects.filter(agency_id=agency_id, statement_id__in=ids, is_voiding=False).update(voided=True)


# -- reading ------------------------------------------------------------------------------------------------


def _bool(params: Mapping[str, str], name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in ("true", "false"):
        raise XapiError(400, f"Parameter '{name}' must be true or false.")
    return value == "true"


def _uuid(value: str, name: str) -> str:
    if not xapi.is_uuid(value):
        raise XapiError(400, f"Parameter '{name}' is not a UUID.")
    return str(uuid.UUID(value))


def _moment(value: str, name: str) -> dt.datetime:
    if not xapi.is_timestamp(value):
        raise XapiError(400, f"Parameter '{name}' is not an ISO 8601 timestamp.")
    return _timestamp(value, timezone.now())


@dataclass
class Query:
    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = MAX_LIMIT
    ascending: bool = False
    format: str = "exact"
    attachments: bool = False
    # Keyset cursor of the "more" link: (stored, pk) of the last statement of the previous page.
    after: tuple[dt.datetime, int] | None = None

    def to_token(self) -> str:
        data = {k: v for k, v in self.__dict__.items() if k not in {"since", "until", "after"}}
        data["since"] = self.since.isoformat() if self.since else None
        data["until"] = self.until.isoformat() if self.until else None
        data["after"] = [self.after[0].isoformat(), self.after[1]] if self.after else None
        return signing.dumps(data, salt="lrs-more", compress=True)

    @classmethod
    def from_token(cls, token: str) -> Query:
        try:
            data = signing.loads(token, salt="lrs-more", max_age=MORE_MAX_AGE)
        except signing.BadSignature as exc:
            raise XapiError(400, "The 'more' link is not valid or has expired.") from exc
        for key in ("since", "until"):
            data[key] = dt.datetime.fromisoformat(data[key]) if data[key] else None
        after = data.pop("after")
        query = cls(**data)
        query.after = (dt.datetime.fromisoformat(after[0]), after[1]) if after else None
        return query


def parse_query(params: Mapping[str, str], agent_key_of: Any) -> Query:
    unknown = set(params) - QUERY_PARAMS
    if unknown:
        raise XapiError(400, f"Unknown parameter(s): {', '.join(sorted(unknown))}.")
    query = Query()
    if "agent" in params:
        query.agent = agent_key_of("agent")
    if "verb" in params:
        if not xapi.is_iri(params["verb"]):
            raise XapiError(400, "Parameter 'verb' is not an IRI.")
        query.verb = params["verb"]
    if "activity" in params:
        if not xapi.is_iri(params["activity"]):
            raise XapiError(400, "Parameter 'activity' is not an IRI.")
        query.activity = params["activity"]
    if "registration" in params:
        query.registration = _uuid(params["registration"], "registration")
    query.related_activities = _bool(params, "related_activities")
    query.related_agents = _bool(params, "related_agents")
    if "since" in params:
        query.since = _moment(params["since"], "since")
    if "until" in params:
        query.until = _moment(params["until"], "until")
    if "limit" in params:
        try:
            limit = int(params["limit"])
        except ValueError as exc:
            raise XapiError(400, "Parameter 'limit' must be a whole number.") from exc
        if limit < 0:
            raise XapiError(400, "Parameter 'limit' must not be negative.")
        query.limit = MAX_LIMIT if limit == 0 else min(limit, MAX_LIMIT)
    query.ascending = _bool(params, "ascending")
    query.attachments = _bool(params, "attachments")
    query.format = params.get("format", "exact")
    if query.format not in ("exact", "ids", "canonical"):
        raise XapiError(400, "Parameter 'format' must be ids, exact or canonical.")
    return query


REF_DEPTH = 5  # how many StatementRef hops a filter follows (Communication 2.1.3, filter conditions)
REF_CAP = 10_000
# Above WINDOW_CAP StatementRef statements in a page's time window, the referring statements are found from the
# matching ones instead, when those are up to TARGET_CAP (see _referring).
WINDOW_CAP = 5_000
TARGET_CAP = 20_000


def _bounds(query: Query, field: str) -> Q:
    """since/until and the keyset cursor's time as conditions on a `stored` field (the statement's or a lookup
    row's, so that PostgreSQL walks only that range of the lookup index)."""
    bounds = Q()
    if query.since is not None:
        bounds &= Q(**{f"{field}__gt": query.since})
    if query.until is not None:
        bounds &= Q(**{f"{field}__lte": query.until})
    if query.after is not None:
        bounds &= Q(**{f"{field}__gte" if query.ascending else f"{field}__lte": query.after[0]})
    return bounds


def _matching(agency_id: int, query: Query, *, bounded: bool = True) -> QuerySet[Statement] | None:
    """Statements (voided ones included) that match the agent/verb/activity/registration filters; None when
    the query has none of them.

    Agent and activity filters are joins on the lookup rows, bounded on the row's own `stored` (the statement's,
    copied), and the page is ordered by it (see _order_field): PostgreSQL walks the lookup index (agency, key,
    stored) from the page's end and stops at the limit (an `IN (subquery)` made it read and hash every matching
    statement first). A join condition `row.stored = statement.stored` would do the same for the order but makes
    the planner expect one row, cost the walk as if it read the whole index, and compile it with JIT (~25-250
    ms at 10 million statements)."""
    qs: QuerySet[Statement] = Statement.objects.filter(agency_id=agency_id)
    filtered = False
    if query.agent is not None:
        agent = Q(
            agent_rows__agency_id=agency_id,
            agent_rows__agent=index_key(query.agent, AGENT_KEY_BYTES),
        )
        if not query.related_agents:
            agent &= Q(agent_rows__direct=True)
        qs, filtered = qs.filter(agent & (_bounds(query, "agent_rows__stored") if bounded else Q())), True
    if query.activity is not None:
        activity = Q(
            activity_rows__agency_id=agency_id,
            activity_rows__activity=index_key(query.activity, ACTIVITY_KEY_BYTES),
        )
        if not query.related_activities:
            activity &= Q(activity_rows__direct=True)
        qs, filtered = qs.filter(activity & (_bounds(query, "activity_rows__stored") if bounded else Q())), True
    if query.verb is not None:
        qs, filtered = qs.filter(verb=index_key(query.verb, VERB_KEY_BYTES)), True
    if query.registration is not None:
        qs, filtered = qs.filter(registration=query.registration), True
    return qs if filtered else None


def _order_field(query: Query) -> str:
    """The `stored` the page is ordered by: that of the lookup rows that drive the query, when there are."""
    if query.agent is not None:
        return "agent_rows__stored"
    if query.activity is not None:
        return "activity_rows__stored"
    return "stored"


def _in_page(qs: QuerySet[Statement], query: Query, order: str = "stored") -> QuerySet[Statement]:
    """qs within since/until and after the keyset cursor, in the page's order."""
    qs = qs.filter(_bounds(query, "stored"))
    if query.after is not None:
        moment, pk = query.after
        qs = qs.exclude(stored=moment, pk__lte=pk) if query.ascending else qs.exclude(stored=moment, pk__gte=pk)
    return qs.order_by(*((order, "pk") if query.ascending else (f"-{order}", "-pk")))


def _hits(agency_id: int, query: Query, targets: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these statement ids match the filters: found by id, then their lookup rows by statement (a
    few index probes each, whatever the number of statements matching the filters overall)."""
    rows = Statement.objects.filter(agency_id=agency_id, statement_id__in=targets)
    if query.verb is not None:
        rows = rows.filter(verb=index_key(query.verb, VERB_KEY_BYTES))
    if query.registration is not None:
        rows = rows.filter(registration=query.registration)
    found = dict(rows.values_list("pk", "statement_id"))
    if query.agent is not None and found:
        agents = StatementAgent.objects.filter(
            statement_id__in=list(found), agent=index_key(query.agent, AGENT_KEY_BYTES)
        )
        if not query.related_agents:
            agents = agents.filter(direct=True)
        keep = set(agents.values_list("statement_id", flat=True))
        found = {pk: sid for pk, sid in found.items() if pk in keep}
    if query.activity is not None and found:
        acts = StatementActivity.objects.filter(
            statement_id__in=list(found), activity=index_key(query.activity, ACTIVITY_KEY_BYTES)
        )
        if not query.related_activities:
            acts = acts.filter(direct=True)
        keep = set(acts.values_list("statement_id", flat=True))
        found = {pk: sid for pk, sid in found.items() if pk in keep}
    return set(found.values())


def _referring(agency_id: int, query: Query, page: list[Statement]) -> list[int]:
    """Statements that target a matching statement through a StatementRef, transitively (up to REF_DEPTH
    hops): a filter on a statement also returns the statements about it (voiding statements included).

    Only those that can still enter this page matter: StatementRef statements between the page's bounds and
    its last matching row (read from a partial index that holds only StatementRef statements). When there are
    up to WINDOW_CAP of them, each one's chain of targets is checked against the filters. Otherwise the filter
    matches few statements over a wide time range: when they are up to TARGET_CAP, the statements referring to
    them are looked up from their ids; only when both are many is every StatementRef of the window checked.
    Either way the work is bounded by about the square root of (StatementRef statements x page size)."""
    refs = Statement.objects.filter(agency_id=agency_id, voided=False, ref_target__isnull=False)
    if len(page) > query.limit:
        edge = page[query.limit]
        if query.ascending:
            refs = refs.filter(stored__lte=edge.stored).exclude(stored=edge.stored, pk__gt=edge.pk)
        else:
            refs = refs.filter(stored__gte=edge.stored).exclude(stored=edge.stored, pk__lt=edge.pk)
    window = _in_page(refs, query).values_list("pk", "ref_target")
    candidates = list(window[: WINDOW_CAP + 1])
    if len(candidates) > WINDOW_CAP:
        unbounded = _matching(agency_id, query, bounded=False)
        assert unbounded is not None
        ids = list(unbounded.values_list("statement_id", flat=True)[: TARGET_CAP + 1])
        if len(ids) <= TARGET_CAP:
            return _referring_to(agency_id, ids)
        candidates = list(window)
    found: list[int] = []
    pending = {pk: target for pk, target in candidates if target is not None}
    for _ in range(REF_DEPTH):
        if not pending:
            break
        targets = set(pending.values())
        hits = _hits(agency_id, query, targets)
        hops = dict(
            Statement.objects.filter(
                agency_id=agency_id, statement_id__in=targets - hits, ref_target__isnull=False
            ).values_list("statement_id", "ref_target")
        )
        found.extend(pk for pk, target in pending.items() if target in hits)
        pending = {pk: hop for pk, target in pending.items() if (hop := hops.get(target)) is not None}
    return found


def _referring_to(agency_id: int, targets: list[uuid.UUID]) -> list[int]:
    """Statements referring to these statement ids (transitively), through the (agency, ref_target) index."""
    found: list[int] = []
    seen: set[int] = set()
    for _ in range(REF_DEPTH):
        if not targets:
            break
        rows = Statement.objects.filter(agency_id=agency_id, ref_target__isnull=False, ref_target__in=targets)
        new = [(pk, sid) for pk, sid in rows.values_list("pk", "statement_id")[:REF_CAP] if pk not in seen]
        found.extend(pk for pk, _ in new)
        seen.update(pk for pk, _ in new)
        targets = [sid for _, sid in new]
    return found


PAGE_FIELDS = ("pk", "stored", "payload", "attachment_hashes")


def select(agency_id: int, query: Query) -> tuple[list[Statement], bool]:
    """One page of statements and whether there are more: the matching statements of the page (one index
    walk), merged with the statements that refer to matching ones and fall within it."""
    matching = _matching(agency_id, query)
    base = Statement.objects.filter(agency_id=agency_id) if matching is None else matching
    order = _order_field(query)
    page = list(_in_page(base.filter(voided=False), query, order).only(*PAGE_FIELDS)[: query.limit + 1])
    if matching is not None:
        referring = _referring(agency_id, query, page)
        if referring:
            seen = {row.pk for row in page}
            extra = _in_page(
                Statement.objects.filter(pk__in=[pk for pk in referring if pk not in seen], voided=False), query
            )
            page.extend(extra.only(*PAGE_FIELDS)[: query.limit + 1])
            page.sort(key=lambda row: (row.stored, row.pk), reverse=not query.ascending)
            del page[query.limit + 1 :]
    return page[: query.limit], len(page) > query.limit


def get_one(agency_id: int, statement_id: str, *, voided: bool) -> Statement:
    row = (
        Statement.objects.filter(agency_id=agency_id, statement_id=statement_id, voided=voided)
        .only("pk", "stored", "payload", "attachment_hashes")
        .first()
    )
    if row is None:
        raise XapiError(404, f"No statement {statement_id}.")
    return row


def attachments_for(agency_id: int, rows: Iterable[Statement]) -> list[Attachment]:
    hashes = {h for row in rows for h in row.attachment_hashes.split()}
    if not hashes:
        return []
    return list(Attachment.objects.filter(agency_id=agency_id, sha2__in=hashes))


# -- formats (Communication 2.1.3 "format") -----------------------------------------------------------------


def _ids_actor(actor: Any) -> Any:
    if not isinstance(actor, dict):
        return actor
    out: dict[str, Any] = {k: actor[k] for k in ("objectType", *xapi.IFI_KEYS) if k in actor}
    if actor.get("objectType") == "Group" and xapi.agent_key(actor) is None and isinstance(actor.get("member"), list):
        out["member"] = [_ids_actor(m) for m in actor["member"]]
    return out


def _format_ids(statement: dict[str, Any]) -> dict[str, Any]:
    out = dict(statement)
    out["actor"] = _ids_actor(statement.get("actor"))
    out["verb"] = {"id": statement["verb"]["id"]}
    obj = statement.get("object", {})
    if obj.get("objectType", "Activity") == "Activity":
        out["object"] = {"id": obj["id"]}
    elif obj.get("objectType") in ("Agent", "Group"):
        out["object"] = _ids_actor(obj)
    elif obj.get("objectType") == "SubStatement":
        out["object"] = _format_ids(obj)
    if "authority" in statement:
        out["authority"] = _ids_actor(statement["authority"])
    context = statement.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_actor(context[key])
        if isinstance(context.get("contextActivities"), dict):
            context["contextActivities"] = {
                k: [{"id": a["id"]} for a in v] for k, v in context["contextActivities"].items()
            }
        out["context"] = context
    return out


def _pick_language(value: Any, languages: list[str]) -> Any:
    if not isinstance(value, dict) or not value:
        return value
    lowered = {k.lower(): k for k in value}
    for language in languages:
        wanted = language.lower()
        if wanted in lowered:
            key = lowered[wanted]
            return {key: value[key]}
        for low, key in lowered.items():
            if low.split("-")[0] == wanted.split("-")[0]:
                return {key: value[key]}
    key = next(iter(value))
    return {key: value[key]}


def _canonical_definition(definition: dict[str, Any], languages: list[str]) -> dict[str, Any]:
    out = dict(definition)
    for key in ("name", "description"):
        if key in out:
            out[key] = _pick_language(out[key], languages)
    for key in xapi.COMPONENT_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [
                {**c, "description": _pick_language(c["description"], languages)} if "description" in c else c
                for c in out[key]
            ]
    return out


def _format_canonical(statement: dict[str, Any], languages: list[str], definitions: Mapping[str, Any]) -> dict:
    out = dict(statement)
    verb = dict(statement["verb"])
    if "display" in verb:
        verb["display"] = _pick_language(verb["display"], languages)
    out["verb"] = verb

    def activity(obj: dict[str, Any]) -> dict[str, Any]:
        definition = definitions.get(obj["id"], obj.get("definition"))
        result = {"objectType": "Activity", "id": obj["id"]}
        if definition:
            result["definition"] = _canonical_definition(definition, languages)
        return result

    obj = statement.get("object", {})
    if obj.get("objectType", "Activity") == "Activity":
        out["object"] = activity(obj)
    elif obj.get("objectType") == "SubStatement":
        out["object"] = _format_canonical(obj, languages, definitions)
    context = statement.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        out["context"] = {
            **context,
            "contextActivities": {k: [activity(a) for a in v] for k, v in context["contextActivities"].items()},
        }
    for holder in out.get("attachments") or []:
        for key in ("display", "description"):
            if key in holder:
                holder[key] = _pick_language(holder[key], languages)
    return out


def accept_languages(header: str | None) -> list[str]:
    if not header:
        return []
    weighted = []
    for i, item in enumerate(header.split(",")):
        lang, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if lang and lang != "*":
            weighted.append((-quality, i, lang.strip()))
    return [lang for _, _, lang in sorted(weighted)]


def render(rows: list[Statement], fmt: str, agency_id: int, languages: list[str]) -> list[Any]:
    """The statements of rows in the asked format. Exact: as stored, without re-serialising."""
    if fmt == "exact":
        return [RawJson(row.payload) for row in rows]
    statements = [json.loads(row.payload) for row in rows]
    if fmt == "ids":
        return [_format_ids(s) for s in statements]
    ids = {a["id"] for s in statements for a in _activities_in(s)}
    definitions = dict(
        Activity.objects.filter(agency_id=agency_id, activity_id__in=ids).values_list("activity_id", "definition")
    )
    return [_format_canonical(s, languages, definitions) for s in statements]


class RawJson(str):
    """A JSON text to be embedded as is in an answer (see dumps)."""


def dumps(value: Any) -> str:
    """json.dumps that embeds RawJson texts verbatim: the stored statements are never parsed to be sent."""
    if isinstance(value, RawJson):
        return str(value)
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + dumps(v) for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
