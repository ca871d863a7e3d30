"""JP from xAPI: a completed or passed statement by a known pegawai on an activity the admin mapped to JP
becomes one verified learning record (issue 8). Called inside the store transaction, so a statement is
credited exactly once (CreditedStatement is one-to-one with the statement, and a statement is stored once)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from bangkom.audit.services import record as audit
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


_CENTS = Decimal("0.01")  # ActivityCredit.jp has two decimal places; SQLite hands back an int or a float


def _active_credits(agency_id: int, activity_ids: list[str]) -> dict[str, _Credit]:
    table = connection.ops.quote_name(ActivityCredit._meta.db_table)
    sql = (
        f"SELECT activity_id, title, jp, form_id, provider FROM {table} "  # noqa: S608
        f"WHERE agency_id = %s AND active = %s AND activity_id IN ({_placeholders(activity_ids)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, True, *activity_ids])
        return {
            aid: _Credit(title, Decimal(str(jp)).quantize(_CENTS), form_id, provider)
            for aid, title, jp, form_id, provider in cursor.fetchall()
        }


def _employees(agency_id: int, nips: list[str], emails: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """The pegawai of the instansi by NIP and by email (lower-cased: an address is matched whatever its case
    in the pegawai data or in the statement), among those asked for. An address that two pegawai of the
    instansi share credits neither: JP go to the person they belong to or to nobody. (Case is folded by the
    database's lower(): SQLite folds ASCII letters only, PostgreSQL all letters.)"""
    conditions, params = [], []
    if nips:
        conditions.append(f"nip IN ({_placeholders(nips)})")
        params += nips
    if emails:
        conditions.append(f"lower(email) IN ({_placeholders(emails)})")  # as the index employee_agency_email_ci
        params += emails
    sql = (
        f"SELECT id, nip, email FROM {connection.ops.quote_name(Employee._meta.db_table)} "  # noqa: S608
        f"WHERE agency_id = %s AND ({' OR '.join(conditions)})"
    )
    by_nip: dict[str, int] = {}
    by_email: dict[str, int] = {}
    shared: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, *params])
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
    CreditedStatement.objects.bulk_create(
        CreditedStatement(statement_id=row.pk, record_id=records[key]) for row, key in credited
    )
    for record in made:
        credit, row = wanted[(record.employee_id, record.title, record.start_date)]
        audit(
            actor=None,
            action="create",
            entity="learning.record",
            object_id=record.pk,
            agency_id=agency_id,
            after={"source": SOURCE, "statement": str(row.statement_id), "jp": str(credit.jp)},
        )
    return len(made)


def _records(wanted: dict[RecordKey, tuple[_Credit, NewRow]]) -> tuple[dict[RecordKey, int], list[LearningRecord]]:
    """The learning record of every key: found, or made now (verified, source xapi). Returns the pk of each
    key and the records made."""
    found: dict[RecordKey, int] = {
        (employee_id, title, start): pk
        for pk, employee_id, title, start in LearningRecord.objects.filter(
            employee_id__in={k[0] for k in wanted},
            title__in={k[1] for k in wanted},
            start_date__in={k[2] for k in wanted},
        ).values_list("pk", "employee_id", "title", "start_date")
        if (employee_id, title, start) in wanted
    }
    now = timezone.now()
    new = [  # in key order: two requests inserting overlapping records wait for each other, never deadlock
        LearningRecord(
            employee_id=key[0],
            title=key[1],
            start_date=key[2],
            end_date=key[2],
            form_id=credit.form_id,
            provider=(credit.provider or "xAPI")[:255],
            jp=credit.jp,
            status=RecordStatus.VERIFIED,
            source=SOURCE,
            verified_at=now,
        )
        for key, (credit, _row) in sorted(wanted.items(), key=lambda item: item[0])
        if key not in found
    ]
    if not new:
        return found, []
    try:
        with transaction.atomic():
            LearningRecord.objects.bulk_create(new)
    except IntegrityError:
        # A concurrent request made one of these records first: take them one by one.
        made = []
        for record in new:
            obj, created = LearningRecord.objects.get_or_create(
                employee_id=record.employee_id,
                title=record.title,
                start_date=record.start_date,
                defaults={
                    f: getattr(record, f)
                    for f in ("end_date", "form_id", "provider", "jp", "status", "source", "verified_at")
                },
            )
            found[(obj.employee_id, obj.title, obj.start_date)] = obj.pk
            if created:
                made.append(obj)
        return found, made
    for record in new:
        found[(record.employee_id, record.title, record.start_date)] = record.pk
    return found, new
