"""The mentoring step of seed-demo: a published coaching programme with sessions and a mentoring proposal."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from bangkom.accounts.models import User
from bangkom.audit.models import AuditEvent
from bangkom.demodata.mentoring_seed import COACHING_NAME, MENTORING_NAME, seed_mentoring
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.mentoring.models import (
    COACHING_FORM_ID,
    Pairing,
    PairingStatus,
    Participant,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    Session,
    SessionStatus,
    UnitRule,
)
from bangkom.mentoring.selectors import overdue_for
from bangkom.org.models import Agency

PASSWORD = "uji-demo-2026"
WORLD = ("--employees", "120", "--agencies", "2", "--seed", "7", "--skip-planning")


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--password", PASSWORD, *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "programmes": Programme.objects.count(),
        "participants": Participant.objects.count(),
        "pairs": Pairing.objects.count(),
        "sessions": Session.objects.count(),
        "records": LearningRecord.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _demo_users(agency: Agency) -> tuple[User, User]:
    pegawai = User.objects.get(employee__isnull=False, employee__subordinates__isnull=True, employee__agency=agency)
    atasan = User.objects.get(employee=pegawai.employee.supervisor)  # type: ignore[union-attr]
    return pegawai, atasan


def test_seed_demo_runs_a_coaching_programme_and_proposes_a_mentoring_one(db: Any) -> None:
    out = _seed(*WORLD)
    today = timezone.localdate()
    first = Agency.objects.filter(employees__isnull=False).distinct().order_by("code").first()
    assert first is not None
    assert COACHING_NAME in out and MENTORING_NAME in out and "Sesi coaching" in out
    pegawai, atasan = _demo_users(first)
    admin = User.objects.get(username=f"admin.{first.code.lower()}")

    # Two programmes, in the first instansi only, created by its admin.
    assert Programme.objects.count() == 2 and not Programme.objects.exclude(agency=first).exists()
    coaching = Programme.objects.get(kind=ProgrammeKind.COACHING)
    mentoring = Programme.objects.get(kind=ProgrammeKind.MENTORING)
    assert coaching.name == COACHING_NAME and coaching.created_by == admin
    assert coaching.start_date < today < coaching.end_date and coaching.sessions_per_month == 2
    assert coaching.allow_direct_atasan and coaching.unit_rule == UnitRule.ANY

    # Coaching: published with active pairs; the demo pegawai is coached by the demo atasan.
    assert coaching.status == ProgrammeStatus.PUBLISHED and coaching.published_at is not None
    active = Pairing.objects.filter(programme=coaching, status=PairingStatus.ACTIVE)
    assert active.count() >= 5
    assert not Pairing.objects.filter(programme=coaching).exclude(status=PairingStatus.ACTIVE).exists()
    assert active.filter(mentee=pegawai.employee, mentor=atasan.employee).exists()
    assert active.filter(mentor=atasan.employee).count() >= 2
    assert Participant.objects.filter(programme=coaching, employee=atasan.employee, role="mentor").exists()
    assert active.filter(reasons__competencies__0__isnull=False).exists()  # the matching proposed pairs

    # Sessions: within the period and not in the future; confirmed ones credited as verified form-14 records.
    sessions = Session.objects.filter(pairing__programme=coaching)
    assert sessions.exists()
    assert not sessions.exclude(date__gte=coaching.start_date, date__lte=today).exists()
    assert all(s.goal and s.reality and s.options and s.will and s.mentor_notes for s in sessions)
    confirmed = sessions.filter(status=SessionStatus.CONFIRMED)
    assert confirmed.count() >= 5 and not confirmed.exclude(confirmed_by=atasan).exists()
    credited = confirmed.filter(record__isnull=False)
    assert credited.exists()
    for s in credited.select_related("record"):
        assert s.record is not None and s.record.form_id == COACHING_FORM_ID
        assert s.record.status == RecordStatus.VERIFIED and s.record.jp == s.jp > 0
        assert s.record.employee_id == s.pairing.mentee_id and s.record.verified_by == atasan
    held = sessions.filter(status=SessionStatus.HELD)
    assert held.count() == 1 and held.get().pairing.mentor_id == atasan.employee_id
    # The demo pegawai logged their own sessions, with a reflection.
    own = sessions.filter(pairing__mentee=pegawai.employee)
    assert own.exists() and not own.exclude(logged_by=atasan).exists()  # the mentor's notes were the last save
    assert not own.filter(reflection="").exists()
    assert AuditEvent.objects.filter(entity="mentoring.session", action="create", actor=pegawai).exists()

    # The demo pegawai's pair has not met for a month: both demo accounts see the reminder.
    assert any(o.pairing.mentee_id == pegawai.employee_id for o in overdue_for(pegawai))
    assert any(o.role == "mentor" for o in overdue_for(atasan))

    # Mentoring: a proposal across units, no direct atasan, waiting for the admin.
    assert mentoring.name == MENTORING_NAME and mentoring.status == ProgrammeStatus.DRAFT
    assert mentoring.unit_rule == UnitRule.ACROSS and not mentoring.allow_direct_atasan
    proposed = Pairing.objects.filter(programme=mentoring).select_related("mentee", "mentor")
    assert proposed.exists() and {p.status for p in proposed} == {PairingStatus.PROPOSED}
    for p in proposed:
        assert p.mentee.unit_id != p.mentor.unit_id and p.mentee.supervisor_id != p.mentor_id
    assert not Session.objects.filter(pairing__programme=mentoring).exists()

    before = _counts()
    again = _seed(*WORLD, "--if-empty")
    assert _counts() == before
    assert "sudah ada" in again


def test_skip_mentoring_leaves_no_programme(db: Any) -> None:
    _seed("--employees", "30", "--agencies", "1", "--skip-planning", "--skip-mentoring")
    assert not Programme.objects.exists()


def test_a_tiny_world_does_not_fail(db: Any) -> None:
    out = _seed("--employees", "12", "--agencies", "1", "--skip-planning")
    assert "Menyiapkan program coaching dan mentoring demo" in out


def _signature() -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]:
    pairs = sorted(Pairing.objects.values_list("programme__kind", "mentee__nip", "mentor__nip", "status").order_by())
    sessions = sorted(
        (s.pairing.mentee.nip, s.date.isoformat(), s.topic, s.status)
        for s in Session.objects.select_related("pairing__mentee")
    )
    return pairs, sessions


def test_seed_mentoring_is_deterministic_for_a_seed_and_a_date(db: Any) -> None:
    _seed(*WORLD, "--skip-mentoring")
    first = Agency.objects.filter(employees__isnull=False).distinct().order_by("code").first()
    assert first is not None
    pegawai, atasan = _demo_users(first)
    admin = User.objects.get(username=f"admin.{first.code.lower()}")
    today = dt.date(2026, 6, 15)
    lines: list[str] = []

    def run() -> tuple[Any, Any]:
        seed_mentoring(
            agency=first, admin=admin, pegawai=pegawai, atasan=atasan, seed=11, today=today, write=lines.append
        )
        return _signature()

    once = run()
    assert once[1] and all(day <= today.isoformat() for _n, day, _t, _s in once[1])
    assert run() == once  # the programme exists: nothing added
    assert "sudah ada" in lines[-1]
    LearningRecord.objects.filter(source="mentoring").delete()
    Programme.objects.all().delete()
    assert run() == once
