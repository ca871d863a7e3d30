"""Bulk loading of an AKPK's needs and the catalogue into NumPy arrays for the optimiser (engine/planner.py).

One query per table (dbarrays.fetch_numeric), never one per pegawai. Plain arrays and dataclasses only, so
the job that runs the optimiser maps them onto the planner's own input types.

Needs: the optimiser closes a competency of a pegawai once, so the rows of several sources for the same
(pegawai, competency) become one need: target = the highest target, current = the latest known current
level (the same for every gathered source), weight = the highest priority. gap = target - current; a need
whose current level is unknown (a proposal without assessment) asks for one level. Only needs in the given
statuses count (default: approved; rejected never).

Offerings: active national offerings and those of the instansi whose dates fall in the year or that are
self-paced (no dates). seats -1 = unlimited; jp in integer hundredths (engine/hours); cost in rupiah.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from bangkom.dbarrays import fetch_numeric
from bangkom.engine import planner
from bangkom.org.models import Employee
from bangkom.planning.models import POSITION_KIND_VALUES, Akpk, Need, NeedStatus, Offering, OfferingCompetency

MIX_CATEGORIES: tuple[str, ...] = ("70", "20", "10")


@dataclass(frozen=True)
class NeedArrays:
    """One row per (pegawai, competency), sorted by pegawai id then competency id."""

    employee_id: np.ndarray  # int64 [m]
    competency_id: np.ndarray  # int64 [m]
    current: np.ndarray  # int8 [m], 0 = unknown
    target: np.ndarray  # int8 [m]
    gap: np.ndarray  # int8 [m], >= 1
    weight: np.ndarray  # int8 [m], 1..5

    @property
    def m(self) -> int:
        return len(self.employee_id)


@dataclass(frozen=True)
class OfferingArrays:
    """Offerings sorted by id, and the competencies they raise (one row per pair, sorted by offering)."""

    offering_id: np.ndarray  # int64 [p]
    form: np.ndarray  # int16 [p], SIASN 1..25
    mix: np.ndarray  # int8 [p], index into MIX_CATEGORIES
    jp: np.ndarray  # int64 [p], JP hundredths per participant
    cost: np.ndarray  # int64 [p], rupiah per participant
    seats: np.ndarray  # int64 [p], -1 = unlimited
    support_offering: np.ndarray  # int64 [s], index into the offering arrays
    support_competency_id: np.ndarray  # int64 [s]
    support_increase: np.ndarray  # int8 [s], 1..4
    # bit k set = position kind POSITION_KIND_VALUES[k] may take it; 0 = every kind [p]
    eligible_kinds: np.ndarray | None = None
    min_level: np.ndarray | None = None  # int8 [p], 0 = none

    @property
    def p(self) -> int:
        return len(self.offering_id)


def load_needs(akpk: Akpk, *, statuses: Iterable[str] = (NeedStatus.APPROVED,)) -> NeedArrays:
    statuses = [s for s in statuses if s != NeedStatus.REJECTED]
    qs = Need.objects.filter(akpk=akpk, status__in=statuses).annotate(cur=Coalesce("current_level", Value(0)))
    raw = fetch_numeric(
        qs,
        [
            ("employee_id", "int8"),
            ("competency_id", "int8"),
            ("cur", "int2"),
            ("target_level", "int2"),
            ("priority", "int2"),
        ],
    )
    emp, comp = raw["employee_id"].astype(np.int64), raw["competency_id"].astype(np.int64)
    if len(emp) == 0:
        z8, z64 = np.zeros(0, np.int8), np.zeros(0, np.int64)
        return NeedArrays(z64, z64.copy(), z8, z8.copy(), z8.copy(), z8.copy())
    order = np.lexsort((comp, emp))
    emp, comp = emp[order], comp[order]
    cur, target, prio = (raw[k][order].astype(np.int16) for k in ("cur", "target_level", "priority"))
    first = np.ones(len(emp), dtype=bool)
    first[1:] = (emp[1:] != emp[:-1]) | (comp[1:] != comp[:-1])
    starts = np.flatnonzero(first)
    target_max = np.maximum.reduceat(target, starts)
    weight = np.maximum.reduceat(prio, starts)
    current = np.maximum.reduceat(cur, starts)  # 0 only when no source knows the level
    gap = np.where(current > 0, target_max - current, 1)
    keep = gap > 0
    return NeedArrays(
        employee_id=emp[starts][keep],
        competency_id=comp[starts][keep],
        current=current[keep].astype(np.int8),
        target=target_max[keep].astype(np.int8),
        gap=gap[keep].astype(np.int8),
        weight=weight[keep].astype(np.int8),
    )


def offerings_for(agency_id: int, year: int) -> Q:
    in_year = Q(start_date__isnull=True) | Q(start_date__year__lte=year, end_date__year__gte=year)
    return Q(active=True) & (Q(agency__isnull=True) | Q(agency_id=agency_id)) & in_year


def load_offerings(agency_id: int, year: int) -> OfferingArrays:
    qs = Offering.objects.filter(offerings_for(agency_id, year)).order_by("pk")
    raw = fetch_numeric(
        qs.annotate(seats_or_none=Coalesce("seats", Value(-1))),
        [("id", "int8"), ("form_id", "int2"), ("cost_per_participant", "int8"), ("seats_or_none", "int8")],
        order_by="id",
    )
    ids = raw["id"].astype(np.int64)
    # JP is a decimal and the mix comes from the form: one small query for both (a catalogue, not pegawai).
    kind_bit = {k: 1 << i for i, k in enumerate(POSITION_KIND_VALUES)}
    details = {
        pk: (jp, sum(kind_bit.get(k, 0) for k in set(kinds or [])), lvl or 0)
        for pk, jp, kinds, lvl in qs.values_list("id", "jp", "eligible_position_kinds", "min_level")
    }
    mix_of_form = dict(qs.values_list("form_id", "form__mix_category").distinct())
    mix_index = {m: i for i, m in enumerate(MIX_CATEGORIES)}
    jp = np.fromiter((int(details[i][0] * 100) for i in ids.tolist()), dtype=np.int64, count=len(ids))
    form = raw["form_id"].astype(np.int16)
    mix = np.fromiter((mix_index[mix_of_form[f]] for f in form.tolist()), dtype=np.int8, count=len(ids))
    sup = fetch_numeric(
        OfferingCompetency.objects.filter(offering__in=qs.values("pk")),
        [("offering_id", "int8"), ("competency_id", "int8"), ("level_increase", "int2")],
    )
    s_off = sup["offering_id"].astype(np.int64)
    order = np.lexsort((sup["competency_id"], s_off))
    return OfferingArrays(
        offering_id=ids,
        form=form,
        mix=mix,
        jp=jp,
        cost=raw["cost_per_participant"].astype(np.int64),
        seats=raw["seats_or_none"].astype(np.int64),
        support_offering=np.searchsorted(ids, s_off[order]).astype(np.int64),
        support_competency_id=sup["competency_id"][order].astype(np.int64),
        support_increase=sup["level_increase"][order].astype(np.int8),
        eligible_kinds=np.fromiter((details[i][1] for i in ids.tolist()), dtype=np.int64, count=len(ids)),
        min_level=np.fromiter((details[i][2] for i in ids.tolist()), dtype=np.int8, count=len(ids)),
    )


@dataclass(frozen=True)
class PlanInput:
    """The optimiser's input for one AKPK, and the database ids behind every index of it."""

    employees: planner.Employees
    needs: planner.Needs
    offerings: planner.Offerings
    employee_id: np.ndarray  # int64 [n], ascending (the instansi's pegawai)
    need_competency_id: np.ndarray  # int64 [m]
    offering_id: np.ndarray  # int64 [p]
    shortfall_before: np.ndarray  # int64 hundredths [n], below the legal minimum before the plan


def plan_input(akpk: Akpk, *, jp_cap: float, include_pending: bool = False, today: dt.date | None = None) -> PlanInput:
    """Every pegawai of the instansi (JP this year from the ledger), the AKPK's needs and the year's offerings.

    jp_current = verified JP of the AKPK's year; jp_minimum = the legal minimum (0 for PPPK); jp_cap = the
    time a pegawai can give to development in the plan: `jp_cap` JP, never past a PPPK's yearly maximum.
    include_pending also counts needs approved by the atasan and not yet by the admin instansi (simulation).
    """
    from bangkom.learning.ledger import load_year_ledger

    today = today or timezone.localdate()
    year = load_year_ledger(akpk.agency, akpk.year, today)
    ids = np.asarray(year.employee_ids, dtype=np.int64)
    led = year.ledger
    cap = np.full(len(ids), round(jp_cap * 100), dtype=np.int64)
    limited = led.maximum >= 0
    cap[limited] = np.minimum(cap[limited], np.maximum(led.maximum[limited] - led.total[limited], 0))
    kind_index = {k: i for i, k in enumerate(POSITION_KIND_VALUES)}
    unknown = len(POSITION_KIND_VALUES)  # no position: eligible only where every kind is
    kinds = dict(Employee.objects.filter(agency_id=akpk.agency_id).values_list("id", "position__kind"))
    kind = np.fromiter((kind_index.get(kinds.get(i) or "", unknown) for i in ids.tolist()), np.int64, len(ids))
    employees = planner.Employees(
        jp_current=led.total.astype(np.int64), jp_minimum=led.minimum.astype(np.int64), jp_cap=cap, kind=kind
    )

    statuses = [NeedStatus.APPROVED] + ([NeedStatus.APPROVED_BY_ATASAN] if include_pending else [])
    need = load_needs(akpk, statuses=statuses)
    # Needs of pegawai no longer in the instansi (moved since the gathering) drop out.
    at = np.searchsorted(ids, need.employee_id)
    inside = np.isin(need.employee_id, ids)
    off = load_offerings(akpk.agency_id, akpk.year)
    comp_ids, comp_index = np.unique(
        np.concatenate([need.competency_id[inside], off.support_competency_id]), return_inverse=True
    )
    k = int(inside.sum())
    needs = planner.Needs(
        employee=at[inside].astype(np.int64),
        competency=comp_index[:k].astype(np.int64),
        gap=need.gap[inside].astype(np.int64),
        weight=need.weight[inside].astype(np.float64),
        current_level=need.current[inside].astype(np.int64),
    )
    offerings = planner.Offerings(
        form=off.form.astype(np.int64),
        mix=off.mix.astype(np.int64),
        jp=off.jp,
        cost=off.cost,
        seats=off.seats,
        support_offering=off.support_offering,
        support_competency=comp_index[k:].astype(np.int64),
        support_increase=off.support_increase.astype(np.int64),
        eligible_kinds=off.eligible_kinds,
        min_level=off.min_level.astype(np.int64) if off.min_level is not None else None,
    )
    return PlanInput(
        employees=employees,
        needs=needs,
        offerings=offerings,
        employee_id=ids,
        need_competency_id=comp_ids[comp_index[:k]].astype(np.int64) if k else np.zeros(0, dtype=np.int64),
        offering_id=off.offering_id,
        shortfall_before=led.shortfall.astype(np.int64),
    )
