"""The matching proposal of a programme: load participants as arrays, run engine/matching.py, store the pairs.

Mentee gaps come from the competency mapping (SKJ of their jabatan against their latest assessed levels; a
competency never assessed counts as a one-level gap). Mentor strengths are their latest assessed levels.
Location is the unit's office location (Unit.location, inherited); seniority is the years since the TMT
encoded in the NIP. The programme's rules become the engine's hard rules, so a proposed pair always obeys them.
Proposing again replaces the proposed pairs that have no session; active pairs are kept (and their mentors'
capacity is counted as taken).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bangkom.audit.services import record as audit
from bangkom.competency.loading import load_mapping
from bangkom.competency.models import Competency
from bangkom.competency.selectors import latest_levels
from bangkom.engine import matching
from bangkom.engine.nip import NipError, parse_nip
from bangkom.mentoring.models import Pairing, PairingStatus, Programme, ProgrammeStatus, Role
from bangkom.mentoring.services import OutOfScope, RecordInvalid, is_admin_of, location_map
from bangkom.org.models import Employee, Unit


@dataclass(frozen=True)
class Proposal:
    proposed: int
    kept: int
    unmatched: dict[str, int]
    total_fit: float


def _seniority(nip: str, year: int) -> int:
    try:
        return max(0, year - parse_nip(nip).appointed_year)
    except NipError:
        return 0


def _codes(values: list[Any]) -> np.ndarray:
    index: dict[Any, int] = {}
    return np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)


def matching_settings(programme: Programme) -> matching.MatchSettings:
    return matching.MatchSettings(
        min_level=programme.mentor_min_level,
        require_same_location=programme.same_location,
        require_same_instansi=True,
        unit_rule=programme.unit_rule,  # type: ignore[arg-type]
        allow_direct_atasan=programme.allow_direct_atasan,
    )


@transaction.atomic
def matching_propose(*, actor: Any, programme: Programme, today: dt.date | None = None) -> Proposal:
    """Propose mentors for every mentee without an open pair (admin instansi); the admin reviews before publishing."""
    if not is_admin_of(actor, programme.agency_id):
        raise OutOfScope
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status == ProgrammeStatus.CLOSED:
        raise RecordInvalid({"__all__": [_("Program sudah selesai.")]})
    today = today or timezone.localdate()
    # Proposals without sessions are redone; active pairs stay.
    Pairing.objects.filter(programme=programme, status=PairingStatus.PROPOSED, sessions__isnull=True).delete()
    kept = Pairing.objects.filter(programme=programme).exclude(status=PairingStatus.ENDED)
    taken = set(kept.values_list("mentee_id", flat=True))
    load: dict[int, int] = {}
    for mentor_id in kept.values_list("mentor_id", flat=True):
        load[mentor_id] = load.get(mentor_id, 0) + 1
    parts = list(programme.participants.values_list("employee_id", "role", "capacity"))
    mentee_ids = sorted(e for e, r, _c in parts if r == Role.MENTEE and e not in taken)
    mentor_caps = {e: max(0, c - load.get(e, 0)) for e, r, c in parts if r == Role.MENTOR}
    mentor_ids = sorted(mentor_caps)
    if not mentee_ids or not mentor_ids:
        raise RecordInvalid(
            {"__all__": [_("Tambahkan mentee (yang belum berpasangan) dan mentor sebelum menyusun usulan.")]}
        )
    people = {e.pk: e for e in Employee.objects.filter(pk__in=[*mentee_ids, *mentor_ids])}
    units = {
        pk: (parent, loc)
        for pk, parent, loc in Unit.objects.filter(agency_id=programme.agency_id).values_list(
            "pk", "parent_id", "location"
        )
    }
    where = location_map(units)
    everyone = [*mentee_ids, *mentor_ids]
    loc = _codes([where.get(people[e].unit_id or 0, "") for e in everyone])
    unit = _codes([people[e].unit_id for e in everyone])
    n = len(mentee_ids)

    # Mentee gaps from the mapping (one line per competency of their SKJ below the standard).
    data = load_mapping(employees=Employee.objects.filter(pk__in=mentee_ids))
    gap = np.where(data.line_assessed > 0, data.line_required.astype(np.int64) - data.line_assessed, 1)
    comp_id = data.competency_ids[data.line_competency]
    keep = gap > 0
    mentee_pos = {e: i for i, e in enumerate(mentee_ids)}
    mentor_pos = {e: j for j, e in enumerate(mentor_ids)}
    owner = data.employee_ids[data.line_employee[keep]].tolist()
    line_mentee = np.array([mentee_pos[int(e)] for e in owner], dtype=np.int64)
    line_comp, line_gap = comp_id[keep].astype(np.int64), gap[keep].astype(np.int64)
    order = np.argsort(line_mentee, kind="stable")
    line_mentee, line_comp, line_gap = line_mentee[order], line_comp[order], line_gap[order]

    levels = latest_levels(mentor_ids)
    lv_rows = sorted((mentor_pos[e], c, lvl) for (e, c), (lvl, _on) in levels.items())
    comp_index: dict[int, int] = {}
    for c in [*line_comp.tolist(), *[c for _r, c, _l in lv_rows]]:
        comp_index.setdefault(int(c), len(comp_index))
    mentees = matching.Mentees(
        gap_ptr=np.searchsorted(line_mentee, np.arange(n + 1)).astype(np.int64),
        gap_competency=np.array([comp_index[int(c)] for c in line_comp], dtype=np.int32),
        gap_level=line_gap,
        location=loc[:n],
        instansi=np.zeros(n, dtype=np.int64),
        unit=unit[:n],
        atasan=np.array([mentor_pos.get(people[e].supervisor_id or 0, -1) for e in mentee_ids], dtype=np.int64),
    )
    k = len(mentor_ids)
    lv_owner = np.array([r for r, _c, _l in lv_rows], dtype=np.int64)
    mentors = matching.Mentors(
        capacity=np.array([mentor_caps[e] for e in mentor_ids], dtype=np.int64),
        level_ptr=np.searchsorted(lv_owner, np.arange(k + 1)).astype(np.int64),
        level_competency=np.array([comp_index[int(c)] for _r, c, _l in lv_rows], dtype=np.int32),
        level=np.array([lvl for _r, _c, lvl in lv_rows], dtype=np.int64),
        location=loc[n:],
        instansi=np.zeros(k, dtype=np.int64),
        unit=unit[n:],
        seniority=np.array([_seniority(people[e].nip, today.year) for e in mentor_ids], dtype=np.int64),
    )
    result = matching.match(mentees, mentors, matching_settings(programme))
    codes = {v: c for c, v in comp_index.items()}
    code_of = dict(Competency.objects.filter(pk__in=list(comp_index)).values_list("pk", "code"))
    gap_of = {(int(i), int(c)): int(g) for i, c, g in zip(line_mentee, line_comp, line_gap, strict=True)}
    level_of = {(mentor_pos[e], c): lvl for (e, c), (lvl, _on) in levels.items()}
    pairs = []
    for i in range(n):
        j = int(result.mentor[i])
        if j < 0:
            continue
        covered = [codes[int(c)] for c in result.covered_competency[result.covered_ptr[i] : result.covered_ptr[i + 1]]]
        pairs.append(
            Pairing(
                programme=programme,
                mentee_id=mentee_ids[i],
                mentor_id=mentor_ids[j],
                fit=float(result.fit[i]),
                status=PairingStatus.ACTIVE
                if programme.status == ProgrammeStatus.PUBLISHED
                else PairingStatus.PROPOSED,
                reasons={
                    "competencies": [
                        {
                            "competency": c,
                            "code": code_of.get(c, ""),
                            "gap": gap_of.get((i, c), 0),
                            "mentor_level": level_of.get((j, c), 0),
                        }
                        for c in covered
                    ],
                    "same_location": bool(result.same_location[i]),
                    "same_unit": people[mentee_ids[i]].unit_id == people[mentor_ids[j]].unit_id,
                    "seniority": int(mentors.seniority[j]),
                    "fit": {
                        "coverage": float(result.fit_coverage[i]),
                        "location": float(result.fit_location[i]),
                        "seniority": float(result.fit_seniority[i]),
                    },
                },
            )
        )
    Pairing.objects.bulk_create(pairs)
    counts = {k2: v for k2, v in result.reason_counts().items() if k2 != "matched" and v}
    audit(
        actor=actor,
        action="propose",
        entity="mentoring.programme",
        object_id=programme.pk,
        agency_id=programme.agency_id,
        after={"proposed": len(pairs), "unmatched": counts},
    )
    return Proposal(proposed=len(pairs), kept=len(taken), unmatched=counts, total_fit=float(result.total_fit))


def unmatched_mentees(programme: Programme) -> list[Employee]:
    paired = Pairing.objects.filter(programme=programme).exclude(status=PairingStatus.ENDED).values("mentee_id")
    return list(
        Employee.objects.filter(programme_roles__programme=programme, programme_roles__role=Role.MENTEE)
        .exclude(pk__in=paired)
        .order_by("name")
    )
