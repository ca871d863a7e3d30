"""JP from xAPI: a completed or passed statement by a known pegawai on an activity the admin mapped to JP
becomes one verified learning record (issue 8). Called inside the store transaction, so a statement is
credited exactly once (CreditedStatement is one-to-one with the statement, and a statement is stored once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from bangkom.audit.services import event as audit_event
from bangkom.audit.services import record_all
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.lrs.models import ActivityCredit, CreditedStatement
from bangkom.org.models import Employee

if TYPE_CHECKING:
    from bangkom.lrs.statements import NewRow

CREDIT_VERBS = frozenset({"http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed"})
SOURCE = "xapi"


def pegawai_identity(actor: Any) -> tuple[str | None, str | None]:
    """(NIP, email) an actor may name: an account whose name is an 18-digit NIP, or a mailto mbox."""
    if not isinstance(actor, dict) or actor.get("objectType") == "Group":
        return None, None
    account = actor.get("account")
    if isinstance(account, dict):
        name = str(account.get("name", ""))
        if len(name) == 18 and name.isdigit():
            return name, None
    mbox = actor.get("mbox")
    if isinstance(mbox, str) and mbox.lower().startswith("mailto:"):
        return None, mbox[len("mailto:") :].lower()
    return None, None


@dataclass(frozen=True, slots=True)
class _Credit:
    title: str
    jp: Decimal
    form_id: int
    provider: str


# Every stored batch asks these two questions; plain SQL answers each in a fraction of what the ORM spends
# building the query (~60 against ~360 us of CPU), and most batches stop after the first.
def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


CHUNK = 500  # rows per INSERT and values per IN (...): within 999 parameters, the least an SQLite allows
_CENTS = Decimal("0.01")  # ActivityCredit.jp has two decimal places; SQLite hands back an int or a float


def _chunks(values: list[Any], width: int = 1) -> Iterator[list[Any]]:
    """The values in lists whose parameters (`width` each) stay within CHUNK."""
    size = max(1, CHUNK // width)
    for at in range(0, len(values), size):
        yield values[at : at + size]


def _active_credits(agency_id: int, activity_ids: list[str]) -> dict[str, _Credit]:
    table = connection.ops.quote_name(ActivityCredit._meta.db_table)
    found: dict[str, _Credit] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(activity_ids):
            cursor.execute(
                f"SELECT activity_id, title, jp, form_id, provider FROM {table} "  # noqa: S608
                f"WHERE agency_id = %s AND active = %s AND activity_id IN ({_placeholders(chunk)})",
                [agency_id, True, *chunk],
            )
            for aid, title, jp, form_id, provider in cursor.fetchall():
                found[aid] = _Credit(title, Decimal(str(jp)).quantize(_CENTS), form_id, provider)
    return found


def _employees(agency_id: int, nips: list[str], emails: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """The pegawai of the instansi by NIP and by email (lower-cased: an address is matched whatever its case
    in the pegawai data or in the statement), among those asked for. An address that two pegawai of the
    instansi share credits neither: JP go to the person they belong to or to nobody. (Case is folded by the
    database's lower(): SQLite folds ASCII letters only, PostgreSQL all letters.)"""
    by_nip: dict[str, int] = {}
    by_email: dict[str, int] = {}
    shared: set[str] = set()
    table = connection.ops.quote_name(Employee._meta.db_table)
    asked = [("nip", nip) for nip in nips] + [("email", mail) for mail in emails]
    with connection.cursor() as cursor:
        for chunk in _chunks(asked):  # + the agency: CHUNK + 1 parameters at most
            nip_chunk = [value for kind, value in chunk if kind == "nip"]
            email_chunk = [value for kind, value in chunk if kind == "email"]
            conditions = []
            if nip_chunk:
                conditions.append(f"nip IN ({_placeholders(nip_chunk)})")
            if email_chunk:  # as the index employee_agency_email_ci
                conditions.append(f"lower(email) IN ({_placeholders(email_chunk)})")
            cursor.execute(
                f"SELECT id, nip, email FROM {table} WHERE agency_id = %s AND ({' OR '.join(conditions)})",  # noqa: S608
                [agency_id, *nip_chunk, *email_chunk],
            )
            for pk, nip, email in cursor.fetchall():
                by_nip[nip] = pk
                if email:
                    address = email.lower()
                    if by_email.setdefault(address, pk) != pk:
                        shared.add(address)
    for address in shared:
        del by_email[address]
    return by_nip, by_email


def _local_day(moment: dt.datetime) -> dt.date:
    """The statement's day where the instansi is (settings.TIME_ZONE); at the ends of the calendar (year 9999
    in UTC but 10000 in Jakarta) the day as written."""
    try:
        return timezone.localdate(moment) if moment.tzinfo else moment.date()
    except OverflowError:
        return moment.date()


RecordKey = tuple[int, str, dt.date]  # employee, title, start date: LearningRecord's unique key


def credit_statements(*, agency_id: int, rows: list[tuple[NewRow, dict[str, Any]]]) -> int:
    """Learning records for the creditable statements among rows (just stored). Returns how many were made:
    statements of the same pegawai on the same mapped activity and day share one record."""
    candidates = [
        (row, s)
        for row, s in rows
        if s["verb"]["id"] in CREDIT_VERBS and s["object"].get("objectType", "Activity") == "Activity"
    ]
    if not candidates:
        return 0
    credits = _active_credits(agency_id, sorted({s["object"]["id"] for _, s in candidates}))
    if not credits:
        return 0
    identities = {id(s): pegawai_identity(s["actor"]) for _, s in candidates if s["object"]["id"] in credits}
    nips = sorted({nip for nip, _ in identities.values() if nip})
    emails = sorted({mail for _, mail in identities.values() if mail})
    if not nips and not emails:
        return 0
    by_nip, by_email = _employees(agency_id, nips, emails)
    wanted: dict[RecordKey, tuple[_Credit, NewRow]] = {}
    credited: list[tuple[NewRow, RecordKey]] = []
    for row, statement in candidates:
        credit = credits.get(statement["object"]["id"])
        if credit is None:
            continue
        nip, mail = identities[id(statement)]
        employee_id = by_nip.get(nip or "") or by_email.get(mail or "")
        if employee_id is None:
            continue
        day = _local_day(row.timestamp)
        key = (employee_id, credit.title[:500], day)
        wanted.setdefault(key, (credit, row))
        credited.append((row, key))
    if not credited:
        return 0
    records, made = _records(wanted)
    _insert_credited([(row.pk, records[key]) for row, key in credited])
    events = []
    for key in made:
        credit, row = wanted[key]
        events.append(
            audit_event(
                actor=None,
                action="create",
                entity="learning.record",
                object_id=records[key],
                agency_id=agency_id,
                after={"source": SOURCE, "statement": str(row.statement_id), "jp": str(credit.jp)},
            )
        )
    record_all(events)
    return len(made)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# A credited statement's learning record, made with the columns below (the others take their defaults):
# verified at once, source xapi. Written in SQL: ON CONFLICT DO NOTHING ... RETURNING tells which records this
# request made (PostgreSQL; SQLite from 3.35, see lrs.checks); the ORM's bulk insert cannot, and took ~2.5 ms per
# batch.
_RECORD_COLUMNS = (
    "employee_id",
    "title",
    "start_date",
    "end_date",
    "form_id",
    "provider",
    "jp",
    "certificate_no",
    "status",
    "source",
    "verified_at",
)


def _records(wanted: dict[RecordKey, tuple[_Credit, NewRow]]) -> tuple[dict[RecordKey, int], list[RecordKey]]:
    """The learning record of every key: made now (verified, source xapi) or found. Returns the pk of each
    key and the keys whose record this call made. Keys are inserted in order, so two requests making
    overlapping records wait for each other and never deadlock; a record a concurrent request made first is
    found afterwards."""
    keys = sorted(wanted)
    found = _insert_records(keys, wanted)
    made = [key for key in keys if key in found]
    found.update(_existing_records([key for key in keys if key not in found]))
    return found, made


def _insert_records(keys: list[RecordKey], wanted: dict[RecordKey, tuple[_Credit, NewRow]]) -> dict[RecordKey, int]:
    """Insert the records of these keys where none exists; the pk of each one made."""
    ops = connection.ops
    verified_at = ops.adapt_datetimefield_value(timezone.now())
    row = "(" + _placeholders(list(_RECORD_COLUMNS)) + ")"
    made: dict[RecordKey, int] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(keys, width=len(_RECORD_COLUMNS)):
            params: list[Any] = []
            for key in chunk:
                employee_id, title, day = key
                credit = wanted[key][0]
                params += [
                    employee_id,
                    title,
                    ops.adapt_datefield_value(day),
                    ops.adapt_datefield_value(day),
                    credit.form_id,
                    (credit.provider or "xAPI")[:255],
                    ops.adapt_decimalfield_value(credit.jp, 7, 2),
                    "",
                    RecordStatus.VERIFIED.value,
                    SOURCE,
                    verified_at,
                ]
            cursor.execute(
                f"INSERT INTO {_table(LearningRecord)} ({', '.join(_RECORD_COLUMNS)}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(chunk))} ON CONFLICT (employee_id, title, start_date) DO NOTHING "
                "RETURNING id, employee_id, title, start_date",
                params,
            )
            made.update({(e, t, _as_date(d)): pk for pk, e, t, d in cursor.fetchall()})
    return made


def _existing_records(keys: list[RecordKey]) -> dict[RecordKey, int]:
    """The pk of the records that exist for these keys."""
    wanted = set(keys)
    found: dict[RecordKey, int] = {}
    for chunk in _chunks(keys, width=3):
        for pk, employee_id, title, start in LearningRecord.objects.filter(
            employee_id__in={k[0] for k in chunk},
            title__in={k[1] for k in chunk},
            start_date__in={k[2] for k in chunk},
        ).values_list("pk", "employee_id", "title", "start_date"):
            if (employee_id, title, start) in wanted:
                found[(employee_id, title, start)] = pk
    return found


def _as_date(value: Any) -> dt.date:
    """A date column as RETURNING gives it: a date (PostgreSQL) or its ISO text (SQLite)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _insert_credited(pairs: list[tuple[int, int]]) -> None:
    """CreditedStatement rows (statement pk, record pk): one insert."""
    with connection.cursor() as cursor:
        for chunk in _chunks(pairs, width=2):
            cursor.execute(
                f"INSERT INTO {_table(CreditedStatement)} (statement_id, record_id) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s)'] * len(chunk))}",
                [value for pair in chunk for value in pair],
            )
