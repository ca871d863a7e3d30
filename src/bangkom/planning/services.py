"""Writes of the AKPK (needs analysis) and the catalogue: the one place for their rules.

Refusals follow bangkom.learning.services: bad input raises RecordInvalid with every problem per field
(messages in the active language) and nothing is written; a pegawai, need or AKPK the actor may not act on
raises OutOfScope (callers answer 404, as for an id that does not exist).

Gathering rules (needs_gather), all from data in bulk (one query per table, never one per pegawai):
- gap_current: every SKJ line of the pegawai's current jabatan whose latest assessed level is below the
  required level; target = required level. A line never assessed is no need yet (its gap is undefined,
  engine.gaps.line_gaps): assess first. Priority = the gap (1-4).
- gap_next: the same against the SKJ of the jabatan given in next_positions (same instansi; an entry naming
  the current jabatan is ignored); priority = the gap, at most 3 (the next jabatan matters less than the
  current one).
- performance: a pegawai whose rating of the previous year (akpk.year - 1) has hasil kerja or perilaku kerja
  "di bawah ekspektasi" gets a need, priority 5, on each current SKJ competency with the largest gap
  (target = required). When no such gap exists, a generic competency instead: M.4 Orientasi pada Hasil for
  hasil kerja below, M.1 Integritas for perilaku kerja below (BerAKHLAK); target = the SKJ level when that
  is above the current level, else one level above the current one (level 2 when never assessed); nothing
  when the pegawai is already at level 5.
- instansi_priority: for each PriorityCompetency of the instansi and year, each pegawai whose SKJ includes
  it and whose latest assessed level is below the required level; target = required, priority = weight.
- talent box (PermenPANRB 3/2020): a pegawai whose 9-box (evaluation.talent.load_talent, for the latest
  performance year before the AKPK year) recommends "pengembangan" gets the priority of each of their
  gathered needs raised by one (at most 5): the box already says development is the follow-up. A box
  recommending discipline (penegakan_disiplin) raises none; a pegawai without a box is left as is.
Re-gathering updates the rows of these sources (levels, priority) in place and keeps their review state; a
gathered need that no longer follows from the data is deleted while still only proposed, kept once somebody
reviewed it. Needs proposed by pegawai or atasan are never touched by a gather.

Review order: the atasan (anyone up the pegawai's chain) decides a proposed need first; the admin instansi
then decides what the atasan approved. A pegawai without an atasan goes straight to the admin instansi. A
need an atasan proposes for a subordinate starts as approved by the atasan. The first decision turns a draft
AKPK into "in review"; an approved AKPK is frozen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record as audit
from bangkom.audit.services import record_change, snapshot
from bangkom.competency.loading import load_mapping
from bangkom.competency.models import Competency, Requirement
from bangkom.competency.selectors import latest_levels
from bangkom.engine.gaps import line_gaps
from bangkom.engine.talent import ACTION_MASK, ACTIONS
from bangkom.engine.textnum import plain_int
from bangkom.evaluation.models import PerformanceRating, Rating
from bangkom.evaluation.talent import load_talent
from bangkom.learning.models import DevelopmentForm
from bangkom.learning.services import OutOfScope, RecordInvalid
from bangkom.org.models import Agency, Employee, Position
from bangkom.org.selectors import is_atasan_of
from bangkom.planning.models import (
    GATHERED_SOURCES,
    POSITION_KIND_VALUES,
    Akpk,
    AkpkStatus,
    Modality,
    Need,
    NeedSource,
    NeedStatus,
    Offering,
    OfferingCompetency,
    PriorityCompetency,
)

__all__ = ["OutOfScope", "RecordInvalid"]

LEVEL_MIN, LEVEL_MAX = 1, 5
NEXT_POSITION_MAX_PRIORITY = 3
PERFORMANCE_PRIORITY = 5
# Generic competencies for low performance when the SKJ shows no gap (see the module docstring).
PERFORMANCE_FALLBACK = {"hasil_kerja": "M.4", "perilaku_kerja": "M.1"}
JP_MAX = Decimal("99999.99")  # Offering.jp holds 7 digits with 2 decimals
COST_MAX = 10**15


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _is_admin_of(actor: Any, agency_id: int | None) -> bool:
    return agency_id is not None and agency_id in roles_for(actor).admin_agency_ids


def _check_open(akpk: Akpk) -> None:
    if not akpk.is_open:
        raise RecordInvalid(
            {"__all__": [_("AKPK tahun %(year)s sudah disetujui dan tidak dapat diubah.") % {"year": akpk.year}]}
        )


# --- AKPK ----------------------------------------------------------------------------------------------------


@transaction.atomic
def akpk_create(*, actor: Any, agency: Agency, year: int) -> Akpk:
    if not _is_admin_of(actor, agency.pk):
        raise OutOfScope
    if not 1950 <= year <= 2200:
        raise RecordInvalid({"year": [_("Tahun %(year)s tidak masuk akal.") % {"year": year}]})
    if Akpk.objects.filter(agency=agency, year=year).exists():
        raise RecordInvalid({"year": [_("AKPK tahun %(year)s untuk instansi ini sudah ada.") % {"year": year}]})
    akpk = Akpk.objects.create(agency=agency, year=year, created_by=actor)
    record_change(actor=actor, instance=akpk, before=None, agency_id=agency.pk)
    return akpk


@transaction.atomic
def akpk_approve(*, actor: Any, akpk: Akpk, approve_pending: bool = False) -> Akpk:
    """Approve the AKPK. Needs still waiting for a decision block it, unless approve_pending: then the admin
    instansi approves them all in the same step (one audit event lists how many)."""
    akpk = Akpk.objects.select_for_update().get(pk=akpk.pk)
    if not _is_admin_of(actor, akpk.agency_id):
        raise OutOfScope
    _check_open(akpk)
    pending = Need.objects.filter(akpk=akpk, status__in=[NeedStatus.PROPOSED, NeedStatus.APPROVED_BY_ATASAN])
    now = timezone.now()
    n_pending = pending.count()
    if n_pending and not approve_pending:
        raise RecordInvalid(
            {
                "__all__": [
                    _("Masih ada %(n)s kebutuhan yang belum diputuskan: putuskan dulu, atau setujui semuanya.")
                    % {"n": n_pending}
                ]
            }
        )
    if n_pending:
        pending.update(status=NeedStatus.APPROVED, reviewed_by=actor, reviewed_at=now, updated_at=now)
    before = snapshot(akpk)
    akpk.status, akpk.approved_by, akpk.approved_at = AkpkStatus.APPROVED, actor, now
    akpk.save()
    audit(
        actor=actor,
        action="approve",
        entity="planning.akpk",
        object_id=akpk.pk,
        agency_id=akpk.agency_id,
        before=before,
        after=snapshot(akpk),
        summary=f"AKPK {akpk.year}: {n_pending} pending needs approved",
    )
    return akpk


# --- Gathering ----------------------------------------------------------------------------------------------


@dataclass
class Wanted:
    current: int | None
    target: int
    priority: int
    note: str = ""


@dataclass
class GatherResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    kept: int = 0  # rows of gathered sources no longer wanted but kept because they were reviewed
    by_source: dict[str, int] = field(default_factory=dict)


Key = tuple[int, int, str]  # employee_id, competency_id, source


def _want(wanted: dict[Key, Wanted], key: Key, item: Wanted) -> None:
    """Keep the stronger need when one source yields the same competency twice (two rating parts)."""
    old = wanted.get(key)
    if old is None or (item.target, item.priority) > (old.target, old.priority):
        wanted[key] = item


def _validate_next_positions(akpk: Akpk, next_positions: dict[int, int]) -> dict[int, int]:
    current = dict(
        Employee.objects.filter(agency_id=akpk.agency_id, pk__in=list(next_positions)).values_list("pk", "position_id")
    )
    employees = set(current)
    positions = set(
        Position.objects.filter(agency_id=akpk.agency_id, pk__in=set(next_positions.values())).values_list(
            "pk", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    for emp, pos in next_positions.items():
        if emp not in employees:
            _add(errors, "next_positions", _("Pegawai %(id)s bukan pegawai instansi ini.") % {"id": emp})
        elif pos not in positions:
            _add(errors, "next_positions", _("Jabatan %(id)s bukan jabatan instansi ini.") % {"id": pos})
    if errors:
        raise RecordInvalid(errors)
    # The current jabatan is already covered by gap_current.
    return {int(k): int(v) for k, v in next_positions.items() if current[int(k)] != int(v)}


def _gather_wanted(akpk: Akpk, next_positions: dict[int, int]) -> dict[Key, Wanted]:
    data = load_mapping(agency_ids=[akpk.agency_id])
    wanted: dict[Key, Wanted] = {}
    emp_ids = data.employee_ids[data.line_employee] if len(data.line_employee) else np.zeros(0, np.int64)
    comp_ids = data.competency_ids[data.line_competency] if len(data.line_competency) else np.zeros(0, np.int64)
    gaps = line_gaps(data.line_required, data.line_assessed)

    # gap_current
    idx = np.flatnonzero(gaps > 0)
    for i in idx.tolist():
        gap = int(gaps[i])
        _want(
            wanted,
            (int(emp_ids[i]), int(comp_ids[i]), NeedSource.GAP_CURRENT),
            Wanted(int(data.line_assessed[i]), int(data.line_required[i]), min(gap, LEVEL_MAX)),
        )

    # instansi_priority: the same lines, restricted to the instansi's priority competencies
    weights = dict(
        PriorityCompetency.objects.filter(agency_id=akpk.agency_id, year=akpk.year).values_list(
            "competency_id", "weight"
        )
    )
    if weights:
        for i in idx.tolist():
            comp = int(comp_ids[i])
            if comp in weights:
                _want(
                    wanted,
                    (int(emp_ids[i]), comp, NeedSource.INSTANSI_PRIORITY),
                    Wanted(int(data.line_assessed[i]), int(data.line_required[i]), weights[comp]),
                )

    # performance of the previous year
    low = list(
        PerformanceRating.objects.filter(employee__agency_id=akpk.agency_id, year=akpk.year - 1)
        .filter(Q(hasil_kerja=Rating.DI_BAWAH) | Q(perilaku_kerja=Rating.DI_BAWAH))
        .values_list("employee_id", "hasil_kerja", "perilaku_kerja")
    )
    if low:
        _performance_needs(wanted, data, emp_ids, comp_ids, gaps, low)

    if next_positions:
        _next_position_needs(wanted, next_positions)
    return wanted


def _performance_needs(
    wanted: dict[Key, Wanted],
    data: Any,
    emp_ids: np.ndarray,
    comp_ids: np.ndarray,
    gaps: np.ndarray,
    low: list[tuple[int, str, str]],
) -> None:
    low_ids = np.array([r[0] for r in low], dtype=np.int64)
    on_low = np.flatnonzero(np.isin(emp_ids, low_ids) & (gaps > 0))
    largest: dict[int, list[int]] = {}
    best: dict[int, int] = {}
    for i in on_low.tolist():
        e, g = int(emp_ids[i]), int(gaps[i])
        if g > best.get(e, 0):
            best[e], largest[e] = g, [i]
        elif g == best[e]:
            largest[e].append(i)
    generic_for: list[tuple[int, str]] = []
    for emp, hasil, perilaku in low:
        if emp in largest:
            for i in largest[emp]:
                _want(
                    wanted,
                    (emp, int(comp_ids[i]), NeedSource.PERFORMANCE),
                    Wanted(int(data.line_assessed[i]), int(data.line_required[i]), PERFORMANCE_PRIORITY),
                )
            continue
        if hasil == Rating.DI_BAWAH:
            generic_for.append((emp, PERFORMANCE_FALLBACK["hasil_kerja"]))
        if perilaku == Rating.DI_BAWAH:
            generic_for.append((emp, PERFORMANCE_FALLBACK["perilaku_kerja"]))
    if not generic_for:
        return
    comp_by_code = dict(
        Competency.objects.filter(code__in=set(PERFORMANCE_FALLBACK.values())).values_list("code", "pk")
    )
    emps = sorted({e for e, _c in generic_for})
    levels = latest_levels(emps)
    positions = dict(Employee.objects.filter(pk__in=emps).values_list("pk", "position_id"))
    required = {
        (p, c): lv
        for p, c, lv in Requirement.objects.filter(
            position_id__in=set(positions.values()), competency_id__in=comp_by_code.values()
        ).values_list("position_id", "competency_id", "required_level")
    }
    for emp, code in generic_for:
        comp = comp_by_code.get(code)
        if comp is None:
            continue
        current = levels.get((emp, comp), (None, None))[0]
        req = required.get((positions[emp], comp))
        above = req is not None and (current is None or req > current)
        target = req if above and req is not None else min(LEVEL_MAX, (current or 1) + 1)
        if current is not None and current >= target:
            continue
        _want(wanted, (emp, comp, NeedSource.PERFORMANCE), Wanted(current, target, PERFORMANCE_PRIORITY))


def _next_position_needs(wanted: dict[Key, Wanted], next_positions: dict[int, int]) -> None:
    lines: dict[int, list[tuple[int, int]]] = {}
    for pos, comp, req in Requirement.objects.filter(position_id__in=set(next_positions.values())).values_list(
        "position_id", "competency_id", "required_level"
    ):
        lines.setdefault(pos, []).append((comp, req))
    levels = latest_levels(list(next_positions))
    for emp, pos in next_positions.items():
        for comp, req in lines.get(pos, []):
            current = levels.get((emp, comp), (None, None))[0]
            if current is None or current >= req:
                continue
            _want(
                wanted,
                (emp, comp, NeedSource.GAP_NEXT),
                Wanted(current, req, min(req - current, NEXT_POSITION_MAX_PRIORITY)),
            )


def _raise_for_talent(akpk: Akpk, wanted: dict[Key, Wanted]) -> None:
    """The talent-box rule of the module docstring, applied to the gathered needs in place."""
    year = PerformanceRating.objects.filter(employee__agency_id=akpk.agency_id, year__lt=akpk.year).aggregate(
        y=Max("year")
    )["y"]
    if year is None or not wanted:
        return
    talent = load_talent(akpk.agency, year)
    develop, discipline = 1 << ACTIONS.index("pengembangan"), 1 << ACTIONS.index("penegakan_disiplin")
    mask = ACTION_MASK[talent.boxes.box.astype(np.int64)]
    chosen = talent.mapping.employee_ids[((mask & develop) != 0) & ((mask & discipline) == 0)]
    raised = set(chosen.tolist())
    for key, w in wanted.items():
        if key[0] in raised:
            w.priority = min(LEVEL_MAX, w.priority + 1)


@transaction.atomic
def needs_gather(*, actor: Any, akpk: Akpk, next_positions: dict[int, int] | None = None) -> GatherResult:
    """Build (or rebuild) the gathered needs of the AKPK; see the module docstring for the rules.

    Last step: pegawai whose 9-box of the latest performance year before akpk.year recommends development
    ("pengembangan", and not discipline) get every gathered need's priority raised by one, at most 5.
    """
    akpk = Akpk.objects.select_for_update().get(pk=akpk.pk)
    if not _is_admin_of(actor, akpk.agency_id):
        raise OutOfScope
    _check_open(akpk)
    nexts = _validate_next_positions(akpk, next_positions) if next_positions else {}
    wanted = _gather_wanted(akpk, nexts)
    _raise_for_talent(akpk, wanted)
    sources = list(GATHERED_SOURCES) if nexts else [s for s in GATHERED_SOURCES if s != NeedSource.GAP_NEXT]
    existing = {
        (n.employee_id, n.competency_id, n.source): n
        for n in Need.objects.filter(akpk=akpk, source__in=sources).only(
            "id", "employee_id", "competency_id", "source", "current_level", "target_level", "priority", "status"
        )
    }
    now = timezone.now()
    result = GatherResult()
    to_create, to_update = [], []
    for key, w in wanted.items():
        result.by_source[key[2]] = result.by_source.get(key[2], 0) + 1
        old = existing.pop(key, None)
        if old is None:
            to_create.append(
                Need(
                    akpk=akpk,
                    employee_id=key[0],
                    competency_id=key[1],
                    source=key[2],
                    current_level=w.current,
                    target_level=w.target,
                    priority=w.priority,
                )
            )
        elif (old.current_level, old.target_level, old.priority) != (w.current, w.target, w.priority):
            old.current_level, old.target_level, old.priority, old.updated_at = w.current, w.target, w.priority, now
            to_update.append(old)
    stale = [n.pk for n in existing.values() if n.status == NeedStatus.PROPOSED]
    result.kept = len(existing) - len(stale)
    result.deleted = Need.objects.filter(pk__in=stale).delete()[0] if stale else 0
    Need.objects.bulk_update(to_update, ["current_level", "target_level", "priority", "updated_at"], batch_size=2000)
    Need.objects.bulk_create(to_create, batch_size=2000)
    result.created, result.updated = len(to_create), len(to_update)
    akpk.gathered_at = now
    akpk.save(update_fields=["gathered_at"])
    audit(
        actor=actor,
        action="gather",
        entity="planning.akpk",
        object_id=akpk.pk,
        agency_id=akpk.agency_id,
        after={
            "created": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
            "kept": result.kept,
            "by_source": result.by_source,
            "next_positions": len(nexts),
        },
        summary=f"AKPK {akpk.year}: {result.created} new, {result.updated} updated, {result.deleted} removed",
    )
    return result


# --- Proposals and review ------------------------------------------------------------------------------------


def _find_competency(value: Competency | int | str, agency_id: int | None) -> Competency | None:
    """A competency the instansi may use (national, or its own), by instance, id or code; None when not found."""
    visible = Competency.objects.filter(agency__isnull=True)
    if agency_id is not None:
        visible = Competency.objects.filter(Q(agency__isnull=True) | Q(agency_id=agency_id))
    if isinstance(value, Competency):
        return visible.filter(pk=value.pk).first()
    if isinstance(value, int) or re.fullmatch(r"[0-9]{1,18}", str(value)):  # not "²" or 5,000 digits
        pk = int(value)
        return visible.filter(pk=pk).first() if 0 < pk < 2**63 else None
    return visible.filter(code=str(value).strip()).first()


def _resolve_competency(value: Competency | int | str | None, agency_id: int, errors: dict[str, list[str]]) -> Any:
    if value is None or value == "":
        _add(errors, "competency", _("Kompetensi wajib diisi."))
        return None
    found = _find_competency(value, agency_id)
    if found is None:
        _add(errors, "competency", _("Kompetensi %(c)s tidak dikenal di instansi ini.") % {"c": value})
    return found


def _open_akpk_for(employee: Employee, akpk: Akpk | None) -> Akpk:
    if akpk is not None:
        if akpk.agency_id != employee.agency_id:
            raise OutOfScope
        _check_open(akpk)
        return akpk
    found = (
        Akpk.objects.filter(agency_id=employee.agency_id).exclude(status=AkpkStatus.APPROVED).order_by("-year").first()
    )
    if found is None:
        raise RecordInvalid({"__all__": [_("Belum ada AKPK terbuka di instansi ini: hubungi admin instansi.")]})
    return found


@transaction.atomic
def need_propose(
    *,
    actor: Any,
    employee: Employee,
    competency: Competency | int | str | None,
    target_level: int | None,
    note: str = "",
    akpk: Akpk | None = None,
    priority: int | str | None = None,
) -> Need:
    """A pegawai proposes a need for themself, an atasan for a subordinate (any depth of the chain).

    Proposing again for the same competency updates the proposal while nobody has decided it yet. priority
    1 (low) to 5 (high); None keeps the proposal's priority (3 for a new one).
    """
    roles = roles_for(actor)
    own = roles.employee_id == employee.pk
    if not own and not is_atasan_of(actor, employee):
        raise OutOfScope
    akpk = _open_akpk_for(employee, akpk)
    errors: dict[str, list[str]] = {}
    comp = _resolve_competency(competency, employee.agency_id, errors)
    level: int | None = None
    try:
        level = int(target_level) if target_level is not None and str(target_level).strip() != "" else None
    except (TypeError, ValueError):
        level = None
    if level is None:
        _add(errors, "target_level", _("Level sasaran wajib diisi (1 sampai 5)."))
    elif not LEVEL_MIN <= level <= LEVEL_MAX:
        _add(errors, "target_level", _("Level sasaran harus antara 1 dan 5."))
        level = None
    current = None
    if comp is not None:
        current = latest_levels([employee.pk]).get((employee.pk, comp.pk), (None, None))[0]
        if level is not None and current is not None and level <= current:
            _add(
                errors,
                "target_level",
                _("Level sasaran harus di atas level saat ini (%(level)s).") % {"level": current},
            )
    prio: int | None = None
    if priority is not None and str(priority).strip() != "":
        prio = _int(priority)
        if prio is None or not 1 <= prio <= 5:
            _add(errors, "priority", _("Prioritas harus antara 1 (rendah) dan 5 (tinggi)."))
    note = (note or "").strip()
    if len(note) > 2000:
        _add(errors, "note", _("Catatan terlalu panjang (paling banyak 2000 karakter)."))
    source = NeedSource.PEGAWAI if own else NeedSource.ATASAN
    existing = None
    if comp is not None:
        existing = (
            Need.objects.select_for_update()
            .filter(akpk=akpk, employee=employee, competency=comp, source=source)
            .first()
        )
        if (
            existing is not None
            and existing.status != NeedStatus.PROPOSED
            and not (source == NeedSource.ATASAN and existing.status == NeedStatus.APPROVED_BY_ATASAN)
        ):
            _add(errors, "__all__", _("Usulan untuk kompetensi ini sudah diputuskan dan tidak dapat diubah."))
    if errors or comp is None or level is None:
        raise RecordInvalid(errors or {"__all__": [_("Usulan tidak dapat disimpan.")]})
    before = snapshot(existing) if existing is not None else None
    need = existing or Need(akpk=akpk, employee=employee, competency=comp, source=source)
    need.current_level, need.target_level, need.note = current, level, note
    need.priority = prio or need.priority or 3
    need.proposed_by = actor
    need.updated_at = timezone.now()
    if source == NeedSource.ATASAN:
        need.status, need.atasan_reviewed_by, need.atasan_reviewed_at = (
            NeedStatus.APPROVED_BY_ATASAN,
            actor,
            need.updated_at,
        )
    need.save()
    record_change(actor=actor, instance=need, before=before, agency_id=employee.agency_id, action="propose")
    return need


@transaction.atomic
def need_review(*, actor: Any, need: Need, approve: bool, reason: str = "") -> Need:
    """One decision on a need: the atasan's first, then the admin instansi's (module docstring)."""
    need = Need.objects.select_for_update().select_related("employee", "akpk").get(pk=need.pk)
    employee = need.employee
    is_admin = _is_admin_of(actor, employee.agency_id)
    is_atasan = is_atasan_of(actor, employee)
    if not (is_admin or is_atasan):
        if roles_for(actor).employee_id == employee.pk:
            raise RecordInvalid({"__all__": [_("Pegawai tidak dapat memutuskan kebutuhannya sendiri.")]})
        raise OutOfScope
    _check_open(need.akpk)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise RecordInvalid({"reason": [_("Alasan penolakan wajib diisi: pegawai perlu tahu alasannya.")]})
    has_atasan = employee.supervisor_id is not None
    now = timezone.now()
    before = snapshot(need)
    if need.status == NeedStatus.PROPOSED and is_atasan:
        need.atasan_reviewed_by, need.atasan_reviewed_at = actor, now
        need.status = NeedStatus.APPROVED_BY_ATASAN if approve else NeedStatus.REJECTED
        step = "atasan"
    elif (need.status == NeedStatus.APPROVED_BY_ATASAN and is_admin) or (
        need.status == NeedStatus.PROPOSED and is_admin and not has_atasan
    ):
        need.reviewed_by, need.reviewed_at = actor, now
        need.status = NeedStatus.APPROVED if approve else NeedStatus.REJECTED
        step = "admin"
    elif need.status == NeedStatus.PROPOSED:
        raise RecordInvalid({"__all__": [_("Kebutuhan ini menunggu keputusan atasan pegawai lebih dahulu.")]})
    elif need.status == NeedStatus.APPROVED_BY_ATASAN:
        raise RecordInvalid(
            {"__all__": [_("Kebutuhan ini sudah disetujui atasan; keputusan berikutnya oleh admin instansi.")]}
        )
    else:
        raise RecordInvalid({"__all__": [_("Kebutuhan ini sudah diputuskan.")]})
    need.review_reason = reason
    need.updated_at = now
    need.save()
    record_change(
        actor=actor,
        instance=need,
        before=before,
        agency_id=employee.agency_id,
        action=f"{'approve' if approve else 'reject'}_{step}",
    )
    if need.akpk.status == AkpkStatus.DRAFT:
        Akpk.objects.filter(pk=need.akpk_id, status=AkpkStatus.DRAFT).update(status=AkpkStatus.IN_REVIEW)
    return need


# --- Catalogue ------------------------------------------------------------------------------------------------


@dataclass
class OfferingData:
    form: DevelopmentForm | int | None
    title: str
    provider: str
    jp: Decimal | str | int | None
    cost_per_participant: int | str | None = 0
    modality: str = Modality.OFFLINE
    agency: Agency | None = None  # None: national catalogue (admin nasional only)
    seats: int | str | None = None
    start_date: date | None = None
    end_date: date | None = None
    location: str = ""
    eligible_position_kinds: list[str] = field(default_factory=list)
    min_level: int | str | None = None
    active: bool = True
    competencies: list[tuple[Competency | int | str, int]] = field(default_factory=list)  # (competency, +levels)


def _may_edit_catalogue(actor: Any, agency_id: int | None) -> bool:
    roles = roles_for(actor)
    if agency_id is None:
        return roles.is_admin_nasional or roles.is_superuser
    return agency_id in roles.admin_agency_ids or agency_id in roles.penyelenggara_agency_ids


def _decimal(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        out = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    return out if out.is_finite() else None


def _int(value: Any) -> int | None:
    d = _decimal(value)
    return int(d) if d is not None and d == d.to_integral_value() else None


def _offering_errors(data: OfferingData) -> tuple[dict[str, list[str]], dict[str, Any]]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    form = data.form
    if form is None or form == "":
        _add(errors, "form", _("Bentuk pengembangan wajib diisi."))
    elif not isinstance(form, DevelopmentForm):
        form_pk = plain_int(form)
        form = DevelopmentForm.objects.filter(pk=form_pk).first() if form_pk is not None else None
        if form is None:
            _add(
                errors,
                "form",
                _("Bentuk pengembangan %(form)s tidak dikenal (jenis diklat SIASN 1-25).") % {"form": data.form},
            )
    clean["form"] = form
    clean["title"], clean["provider"] = (data.title or "").strip(), (data.provider or "").strip()
    if not clean["title"]:
        _add(errors, "title", _("Judul wajib diisi."))
    if not clean["provider"]:
        _add(errors, "provider", _("Penyelenggara wajib diisi."))
    jp = _decimal(data.jp)
    if jp is None or jp < 0 or jp > JP_MAX:
        _add(errors, "jp", _("JP harus berupa angka tidak negatif (paling banyak 99999,99)."))
    else:
        clean["jp"] = jp.quantize(Decimal("0.01"))
    cost = _int(data.cost_per_participant if data.cost_per_participant is not None else 0)
    if cost is None or cost < 0 or cost > COST_MAX:
        _add(errors, "cost_per_participant", _("Biaya per peserta harus berupa rupiah bulat tidak negatif."))
    clean["cost_per_participant"] = cost
    seats = None
    if data.seats is not None and str(data.seats).strip() != "":
        seats = _int(data.seats)
        if seats is None or seats < 0 or seats > 2**31 - 1:
            _add(errors, "seats", _("Kuota peserta harus bilangan bulat tidak negatif (kosong: tak terbatas)."))
    clean["seats"] = seats
    if data.modality not in Modality.values:
        _add(errors, "modality", _("Moda %(m)s tidak dikenal (daring, luring, campuran).") % {"m": data.modality})
    if (data.start_date is None) != (data.end_date is None):
        _add(errors, "end_date", _("Isi tanggal mulai dan selesai bersama, atau kosongkan keduanya (mandiri)."))
    elif data.start_date and data.end_date and data.end_date < data.start_date:
        _add(errors, "end_date", _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    kinds = list(dict.fromkeys(data.eligible_position_kinds or []))
    bad = [k for k in kinds if k not in POSITION_KIND_VALUES]
    if bad:
        _add(
            errors,
            "eligible_position_kinds",
            _("Jenis jabatan tidak dikenal: %(k)s.") % {"k": ", ".join(map(str, bad))},
        )
    clean["eligible_position_kinds"] = kinds
    min_level = None
    if data.min_level is not None and str(data.min_level).strip() != "":
        min_level = _int(data.min_level)
        if min_level is None or not LEVEL_MIN <= min_level <= LEVEL_MAX:
            _add(errors, "min_level", _("Level minimal peserta harus antara 1 dan 5."))
    clean["min_level"] = min_level
    return errors, clean


def _offering_competencies(
    data: OfferingData, agency_id: int | None, errors: dict[str, list[str]]
) -> list[tuple[Competency, int]]:
    out: list[tuple[Competency, int]] = []
    seen: set[int] = set()
    for value, increase in data.competencies:
        comp = _find_competency(value, agency_id)
        if comp is None:
            _add(errors, "competencies", _("Kompetensi %(c)s tidak dikenal.") % {"c": value})
            continue
        if comp.pk in seen:
            _add(errors, "competencies", _("Kompetensi %(c)s disebut dua kali.") % {"c": comp.code})
            continue
        seen.add(comp.pk)
        inc = _int(increase)
        if inc is None or not 1 <= inc <= 4:
            _add(errors, "competencies", _("Kenaikan level %(c)s harus antara 1 dan 4.") % {"c": comp.code})
            continue
        out.append((comp, inc))
    return out


@transaction.atomic
def offering_save(*, actor: Any, data: OfferingData, offering: Offering | None = None) -> Offering:
    """Create or edit a catalogue offering with its competencies; every problem is reported per field."""
    agency_id = data.agency.pk if data.agency is not None else None
    if not _may_edit_catalogue(actor, agency_id) or (
        offering is not None and (offering.agency_id != agency_id or not _may_edit_catalogue(actor, offering.agency_id))
    ):
        raise OutOfScope
    errors, clean = _offering_errors(data)
    comps = _offering_competencies(data, agency_id, errors)
    if errors:
        raise RecordInvalid(errors)
    before = snapshot(offering) if offering is not None else None
    obj = offering or Offering(agency_id=agency_id)
    for name in ("form", "title", "provider", "jp", "cost_per_participant", "seats", "eligible_position_kinds"):
        setattr(obj, name, clean[name])
    obj.modality, obj.start_date, obj.end_date = data.modality, data.start_date, data.end_date
    obj.location, obj.min_level, obj.active = (data.location or "").strip(), clean["min_level"], data.active
    obj.updated_at = timezone.now()
    obj.save()
    old = dict(OfferingCompetency.objects.filter(offering=obj).values_list("competency_id", "level_increase"))
    new = {c.pk: inc for c, inc in comps}
    if old != new:
        OfferingCompetency.objects.filter(offering=obj).delete()
        OfferingCompetency.objects.bulk_create(
            [OfferingCompetency(offering=obj, competency_id=c, level_increase=inc) for c, inc in new.items()]
        )
    event = record_change(actor=actor, instance=obj, before=before, agency_id=agency_id)
    if old != new and event is not None:
        event.after = {**(event.after or {}), "competencies": {str(k): v for k, v in new.items()}}
        event.before = {**(event.before or {}), "competencies": {str(k): v for k, v in old.items()}} if before else None
        event.save(update_fields=["after", "before"])
    elif old != new:
        audit(
            actor=actor,
            action="update",
            entity="planning.offering",
            object_id=obj.pk,
            agency_id=agency_id,
            before={"competencies": {str(k): v for k, v in old.items()}},
            after={"competencies": {str(k): v for k, v in new.items()}},
        )
    return obj


def akpk_gather_start(*, actor: Any, akpk: Akpk, next_positions: dict[int, int] | None = None, lang: str = "id") -> Any:
    """Start needs_gather as a background job (pages never gather inside a request); returns the Job."""
    from bangkom.jobs.services import submit_job

    if not _is_admin_of(actor, akpk.agency_id):
        raise OutOfScope
    _check_open(akpk)
    return submit_job(
        kind="akpk_gather",
        params={
            "akpk_id": akpk.pk,
            "next_positions": {str(k): int(v) for k, v in (next_positions or {}).items()},
            "lang": lang,
        },
        user=actor,
        agency_id=akpk.agency_id,
    )


# --- Helpers for the pages ------------------------------------------------------------------------------------


def may_edit_offering(actor: Any, agency_id: int | None) -> bool:
    """Whether the actor may add or edit offerings owned by this instansi (None: the national catalogue)."""
    return _may_edit_catalogue(actor, agency_id)


@transaction.atomic
def offering_set_active(*, actor: Any, offering: Offering, active: bool) -> Offering:
    """Deactivate (or reactivate) an offering: it leaves (or rejoins) the optimiser's catalogue; history stays."""
    offering = Offering.objects.select_for_update().get(pk=offering.pk)
    if not _may_edit_catalogue(actor, offering.agency_id):
        raise OutOfScope
    if offering.active == active:
        return offering
    before = snapshot(offering)
    offering.active, offering.updated_at = active, timezone.now()
    offering.save(update_fields=["active", "updated_at"])
    record_change(
        actor=actor,
        instance=offering,
        before=before,
        agency_id=offering.agency_id,
        action="activate" if active else "deactivate",
    )
    return offering


def may_review_need(actor: Any, need: Need) -> bool:
    """Whether the actor has the next decision on this need (the order of need_review), for the pages."""
    if not need.akpk.is_open:
        return False
    employee = need.employee
    if need.status == NeedStatus.PROPOSED:
        if is_atasan_of(actor, employee):
            return True
        return employee.supervisor_id is None and _is_admin_of(actor, employee.agency_id)
    if need.status == NeedStatus.APPROVED_BY_ATASAN:
        return _is_admin_of(actor, employee.agency_id)
    return False


@transaction.atomic
def needs_bulk_review(*, actor: Any, needs: list[Need], approve: bool = True, reason: str = "") -> int:
    """One decision on many needs at once, all or nothing: any refusal undoes the others and is reported with
    the pegawai and competency it concerns. Returns how many needs were decided."""
    if not needs:
        raise RecordInvalid({"__all__": [_("Pilih paling sedikit satu kebutuhan.")]})
    errors: dict[str, list[str]] = {}
    for need in needs:
        try:
            need_review(actor=actor, need=need, approve=approve, reason=reason)
        except OutOfScope:
            _add(errors, "__all__", _("Kebutuhan %(id)s tidak dapat Anda putuskan.") % {"id": need.pk})
        except RecordInvalid as exc:
            for m in exc.messages:
                _add(
                    errors,
                    "__all__",
                    _("%(name)s, %(competency)s: %(message)s")
                    % {"name": need.employee.name, "competency": need.competency.code, "message": m},
                )
    if errors:
        raise RecordInvalid(errors)
    return len(needs)


def reviewable_need_ids(actor: Any, needs: list[Need]) -> set[int]:
    """Ids of the needs (with employee and akpk loaded) on which the actor has the next decision; the same
    order as need_review, checked in bulk (one query for the atasan chain) for a page of needs."""
    roles = roles_for(actor)
    pending = [n for n in needs if n.akpk.is_open and n.status in (NeedStatus.PROPOSED, NeedStatus.APPROVED_BY_ATASAN)]
    if not pending:
        return set()
    subordinates: set[int] = set()
    if roles.is_atasan and roles.employee_id is not None:
        from bangkom.org.selectors import subordinate_ids_sql

        ids = {n.employee_id for n in pending if n.status == NeedStatus.PROPOSED} - {roles.employee_id}
        if ids:
            subordinates = set(
                Employee.objects.filter(pk__in=ids)
                .filter(pk__in=subordinate_ids_sql(roles.employee_id))
                .values_list("pk", flat=True)
            )
    out: set[int] = set()
    for n in pending:
        admin = n.employee.agency_id in roles.admin_agency_ids
        if n.status == NeedStatus.PROPOSED:
            if n.employee_id in subordinates or (admin and n.employee.supervisor_id is None):
                out.add(n.pk)
        elif admin:
            out.add(n.pk)
    return out
