"""Needs and catalogue as arrays for the optimiser: one need per pegawai and competency, the year's offerings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from bangkom.planning.loading import load_needs, load_offerings, plan_input
from bangkom.planning.models import POSITION_KIND_VALUES, Akpk, Need, NeedStatus, Offering, OfferingCompetency
from tests.planning.conftest import Plan


def need(plan: Plan, employee: Any, competency: Any, source: str, current: int | None, target: int, **kw: Any) -> Need:
    return Need.objects.create(
        akpk=plan.akpk,
        employee=employee,
        competency=competency,
        source=source,
        current_level=current,
        target_level=target,
        status=kw.pop("status", NeedStatus.APPROVED),
        **kw,
    )


def test_needs_merge_per_pegawai_and_competency(plan: Plan) -> None:
    o = plan.org
    need(plan, o.staf1, plan.m1, "gap_current", 1, 2, priority=1)
    need(plan, o.staf1, plan.m1, "gap_next", 1, 3, priority=2)
    need(plan, o.staf1, plan.m1, "performance", 1, 2, priority=5)
    need(plan, o.staf1, plan.m4, "pegawai", None, 4, priority=3)  # level unknown: one step
    need(plan, o.staf2, plan.m4, "pegawai", 2, 3, status=NeedStatus.REJECTED)
    need(plan, o.kabid, plan.t1, "atasan", None, 3, status=NeedStatus.APPROVED_BY_ATASAN)
    other = Akpk.objects.create(agency=o.agency_a, year=2027)
    Need.objects.create(
        akpk=other, employee=o.kepala, competency=plan.m1, source="pegawai", target_level=4, status=NeedStatus.APPROVED
    )

    arrays = load_needs(plan.akpk)
    got = list(
        zip(
            arrays.employee_id.tolist(),
            arrays.competency_id.tolist(),
            arrays.current.tolist(),
            arrays.target.tolist(),
            arrays.gap.tolist(),
            arrays.weight.tolist(),
            strict=True,
        )
    )
    assert got == [(o.staf1.pk, plan.m1.pk, 1, 3, 2, 5), (o.staf1.pk, plan.m4.pk, 0, 4, 1, 3)]
    both = load_needs(plan.akpk, statuses=[NeedStatus.APPROVED, NeedStatus.APPROVED_BY_ATASAN, NeedStatus.REJECTED])
    assert both.m == 3 and o.staf2.pk not in both.employee_id.tolist()
    assert load_needs(Akpk.objects.create(agency=o.agency_b, year=2026)).m == 0


def offering(agency: Any, title: str, form: int, **kw: Any) -> Offering:
    defaults: dict[str, Any] = {"provider": "P", "jp": Decimal("10.5"), "modality": "online", "cost_per_participant": 0}
    defaults.update(kw)
    return Offering.objects.create(agency=agency, title=title, form_id=form, **defaults)


def test_offerings_of_the_year(plan: Plan, django_assert_max_num_queries: Any) -> None:
    o = plan.org
    national = offering(None, "E-learning", 16, seats=None)
    own = offering(
        o.agency_a,
        "Diklat teknis",
        3,
        seats=25,
        cost_per_participant=2_000_000,
        start_date=dt.date(2026, 5, 1),
        end_date=dt.date(2026, 5, 3),
        modality="offline",
        eligible_position_kinds=["pelaksana", "administrator"],
        min_level=2,
    )
    offering(o.agency_b, "Milik B", 3)
    offering(o.agency_a, "Tahun lalu", 3, start_date=dt.date(2025, 5, 1), end_date=dt.date(2025, 5, 3))
    offering(o.agency_a, "Nonaktif", 3, active=False)
    OfferingCompetency.objects.create(offering=own, competency=plan.t1, level_increase=2)
    OfferingCompetency.objects.create(offering=own, competency=plan.m4, level_increase=1)
    OfferingCompetency.objects.create(offering=national, competency=plan.m1, level_increase=1)
    with django_assert_max_num_queries(4):
        arrays = load_offerings(o.agency_a.pk, 2026)
    assert arrays.offering_id.tolist() == sorted([national.pk, own.pk])
    by_id = {pk: i for i, pk in enumerate(arrays.offering_id.tolist())}
    i, j = by_id[national.pk], by_id[own.pk]
    assert (arrays.form[i], arrays.mix[i], arrays.jp[i], arrays.cost[i], arrays.seats[i]) == (16, 2, 1050, 0, -1)
    assert (arrays.form[j], arrays.mix[j], arrays.seats[j], arrays.cost[j]) == (3, 2, 25, 2_000_000)
    kinds = list(POSITION_KIND_VALUES)
    assert arrays.eligible_kinds is not None and arrays.min_level is not None
    assert arrays.eligible_kinds[j] == (1 << kinds.index("pelaksana")) | (1 << kinds.index("administrator"))
    assert (arrays.eligible_kinds[i], arrays.min_level[i], arrays.min_level[j]) == (0, 0, 2)
    support = set(
        zip(
            arrays.support_offering.tolist(),
            arrays.support_competency_id.tolist(),
            arrays.support_increase.tolist(),
            strict=True,
        )
    )
    assert support == {(j, plan.t1.pk, 2), (j, plan.m4.pk, 1), (i, plan.m1.pk, 1)}


def test_plan_input_maps_pegawai_needs_and_catalogue(plan: Plan) -> None:
    o = plan.org
    need(plan, o.staf1, plan.m1, "gap_current", 1, 3, priority=4)
    need(plan, o.staf2, plan.m4, "pegawai", 2, 3, status=NeedStatus.APPROVED_BY_ATASAN)
    need(plan, o.pegawai_b, plan.m1, "gap_current", 1, 2)  # another instansi's pegawai: dropped
    own = offering(o.agency_a, "Diklat", 3, eligible_position_kinds=["pelaksana"], min_level=1)
    OfferingCompetency.objects.create(offering=own, competency=plan.m4, level_increase=1)

    inp = plan_input(plan.akpk, jp_cap=30, today=dt.date(2026, 6, 1))
    ids = inp.employee_id.tolist()
    assert ids == sorted([o.kepala.pk, o.kabid.pk, o.staf1.pk, o.staf2.pk, o.kasubag.pk])
    s1, s2 = ids.index(o.staf1.pk), ids.index(o.staf2.pk)
    assert inp.employees.jp_minimum[s1] == 2000 and inp.employees.jp_minimum[s2] == 0  # PPPK: no minimum
    assert inp.employees.jp_cap[s1] == 3000 and inp.employees.jp_cap[s2] <= 3000
    assert inp.employees.kind is not None
    assert inp.employees.kind[s1] == list(POSITION_KIND_VALUES).index("pelaksana")
    assert inp.needs.employee.tolist() == [s1] and inp.need_competency_id.tolist() == [plan.m1.pk]
    assert (inp.needs.gap.tolist(), inp.needs.weight.tolist()) == ([2], [4.0])
    assert inp.offering_id.tolist() == [own.pk] and inp.offerings.eligible_kinds is not None
    # The need and the offering's competency share one index space.
    assert inp.offerings.support_competency.tolist() != inp.needs.competency.tolist()
    pending = plan_input(plan.akpk, jp_cap=30, include_pending=True, today=dt.date(2026, 6, 1))
    assert sorted(pending.needs.employee.tolist()) == [s1, s2]
    m4 = pending.need_competency_id.tolist().index(plan.m4.pk)
    assert pending.offerings.support_competency.tolist() == [int(pending.needs.competency[m4])]
