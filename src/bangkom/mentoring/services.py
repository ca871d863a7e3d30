"""Writes of the coaching and mentoring programmes: programmes, participants, pairs, sessions, JP credit.

Who may do what:
- the admin instansi of the programme's instansi: create and edit programmes, choose participants, propose the
  matching, edit pairs, publish, close;
- the mentee and the mentor of an active pair: schedule and log sessions (the mentee writes the reflection,
  the mentor the notes); only the mentor confirms a held session.

A confirmed session credits the mentee once: one verified learning record with the JP of the programme form's
rule (the instansi's own rule when it has one), within the rule's monthly cap counted over every record of that
form the mentee has in the month. A session past the cap is confirmed with 0 JP, and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record as audit
from bangkom.audit.services import record_change, snapshot
from bangkom.engine.hours import credit_jp
from bangkom.learning.models import DevelopmentForm, LearningRecord, RecordStatus
from bangkom.learning.selectors import form_rule_for
from bangkom.learning.services import OutOfScope, RecordInvalid
from bangkom.mentoring.models import (
    COACHING_FORM_ID,
    MENTORING_FORM_ID,
    Pairing,
    PairingStatus,
    Participant,
    Programme,
    ProgrammeKind,
    ProgrammeStatus,
    Role,
    Session,
    SessionStatus,
    UnitRule,
)
from bangkom.org.models import Agency, Employee, Unit

TEXT_MAX = 4000
CAPACITY_MAX = 20

__all__ = ["OutOfScope", "RecordInvalid"]


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def is_admin_of(actor: Any, agency_id: int) -> bool:
    return agency_id in roles_for(actor).admin_agency_ids


def _require_admin(actor: Any, programme: Programme) -> None:
    if not is_admin_of(actor, programme.agency_id):
        raise OutOfScope


# --- programmes -----------------------------------------------------------------------------------------------


@dataclass
class ProgrammeData:
    kind: str
    name: str
    start_date: dt.date | None
    end_date: dt.date | None
    goal: str = ""
    unit: Unit | int | None = None
    sessions_per_month: Any = 2
    unit_rule: str = UnitRule.ANY
    same_location: bool = False
    allow_direct_atasan: bool = True
    mentor_min_level: Any = 4


def _small_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


@transaction.atomic
def programme_save(*, actor: Any, agency: Agency, data: ProgrammeData, programme: Programme | None = None) -> Programme:
    if not is_admin_of(actor, agency.pk) or (programme is not None and programme.agency_id != agency.pk):
        raise OutOfScope
    errors: dict[str, list[str]] = {}
    if data.kind not in ProgrammeKind.values:
        _add(errors, "kind", _("Pilih coaching atau mentoring."))
    name = (data.name or "").strip()
    if not name:
        _add(errors, "name", _("Nama program wajib diisi."))
    elif len(name) > 255:
        _add(errors, "name", _("Nama program terlalu panjang (paling banyak 255 karakter)."))
    if data.start_date is None:
        _add(errors, "start_date", _("Tanggal mulai wajib diisi."))
    if data.end_date is None:
        _add(errors, "end_date", _("Tanggal selesai wajib diisi."))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        _add(errors, "end_date", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    per_month = _small_int(data.sessions_per_month)
    if per_month is None or not 1 <= per_month <= 8:
        _add(errors, "sessions_per_month", _("Sesi per bulan harus antara 1 dan 8."))
    min_level = _small_int(data.mentor_min_level)
    if min_level is None or not 1 <= min_level <= 5:
        _add(errors, "mentor_min_level", _("Level minimal mentor harus antara 1 dan 5."))
    if data.unit_rule not in UnitRule.values:
        _add(errors, "unit_rule", _("Aturan asal mentor tidak dikenal."))
    unit = None
    if data.unit not in (None, ""):
        unit_id = data.unit.pk if isinstance(data.unit, Unit) else _small_int(data.unit)
        unit = Unit.objects.filter(pk=unit_id or 0, agency=agency).first()
        if unit is None:
            _add(errors, "unit", _("Unit kerja tidak ditemukan di instansi ini."))
    goal = (data.goal or "").strip()
    if len(goal) > TEXT_MAX:
        _add(errors, "goal", _("Tujuan terlalu panjang (paling banyak 4000 karakter)."))
    if errors:
        raise RecordInvalid(errors)
    form = DevelopmentForm.objects.get(
        pk=COACHING_FORM_ID if data.kind == ProgrammeKind.COACHING else MENTORING_FORM_ID
    )
    before = snapshot(programme) if programme is not None else None
    obj = programme or Programme(agency=agency, created_by=actor)
    obj.kind, obj.name, obj.goal, obj.unit, obj.form = data.kind, name, goal, unit, form
    obj.start_date, obj.end_date = data.start_date, data.end_date  # type: ignore[assignment]
    obj.sessions_per_month, obj.mentor_min_level = per_month, min_level  # type: ignore[assignment]
    obj.unit_rule, obj.same_location = data.unit_rule, bool(data.same_location)
    obj.allow_direct_atasan = bool(data.allow_direct_atasan)
    obj.save()
    if before is None:
        audit(
            actor=actor,
            action="create",
            entity="mentoring.programme",
            object_id=obj.pk,
            agency_id=agency.pk,
            after=snapshot(obj),
        )
    else:
        record_change(actor=actor, instance=obj, before=before, agency_id=agency.pk)
    return obj


@dataclass
class ParticipantsResult:
    added: int = 0
    removed: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def participants_set(
    *, actor: Any, programme: Programme, mentees: list[int], mentors: dict[int, int]
) -> ParticipantsResult:
    """Replace the programme's mentees and mentors (mentor id -> capacity). Nothing is written on an error.

    Everyone must be a pegawai of the programme's instansi (and of its unit, for the mentees of a unit's
    programme); a pegawai cannot be both mentee and mentor; a mentor's capacity is 1-20. Participants who
    are in an open pair cannot be removed (end the pair first).
    """
    _require_admin(actor, programme)
    errors: dict[str, list[str]] = {}
    mentee_ids, mentor_caps = list(dict.fromkeys(int(i) for i in mentees)), {int(k): v for k, v in mentors.items()}
    both = set(mentee_ids) & set(mentor_caps)
    if both:
        _add(
            errors,
            "mentors",
            _("Seorang pegawai tidak dapat menjadi mentee sekaligus mentor (%(n)s pegawai).") % {"n": len(both)},
        )
    staff = Employee.objects.filter(agency_id=programme.agency_id)
    known = set(staff.filter(pk__in=[*mentee_ids, *mentor_caps]).values_list("pk", flat=True))
    unknown = [i for i in [*mentee_ids, *mentor_caps] if i not in known]
    if unknown:
        _add(errors, "__all__", _("%(n)s pegawai tidak ditemukan di instansi program.") % {"n": len(unknown)})
    if programme.unit_id is not None and mentee_ids:
        units = _subtree(programme.unit_id)
        outside = staff.filter(pk__in=mentee_ids).exclude(unit_id__in=units).count()
        if outside:
            _add(errors, "mentees", _("%(n)s mentee bukan pegawai unit penyelenggara.") % {"n": outside})
    for emp, cap in mentor_caps.items():
        c = _small_int(cap)
        if c is None or not 1 <= c <= CAPACITY_MAX:
            _add(errors, "mentors", _("Kapasitas mentor harus antara 1 dan 20."))
            break
        mentor_caps[emp] = c
    current: dict[tuple[int, str], Participant] = {(p.employee_id, p.role): p for p in programme.participants.all()}
    wanted: set[tuple[int, str]] = {(i, Role.MENTEE.value) for i in mentee_ids} | {
        (i, Role.MENTOR.value) for i in mentor_caps
    }
    removing = [p for key, p in current.items() if key not in wanted]
    open_pairs = Pairing.objects.filter(programme=programme).exclude(status=PairingStatus.ENDED)
    busy = set(open_pairs.values_list("mentee_id", flat=True)) | set(open_pairs.values_list("mentor_id", flat=True))
    stuck = [p for p in removing if p.employee_id in busy]
    if stuck:
        _add(
            errors,
            "__all__",
            _("%(n)s peserta masih memiliki pasangan aktif; akhiri pasangannya dahulu.") % {"n": len(stuck)},
        )
    if errors:
        raise RecordInvalid(errors)
    out = ParticipantsResult()
    Participant.objects.filter(pk__in=[p.pk for p in removing]).delete()
    out.removed = len(removing)
    new = []
    for emp, role in wanted - set(current):
        new.append(
            Participant(
                programme=programme,
                employee_id=emp,
                role=role,
                capacity=mentor_caps.get(emp, 0) if role == Role.MENTOR else 0,
            )
        )
    Participant.objects.bulk_create(new)
    out.added = len(new)
    for (emp, role), p in current.items():
        if role == Role.MENTOR and (emp, role) in wanted and p.capacity != mentor_caps[emp]:
            p.capacity = mentor_caps[emp]
            p.save(update_fields=["capacity"])
            out.updated += 1
    audit(
        actor=actor,
        action="participants",
        entity="mentoring.programme",
        object_id=programme.pk,
        agency_id=programme.agency_id,
        after={"mentees": len(mentee_ids), "mentors": len(mentor_caps)},
    )
    return out


def _subtree(unit_id: int) -> set[int]:
    unit = Unit.objects.get(pk=unit_id)
    rows = list(Unit.objects.filter(agency_id=unit.agency_id).values_list("pk", "parent_id"))
    children: dict[int | None, list[int]] = {}
    for pk, parent in rows:
        children.setdefault(parent, []).append(pk)
    out, stack = set(), [unit_id]
    while stack:
        u = stack.pop()
        out.add(u)
        stack.extend(children.get(u, []))
    return out


# --- pairs ----------------------------------------------------------------------------------------------------


def pair_rule_errors(programme: Programme, mentee: Employee, mentor: Employee) -> list[str]:
    """The programme's hard rules for one pair (the matching engine applies the same ones)."""
    out = []
    if mentee.pk == mentor.pk:
        out.append(_("Mentee tidak dapat menjadi mentornya sendiri."))
    if not programme.allow_direct_atasan and mentee.supervisor_id == mentor.pk:
        out.append(_("Program ini tidak membolehkan atasan langsung menjadi mentor."))
    if programme.unit_rule == UnitRule.WITHIN and mentee.unit_id != mentor.unit_id:
        out.append(_("Mentor harus dari unit kerja yang sama."))
    if programme.unit_rule == UnitRule.ACROSS and mentee.unit_id == mentor.unit_id:
        out.append(_("Mentor harus dari unit kerja lain."))
    if programme.same_location and location_of(mentee.unit_id) != location_of(mentor.unit_id):
        out.append(_("Mentor harus dari lokasi (kantor) yang sama."))
    return out


def location_of(unit_id: int | None) -> str:
    """A pegawai's location: their unit's office location, inherited from the parent units when empty."""
    if unit_id is None:
        return ""
    rows = Unit.objects.filter(agency__units=unit_id).values_list("pk", "parent_id", "location")
    return location_map({pk: (parent, loc) for pk, parent, loc in rows}).get(unit_id, "")


def location_map(units: Mapping[int, tuple[int | None, str]]) -> dict[int, str]:
    """unit id -> location: its own, else the nearest ancestor's, else "" (the instansi as a whole)."""
    out: dict[int, str] = {}
    for unit in units:
        chain: list[int] = []
        current: int | None = unit
        while current is not None and current not in out and len(chain) < 64:
            parent, loc = units.get(current, (None, ""))
            if loc.strip():
                out[current] = loc.strip()
                break
            chain.append(current)
            current = parent
        found = out.get(current, "") if current is not None else ""
        for u in chain:
            out[u] = found
    return out


def _open_load(programme: Programme, mentor_id: int, *, excluding: int | None = None) -> int:
    qs = Pairing.objects.filter(programme=programme, mentor_id=mentor_id).exclude(status=PairingStatus.ENDED)
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    return qs.count()


@transaction.atomic
def pairing_set(*, actor: Any, programme: Programme, mentee: Employee, mentor: Employee) -> Pairing:
    """The admin chooses (or changes) the mentor of a mentee: rules and the mentor's capacity hold."""
    _require_admin(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    roles = dict(programme.participants.filter(employee__in=[mentee, mentor]).values_list("employee_id", "role"))
    errors: dict[str, list[str]] = {}
    if roles.get(mentee.pk) != Role.MENTEE:
        _add(errors, "mentee", _("Pegawai itu bukan mentee program ini."))
    cap = programme.participants.filter(employee=mentor, role=Role.MENTOR).values_list("capacity", flat=True).first()
    if cap is None:
        _add(errors, "mentor", _("Pegawai itu bukan mentor program ini."))
    for message in pair_rule_errors(programme, mentee, mentor):
        _add(errors, "mentor", message)
    existing = Pairing.objects.filter(programme=programme, mentee=mentee).exclude(status=PairingStatus.ENDED).first()
    if existing is not None and existing.sessions.exists() and existing.mentor_id != mentor.pk:
        _add(errors, "mentor", _("Pasangan ini sudah memiliki sesi; akhiri pasangannya lalu buat yang baru."))
    if cap is not None and _open_load(programme, mentor.pk, excluding=existing.pk if existing else None) >= cap:
        _add(errors, "mentor", _("Kapasitas mentor ini sudah penuh (%(n)s mentee).") % {"n": cap})
    if errors:
        raise RecordInvalid(errors)
    status = PairingStatus.ACTIVE if programme.status == ProgrammeStatus.PUBLISHED else PairingStatus.PROPOSED
    if existing is not None:
        before = existing.mentor_id
        existing.mentor, existing.fit, existing.status = mentor, 0.0, status
        existing.reasons = {**(existing.reasons or {}), "manual": True}
        existing.save(update_fields=["mentor", "fit", "status", "reasons"])
        pairing = existing
    else:
        before = None
        pairing = Pairing.objects.create(
            programme=programme, mentee=mentee, mentor=mentor, status=status, reasons={"manual": True}
        )
    audit(
        actor=actor,
        action="pair",
        entity="mentoring.pairing",
        object_id=pairing.pk,
        agency_id=programme.agency_id,
        before={"mentor": before},
        after={"mentor": mentor.pk, "mentee": mentee.pk},
    )
    return pairing


@transaction.atomic
def pairing_end(*, actor: Any, pairing: Pairing) -> Pairing:
    _require_admin(actor, pairing.programme)
    if pairing.status == PairingStatus.PROPOSED and not pairing.sessions.exists():
        pk = pairing.pk
        pairing.delete()
        pairing.pk = pk
    else:
        pairing.status = PairingStatus.ENDED
        pairing.save(update_fields=["status"])
    audit(
        actor=actor,
        action="end",
        entity="mentoring.pairing",
        object_id=pairing.pk,
        agency_id=pairing.programme.agency_id,
    )
    return pairing


@transaction.atomic
def programme_publish(*, actor: Any, programme: Programme) -> int:
    """Proposed pairs become active and the programme runs; returns the number of active pairs."""
    _require_admin(actor, programme)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status == ProgrammeStatus.CLOSED:
        raise RecordInvalid({"__all__": [_("Program sudah selesai.")]})
    pairs = Pairing.objects.filter(programme=programme, status=PairingStatus.PROPOSED)
    if programme.status == ProgrammeStatus.DRAFT and not pairs.exists():
        raise RecordInvalid({"__all__": [_("Belum ada pasangan untuk diumumkan. Susun usulan pasangan dahulu.")]})
    pairs.update(status=PairingStatus.ACTIVE)
    programme.status, programme.published_at = ProgrammeStatus.PUBLISHED, programme.published_at or timezone.now()
    programme.save(update_fields=["status", "published_at"])
    active = Pairing.objects.filter(programme=programme, status=PairingStatus.ACTIVE).count()
    audit(
        actor=actor,
        action="publish",
        entity="mentoring.programme",
        object_id=programme.pk,
        agency_id=programme.agency_id,
        after={"active_pairs": active},
    )
    return active


# --- sessions -------------------------------------------------------------------------------------------------


@dataclass
class SessionData:
    date: dt.date | None
    topic: str
    duration_minutes: Any = 60
    goal: str = ""
    reality: str = ""
    options: str = ""
    will: str = ""
    reflection: str = ""
    mentor_notes: str = ""


def _side(actor: Any, pairing: Pairing) -> str | None:
    me = roles_for(actor).employee_id
    if me == pairing.mentee_id:
        return Role.MENTEE
    if me == pairing.mentor_id:
        return Role.MENTOR
    return None


@transaction.atomic
def session_save(
    *, actor: Any, pairing: Pairing, data: SessionData, session: Session | None = None, today: dt.date | None = None
) -> Session:
    """Schedule (a future date) or log (today or earlier) a session; either side of an active pair.

    The mentee writes the reflection, the mentor the notes; a confirmed session cannot be changed.
    """
    side = _side(actor, pairing)
    if side is None or (session is not None and session.pairing_id != pairing.pk):
        raise OutOfScope
    today = today or timezone.localdate()
    programme = pairing.programme
    errors: dict[str, list[str]] = {}
    if pairing.status != PairingStatus.ACTIVE or programme.status != ProgrammeStatus.PUBLISHED:
        _add(errors, "__all__", _("Sesi hanya dapat dicatat pada pasangan yang sedang berjalan."))
    if session is not None and session.status == SessionStatus.CONFIRMED:
        _add(errors, "__all__", _("Sesi yang sudah dikonfirmasi tidak dapat diubah."))
    if data.date is None:
        _add(errors, "date", _("Tanggal sesi wajib diisi."))
    elif not programme.start_date <= data.date <= programme.end_date:
        _add(
            errors,
            "date",
            _("Tanggal sesi harus dalam masa program (%(a)s s.d. %(b)s).")
            % {"a": programme.start_date.isoformat(), "b": programme.end_date.isoformat()},
        )
    topic = (data.topic or "").strip()
    if not topic:
        _add(errors, "topic", _("Topik sesi wajib diisi."))
    elif len(topic) > 255:
        _add(errors, "topic", _("Topik terlalu panjang (paling banyak 255 karakter)."))
    minutes = _small_int(data.duration_minutes)
    if minutes is None or not 5 <= minutes <= 600:
        _add(errors, "duration_minutes", _("Durasi harus antara 5 dan 600 menit."))
    texts = {
        k: (getattr(data, k) or "").strip()
        for k in ("goal", "reality", "options", "will", "reflection", "mentor_notes")
    }
    for key, value in texts.items():
        if len(value) > TEXT_MAX:
            _add(errors, key, _("Teks terlalu panjang (paling banyak 4000 karakter)."))
    if errors:
        raise RecordInvalid(errors)
    obj = session or Session(pairing=pairing)
    before = snapshot(session) if session is not None else None
    obj.date, obj.topic, obj.duration_minutes = data.date, topic, minutes  # type: ignore[assignment]
    for key in ("goal", "reality", "options", "will"):
        setattr(obj, key, texts[key])
    # Each side owns its own text: the mentee's reflection, the mentor's notes.
    if side == Role.MENTEE:
        obj.reflection = texts["reflection"]
    else:
        obj.mentor_notes = texts["mentor_notes"]
    obj.status = SessionStatus.HELD if obj.date <= today else SessionStatus.SCHEDULED
    obj.logged_by = actor
    obj.save()
    if before is None:
        audit(actor=actor, action="create", entity="mentoring.session", object_id=obj.pk, agency_id=programme.agency_id)
    else:
        record_change(actor=actor, instance=obj, before=before, agency_id=programme.agency_id)
    return obj


def _month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first = day.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def units_used_in_month(employee_id: int, form_id: int, day: dt.date) -> Decimal:
    """Units (sessions) of this form the pegawai already has in the calendar month of `day` (not rejected)."""
    first, last = _month_bounds(day)
    used = (
        LearningRecord.objects.filter(
            employee_id=employee_id, form_id=form_id, start_date__gte=first, start_date__lte=last
        )
        .exclude(status=RecordStatus.REJECTED)
        .aggregate(n=Sum("quantity"))["n"]
    )
    return Decimal(used or 0)


@dataclass(frozen=True)
class Confirmed:
    session: Session
    jp: Decimal
    capped: bool


@transaction.atomic
def session_confirm(*, actor: Any, session: Session, today: dt.date | None = None) -> Confirmed:
    """The mentor confirms a held session: the mentee is credited once (a verified learning record)."""
    session = (
        Session.objects.select_for_update()
        .select_related("pairing__programme__form", "pairing__mentee", "pairing__mentor")
        .get(pk=session.pk)
    )
    pairing = session.pairing
    if _side(actor, pairing) != Role.MENTOR:
        if _side(actor, pairing) == Role.MENTEE:
            raise RecordInvalid({"__all__": [_("Hanya mentor yang dapat mengonfirmasi sesi.")]})
        raise OutOfScope
    if session.status == SessionStatus.CONFIRMED:
        raise RecordInvalid({"__all__": [_("Sesi ini sudah dikonfirmasi; JP-nya sudah dicatat.")]})
    today = today or timezone.localdate()
    if session.status != SessionStatus.HELD or session.date > today:
        raise RecordInvalid({"__all__": [_("Hanya sesi yang sudah berlangsung yang dapat dikonfirmasi.")]})
    programme, mentee = pairing.programme, pairing.mentee
    rule = form_rule_for(programme.form, programme.agency_id)
    # The monthly cap counts every record of this form the mentee has this month, not only this programme's.
    used = units_used_in_month(mentee.pk, programme.form_id, session.date)
    room = Decimal(rule.max_units_per_month) - used if rule.max_units_per_month is not None else Decimal(1)
    units = max(Decimal(0), min(Decimal(1), room))
    if rule.unit == "jp":
        stated = round(session.duration_minutes * 100 / 45)
        jp_h = credit_jp(rule, start=session.date, end=session.date, stated_jp=stated).jp
    else:
        jp_h = credit_jp(rule, start=session.date, end=session.date, quantity=int(units * 100)).jp
    jp = Decimal(jp_h) / 100
    record = None
    if jp > 0:
        record = LearningRecord.objects.create(
            employee=mentee,
            form=programme.form,
            title=_("%(kind)s: %(topic)s (sesi %(n)s)")
            % {"kind": programme.get_kind_display(), "topic": session.topic[:400], "n": session.pk},
            provider=pairing.mentor.name[:255],
            start_date=session.date,
            end_date=session.date,
            jp=jp,
            quantity=units,
            status=RecordStatus.VERIFIED,
            source="mentoring",
            submitted_by=session.logged_by,
            verified_by=actor,
            verified_at=timezone.now(),
        )
    session.status, session.confirmed_by, session.confirmed_at = SessionStatus.CONFIRMED, actor, timezone.now()
    session.record, session.jp = record, jp
    session.save(update_fields=["status", "confirmed_by", "confirmed_at", "record", "jp"])
    audit(
        actor=actor,
        action="confirm",
        entity="mentoring.session",
        object_id=session.pk,
        agency_id=programme.agency_id,
        after={"jp": str(jp), "record": record.pk if record else None},
    )
    return Confirmed(session, jp, capped=units < 1)


@transaction.atomic
def session_cancel(*, actor: Any, session: Session) -> Session:
    if _side(actor, session.pairing) is None:
        raise OutOfScope
    if session.status == SessionStatus.CONFIRMED:
        raise RecordInvalid({"__all__": [_("Sesi yang sudah dikonfirmasi tidak dapat dibatalkan.")]})
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status"])
    audit(
        actor=actor,
        action="cancel",
        entity="mentoring.session",
        object_id=session.pk,
        agency_id=session.pairing.programme.agency_id,
    )
    return session


def matching_start(*, actor: Any, programme: Programme, lang: str = "id") -> Any:
    """Start the matching proposal as a background job ("mentoring_match"); returns the Job."""
    from bangkom.jobs.services import submit_job

    _require_admin(actor, programme)
    return submit_job(
        kind="mentoring_match",
        params={"programme_id": programme.pk, "lang": lang},
        user=actor,
        agency_id=programme.agency_id,
    )
