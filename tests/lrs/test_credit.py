"""JP from xAPI statements: completed/passed by a known pegawai on a mapped activity gives one verified
learning record; everything else gives none (table-driven)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bangkom.audit.models import AuditEvent
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.lrs import credit
from bangkom.lrs.models import CreditedStatement
from bangkom.lrs.services import SettingInvalid, credit_save

from .conftest import Xapi

pytestmark = pytest.mark.django_db

MAPPED = "https://elearning.example.go.id/modul/anti-korupsi"
UNMAPPED = "https://elearning.example.go.id/modul/lain"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"


@pytest.fixture
def mapped(org: Any) -> None:
    credit_save(actor=None, agency=org.agency_a, activity_id=MAPPED, title="Modul Anti Korupsi", jp="3", form_code=16)
    org.staf2.email = "staf2@example.go.id"
    org.staf2.save()


def actor_for(org: Any, who: str) -> dict[str, Any]:
    if who == "nip":
        return {"account": {"homePage": "https://siasn.bkn.go.id", "name": org.staf1.nip}}
    if who == "mbox":
        return {"mbox": "mailto:STAF2@example.go.id"}
    if who == "other_instansi_nip":
        return {"account": {"homePage": "https://siasn.bkn.go.id", "name": org.pegawai_b.nip}}
    return {"mbox": "mailto:tamu@example.com"}


def completion(actor: dict[str, Any], timestamp: str | None = None, **more: Any) -> dict[str, Any]:
    """A completed statement on the mapped activity."""
    stmt = {"actor": actor, "verb": {"id": COMPLETED}, "object": {"id": MAPPED}, **more}
    if timestamp is not None:
        stmt["timestamp"] = timestamp
    return stmt


@pytest.mark.parametrize(
    ("who", "verb", "activity", "credited"),
    [
        ("nip", COMPLETED, MAPPED, "staf1"),
        ("nip", PASSED, MAPPED, "staf1"),
        ("mbox", COMPLETED, MAPPED, "staf2"),
        ("nip", ATTEMPTED, MAPPED, None),
        ("nip", COMPLETED, UNMAPPED, None),
        ("stranger", COMPLETED, MAPPED, None),
        ("other_instansi_nip", COMPLETED, MAPPED, None),
    ],
)
def test_credit_rules(
    org: Any, mapped: None, xapi: Xapi, who: str, verb: str, activity: str, credited: str | None
) -> None:
    stmt = {
        "actor": actor_for(org, who),
        "verb": {"id": verb},
        "object": {"id": activity},
        "timestamp": "2026-03-02T08:00:00Z",
    }
    assert xapi.post("statements", stmt).status_code == 200
    records = LearningRecord.objects.filter(source="xapi")
    if credited is None:
        assert not records.exists()
        return
    record = records.get()
    assert record.employee == getattr(org, credited)
    assert record.status == RecordStatus.VERIFIED
    assert record.jp == Decimal("3.00") and record.form_id == 16 and record.title == "Modul Anti Korupsi"
    assert str(record.start_date) == "2026-03-02"


def test_a_record_made_from_a_statement_reads_back_as_any_other(org: Any, mapped: None, xapi: Xapi) -> None:
    """The record is written in SQL (not through the model): every column reads back as the model expects."""
    stmt = completion(actor_for(org, "nip"))
    stmt["timestamp"] = "2026-03-02T20:00:00Z"  # 03:00 on 3 March in Jakarta: the record's day
    assert xapi.post("statements", stmt).status_code == 200
    record = LearningRecord.objects.get(source="xapi")
    assert (record.start_date, record.end_date) == (dt.date(2026, 3, 3), dt.date(2026, 3, 3))
    assert (record.provider, record.certificate_no, record.quantity, record.evidence.name) == ("xAPI", "", None, "")
    assert record.status == RecordStatus.VERIFIED and record.jp == Decimal("3.00")
    assert record.verified_at is not None and record.created_at is not None and record.updated_at is not None
    assert abs(record.verified_at - timezone.now()) < dt.timedelta(minutes=1)
    assert record.submitted_by is None and record.verified_by is None and record.rejection_reason == ""
    event = AuditEvent.objects.get(entity="learning.record", action="create")
    assert event.object_id == str(record.pk) and event.agency_id == org.agency_a.pk and event.actor_id is None
    assert event.after["source"] == "xapi" and event.at is not None


def test_a_batch_larger_than_an_insert_credits_every_statement(
    org: Any, mapped: None, xapi: Xapi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records and credited statements are inserted in chunks (SQLite takes at most 32,766 parameters)."""
    monkeypatch.setattr(credit, "CHUNK", 2)
    base = completion(actor_for(org, "nip"))
    batch = [{**base, "timestamp": f"2026-03-{day:02d}T08:00:00Z"} for day in range(1, 8)]
    batch += [{**base, "actor": actor_for(org, "mbox"), "timestamp": "2026-03-01T08:00:00Z"}]
    assert xapi.post("statements", batch).status_code == 200
    assert LearningRecord.objects.filter(source="xapi").count() == 8
    assert CreditedStatement.objects.count() == 8
    assert AuditEvent.objects.filter(entity="learning.record").count() == 8


def test_credited_exactly_once(org: Any, mapped: None, xapi: Xapi) -> None:
    sid = str(uuid.uuid4())
    stmt = completion(actor_for(org, "nip"), id=sid)
    for _ in range(3):
        assert xapi.post("statements", stmt).status_code == 200
    assert xapi.put("statements", stmt, query=f"?statementId={sid}").status_code == 204
    assert LearningRecord.objects.filter(source="xapi").count() == 1
    assert CreditedStatement.objects.count() == 1
    # A second completion on the same day is a second statement but the same learning: no second record.
    again = {**stmt, "id": str(uuid.uuid4())}
    assert xapi.post("statements", again).status_code == 200
    assert LearningRecord.objects.filter(source="xapi").count() == 1


def test_other_instansi_client_does_not_credit(org: Any, mapped: None, xapi_b: Xapi) -> None:
    stmt = completion(actor_for(org, "nip"))
    assert xapi_b.post("statements", stmt).status_code == 200
    assert not LearningRecord.objects.filter(source="xapi").exists()


@pytest.mark.parametrize(
    ("activity", "title", "jp", "form"),
    [
        ("not an iri", "x", "1", 16),
        (MAPPED, " ", "1", 16),
        (MAPPED, "x", "-1", 16),
        (MAPPED, "x", "abc", 16),
        (MAPPED, "x", "1", 99),
    ],
)
def test_mapping_refuses_bad_input(org: Any, activity: str, title: str, jp: str, form: int) -> None:
    with pytest.raises(SettingInvalid) as err:
        credit_save(actor=None, agency=org.agency_a, activity_id=activity, title=title, jp=jp, form_code=form)
    assert err.value.messages


def test_one_batch_credits_each_statement_and_makes_one_record_per_day(org: Any, mapped: None, xapi: Xapi) -> None:
    base = completion(actor_for(org, "nip"))
    batch = [
        {**base, "timestamp": "2026-03-02T08:00:00Z"},
        {**base, "verb": {"id": PASSED}, "timestamp": "2026-03-02T09:00:00Z"},
        {**base, "timestamp": "2026-03-03T08:00:00Z"},
        {**base, "actor": actor_for(org, "mbox"), "timestamp": "2026-03-02T08:00:00Z"},
    ]
    assert xapi.post("statements", batch).status_code == 200
    records = LearningRecord.objects.filter(source="xapi").order_by("employee__nip", "start_date")
    assert [(r.employee_id, str(r.start_date)) for r in records] == [
        (org.staf1.pk, "2026-03-02"),
        (org.staf1.pk, "2026-03-03"),
        (org.staf2.pk, "2026-03-02"),
    ]
    assert CreditedStatement.objects.count() == 4
    per_record = sorted(CreditedStatement.objects.values_list("record__start_date", flat=True))
    assert [str(d) for d in per_record] == ["2026-03-02", "2026-03-02", "2026-03-02", "2026-03-03"]
    events = AuditEvent.objects.filter(entity="learning.record", action="create")
    assert events.count() == 3
    assert {e.after["jp"] for e in events} == {"3.00"}  # as the mapping holds it, on SQLite too


def test_record_made_by_another_request_is_shared(org: Any, mapped: None, xapi: Xapi) -> None:
    """The record of the statement's key exists already (made by a concurrent request that committed first, or
    by an earlier one): the insert leaves it alone and the statement is credited to it, with no audit event
    of a record made."""
    LearningRecord.objects.create(
        employee=org.staf1,
        title="Modul Anti Korupsi",
        start_date="2026-03-02",
        end_date="2026-03-02",
        form_id=16,
        provider="LMS lain",
        jp=3,
        source="xapi",
    )
    stmt = completion(actor_for(org, "nip"), "2026-03-02T08:00:00Z")
    assert xapi.post("statements", stmt).status_code == 200
    record = LearningRecord.objects.get(source="xapi")
    assert record.provider == "LMS lain"
    assert CreditedStatement.objects.get().record == record
    assert not AuditEvent.objects.filter(entity="learning.record").exists()


def test_email_matches_whatever_its_case(org: Any, mapped: None, xapi: Xapi) -> None:
    """Pegawai data often keeps the address as typed (Budi.Santoso@...); the statement's mbox may differ in case."""
    org.staf2.email = "Staf2.Kedua@Example.go.id"
    org.staf2.save()
    stmt = completion({"mbox": "mailto:staf2.kedua@example.GO.ID"}, "2026-03-02T08:00:00Z")
    assert xapi.post("statements", stmt).status_code == 200
    assert LearningRecord.objects.get(source="xapi").employee == org.staf2


def test_an_address_two_pegawai_share_credits_neither(org: Any, mapped: None, xapi: Xapi) -> None:
    org.staf1.email = "Bersama@example.go.id"
    org.staf1.save()
    org.staf2.email = "bersama@example.go.id"
    org.staf2.save()
    stmt = completion({"mbox": "mailto:bersama@example.go.id"})
    assert xapi.post("statements", stmt).status_code == 200
    assert not LearningRecord.objects.filter(source="xapi").exists()


def test_a_completion_at_the_end_of_the_calendar_is_credited_on_its_written_day(
    org: Any, mapped: None, xapi: Xapi
) -> None:
    # 9999-12-31T23:30Z is in year 10000 in Jakarta, which Python cannot hold (was a 500).
    stmt = completion(actor_for(org, "nip"), "9999-12-31T23:30:00Z")
    assert xapi.post("statements", stmt).status_code == 200
    assert str(LearningRecord.objects.get(source="xapi").start_date) == "9999-12-31"
