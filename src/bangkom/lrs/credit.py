"""JP from xAPI: a completed or passed statement by a known pegawai on an activity the admin mapped to JP
becomes one verified learning record (issue 8). Called inside the store transaction, so a statement is
credited exactly once (CreditedStatement is one-to-one with the statement, and a statement is stored once)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
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


def credit_statements(*, agency_id: int, rows: list[tuple[NewRow, dict[str, Any]]]) -> int:
    """Learning records for the creditable statements among rows (just stored). Returns how many.
    Runs for every stored batch: plain values are read (no model instances) until a statement is credited."""
    candidates = [
        (row, s)
        for row, s in rows
        if s["verb"]["id"] in CREDIT_VERBS and s["object"].get("objectType", "Activity") == "Activity"
    ]
    if not candidates:
        return 0
    credits = {
        c.activity_id: c
        for c in ActivityCredit.objects.filter(
            agency_id=agency_id, active=True, activity_id__in={s["object"]["id"] for _, s in candidates}
        )
    }
    if not credits:
        return 0
    identities = {id(s): pegawai_identity(s["actor"]) for _, s in candidates if s["object"]["id"] in credits}
    nips = {nip for nip, _ in identities.values() if nip}
    emails = {mail for _, mail in identities.values() if mail}
    if not nips and not emails:
        return 0
    by_nip: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for pk, employee_nip, employee_email in (
        Employee.objects.filter(agency_id=agency_id)
        .filter(Q(nip__in=nips) | Q(email__in=emails))
        .values_list("pk", "nip", "email")
    ):
        by_nip[employee_nip] = pk
        if employee_email:
            by_email[employee_email.lower()] = pk
    created = 0
    for row, statement in candidates:
        credit = credits.get(statement["object"]["id"])
        if credit is None:
            continue
        nip, mail = identities[id(statement)]
        employee_id = by_nip.get(nip or "") or by_email.get(mail or "")
        if employee_id is None:
            continue
        day = timezone.localdate(row.timestamp) if row.timestamp.tzinfo else row.timestamp.date()
        record, made = LearningRecord.objects.get_or_create(
            employee_id=employee_id,
            title=credit.title[:500],
            start_date=day,
            defaults={
                "end_date": day,
                "form_id": credit.form_id,
                "provider": (credit.provider or "xAPI")[:255],
                "jp": credit.jp,
                "status": RecordStatus.VERIFIED,
                "source": SOURCE,
                "verified_at": timezone.now(),
            },
        )
        CreditedStatement.objects.create(statement_id=row.pk, record=record)
        if made:
            created += 1
            audit(
                actor=None,
                action="create",
                entity="learning.record",
                object_id=record.pk,
                agency_id=agency_id,
                after={"source": SOURCE, "statement": str(row.statement_id), "jp": str(credit.jp)},
            )
    return created
