"""The plan of an AKPK as a background job: stored with its parameters, reasons, curve; adoption and the IDP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bangkom.jobs.models import Job
from bangkom.learning.models import LearningRecord
from bangkom.learning.services import OutOfScope, RecordInvalid
from bangkom.planning.models import (
    AkpkStatus,
    Need,
    NeedStatus,
    Offering,
    OfferingCompetency,
    PlanGap,
    PlanItem,
    PlanItemStatus,
    PlanRun,
)
from bangkom.planning.plan_services import (
    CURVE_FACTORS,
    RunSettings,
    idp_decide,
    idp_link_record,
    item_done,
    parse_rupiah,
    plan_adopt,
    plan_run_start,
    reason_text,
)
from tests.planning.conftest import Plan


def need(plan: Plan, employee: Any, competency: Any, current: int, target: int, priority: int = 3) -> Need:
    return Need.objects.create(
        akpk=plan.akpk,
        employee=employee,
        competency=competency,
        source="gap_current",
        current_level=current,
        target_level=target,
        priority=priority,
        status=NeedStatus.APPROVED,
    )


def offering(title: str, form: int, comps: dict[Any, int], **kw: Any) -> Offering:
    defaults: dict[str, Any] = {"provider": "P", "jp": Decimal("24"), "modality": "offline", "cost_per_participant": 0}
    defaults.update(kw)
    off = Offering.objects.create(title=title, form_id=form, **defaults)
    for comp, inc in comps.items():
        OfferingCompetency.objects.create(offering=off, competency=comp, level_increase=inc)
    return off


def start(plan: Plan, user: str = "admin_a", in_process: bool = False, **kw: Any) -> PlanRun:
    data = RunSettings(**{"budget": "10.000.000", "time_limit": 5, **kw})
    run = plan_run_start(actor=plan.org.users[user], akpk=plan.akpk, data=data, in_process=in_process)
    run.refresh_from_db()
    return run


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.500.000", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("rp. 2500000", 2_500_000),
        ("1,500,000", 1_500_000),
        (0, 0),
        ("0", 0),
        ("1.5", None),
        ("abc", None),
        ("-5", None),
        ("", None),
        ("1" * 5000, None),  # beyond what int() reads from text (was a 500)
        ("²", None),
        ("9" * 19, None),  # beyond 64 bits
    ],
)
def test_parse_rupiah(text: Any, expected: int | None) -> None:
    assert parse_rupiah(text) == expected


def test_run_stores_plan_reasons_summary_and_curve(plan: Plan) -> None:
    o = plan.org
    need(plan, o.staf1, plan.m1, 1, 3, priority=5)
    need(plan, o.staf1, plan.m4, 1, 2)
    need(plan, o.kabid, plan.m1, 2, 3)
    need(plan, o.kepala, plan.t1, 1, 3)  # nothing in the catalogue raises T.1
    classical = offering("Pelatihan Kepemimpinan", 1, {plan.m1: 2}, cost_per_participant=6_000_000, seats=1)
    coaching = offering("Coaching", 14, {plan.m4: 1}, jp=Decimal("4"), seats=None)
    day = dt.date(2026, 3, 2)  # kabid already has his 20 JP this year: the minimum does not pull him first
    LearningRecord.objects.create(
        employee=o.kabid,
        form_id=1,
        title="Diklat",
        provider="P",
        start_date=day,
        end_date=day,
        jp=Decimal("20"),
        status="verified",
    )

    run = start(plan, budget="Rp 10.000.000")

    assert run.is_finished and run.job is not None and Job.objects.get(pk=run.job.pk).status == "succeeded"
    assert run.budget == 10_000_000 and run.time_limit == 5 and run.jp_cap == Decimal("40.00")
    items = {(i.employee_id, i.offering_id): i for i in run.items.all()}
    # One seat in the classical offering: staf1 (priority 5, gap 2) is worth more than kabid (gap 1, priority 3).
    assert set(items) == {(o.staf1.pk, classical.pk), (o.staf1.pk, coaching.pk)}
    assert items[(o.staf1.pk, classical.pk)].closes == [
        {"competency": plan.m1.pk, "gap": 2, "closed": 2, "weight": 5.0}
    ]
    assert items[(o.staf1.pk, classical.pk)].value == 10.0
    assert run.cost == 6_000_000 <= run.budget
    assert run.value == pytest.approx(10.0 + 3.0) and run.value_total == pytest.approx(10 + 3 + 3 + 6)
    gaps = {(g.kind, g.employee_id, g.competency_id): g.reason for g in run.gaps.all()}
    assert gaps[("need", o.kabid.pk, plan.m1.pk)] == "seats"
    assert gaps[("need", o.kepala.pk, plan.t1.pk)] == "no_offering"
    assert run.summary["needs"] == 4 and run.summary["needs_closed"] == 2
    assert run.summary["need_reasons"] == {"closed": 2, "seats": 1, "no_offering": 1}
    # Apart from kabid everyone in A has 0 JP this year; PPPK (staf2) has no minimum. staf1 gets 28 JP.
    assert run.summary["below_minimum_before"] == 3 and run.summary["below_minimum_after"] == 2
    below = run.gaps.filter(kind="minimum")
    assert {g.employee_id for g in below} == {o.kepala.pk, o.kasubag.pk}
    assert below.get(employee=o.kasubag).reason == "no_offering"
    assert below.get(employee=o.kepala).shortfall == Decimal("20.00")
    assert items[(o.staf1.pk, classical.pk)].towards_minimum + items[(o.staf1.pk, coaching.pk)].towards_minimum == 20
    assert sum(run.summary["jp_by_mix"]) == 28.0 and run.summary["jp_planned"] == 28.0
    assert [p["budget"] for p in run.curve] == [int(10_000_000 * f) for f in CURVE_FACTORS]
    assert run.curve[0]["value"] == pytest.approx(3.0)  # no money: coaching only
    assert run.curve[-1]["value"] == pytest.approx(run.value)  # the seat, not money, binds at 2x
    assert all(p["cost"] <= p["budget"] for p in run.curve)
    assert str(reason_text("need", "seats")).startswith("Kuota")


def test_bad_settings_write_nothing_and_only_the_admin_of_the_instansi_runs(plan: Plan) -> None:
    with pytest.raises(RecordInvalid) as exc:
        start(plan, budget="sejuta", jp_cap=0, mix_penalty="x", time_limit=1)
    assert set(exc.value.errors) == {"budget", "jp_cap", "mix_penalty", "time_limit"}
    assert "Anggaran" in exc.value.errors["budget"][0]
    for user in ("admin_b", "staf1", "kabid", "nasional"):
        with pytest.raises(OutOfScope):
            start(plan, user=user)
    assert not PlanRun.objects.exists() and not Job.objects.exists()


def test_odd_inputs_are_explained(plan: Plan) -> None:
    o = plan.org
    need(plan, o.staf1, plan.m1, 1, 2)
    need(plan, o.staf1, plan.m4, 1, 2)
    offering("Diklat berbayar", 1, {plan.m1: 1}, cost_per_participant=1_000_000)
    offering("Kuota nol", 19, {plan.m4: 1}, seats=0)

    run = start(plan, budget="0", with_curve=False)

    assert run.items.count() == 0
    assert "zero_budget" in run.summary["notes"]
    reasons = dict(run.gaps.filter(kind="need").values_list("competency_id", "reason"))
    assert reasons == {plan.m1.pk: "budget", plan.m4.pk: "seats"}
    assert run.gaps.get(kind="minimum", employee=o.staf1).reason in ("budget", "seats")
    assert len(run.curve) == 1  # the run itself, no re-solves


def test_no_needs_gives_an_explained_empty_plan(plan: Plan) -> None:
    run = start(plan, with_curve=False)
    assert run.items.count() == 0 and "no_needs" in run.summary["notes"]
    assert set(run.gaps.filter(kind="minimum").values_list("reason", flat=True)) == {"no_offering"}


def test_adopt_then_atasan_decides_and_the_pegawai_links_a_record(plan: Plan) -> None:
    o = plan.org
    need(plan, o.staf1, plan.m1, 1, 2)
    need(plan, o.kasubag, plan.m4, 3, 4)
    offering("Coaching", 14, {plan.m1: 1, plan.m4: 1}, jp=Decimal("4"))
    run = start(plan, with_curve=False)
    admin = o.users["admin_a"]

    with pytest.raises(RecordInvalid, match="AKPK harus disetujui"):
        plan_adopt(actor=admin, run=run)
    plan.akpk.status, plan.akpk.approved_at = AkpkStatus.APPROVED, dt.datetime.now(dt.UTC)
    plan.akpk.save()
    with pytest.raises(OutOfScope):
        plan_adopt(actor=o.users["admin_b"], run=run)
    plan_adopt(actor=admin, run=run)
    assert set(run.items.values_list("status", flat=True)) == {PlanItemStatus.PROPOSED}

    item = run.items.get(employee=o.staf1)
    for outsider in ("staf1", "staf2", "kasubag", "admin_a"):
        with pytest.raises(OutOfScope):
            idp_decide(actor=o.users[outsider], item=item, approve=True)
    with pytest.raises(RecordInvalid, match="alasan"):
        idp_decide(actor=o.users["kabid"], item=item, approve=False, reason="  ")
    idp_decide(actor=o.users["kepala"], item=item, approve=True)  # two levels up the chain
    item.refresh_from_db()
    assert item.status == PlanItemStatus.APPROVED and item.decided_by == o.users["kepala"]

    other = run.items.get(employee=o.kasubag)
    idp_decide(actor=o.users["kepala"], item=other, approve=False, reason="Fokus tahun depan")
    other.refresh_from_db()
    assert other.status == PlanItemStatus.REJECTED and other.reason == "Fokus tahun depan"

    def record(employee: Any, title: str, status: str = "verified", year: int = 2026) -> LearningRecord:
        day = dt.date(year, 5, 2)
        return LearningRecord.objects.create(
            employee=employee,
            form_id=14,
            title=title,
            provider="P",
            start_date=day,
            end_date=day,
            jp=Decimal("4"),
            status=status,
        )

    foreign = record(o.staf2, "Coaching staf2")
    old = record(o.staf1, "Coaching lama", year=2025)
    with pytest.raises(RecordInvalid, match="pegawai lain"):
        idp_link_record(actor=o.users["staf1"], item=item, record=foreign)
    with pytest.raises(RecordInvalid, match="tahun rencana"):
        idp_link_record(actor=o.users["staf1"], item=item, record=old)
    with pytest.raises(OutOfScope):
        idp_link_record(actor=o.users["staf2"], item=item, record=None)
    with pytest.raises(RecordInvalid, match="disetujui atasan"):
        idp_link_record(actor=o.users["kasubag"], item=other, record=None)
    done = record(o.staf1, "Coaching Mei")
    idp_link_record(actor=o.users["staf1"], item=item, record=done)
    item.refresh_from_db()
    assert item.record == done and item_done(item)
    with pytest.raises(RecordInvalid, match="sudah dilaksanakan"):
        idp_decide(actor=o.users["kabid"], item=item, approve=False, reason="x")

    # A second run cannot replace the adopted one once the atasan decided.
    second = start(plan, with_curve=False)
    with pytest.raises(RecordInvalid, match="sudah memutuskan"):
        plan_adopt(actor=admin, run=second)
    assert PlanRun.objects.filter(adopted_at__isnull=False).get() == run


def test_a_new_run_replaces_an_adopted_plan_nobody_decided(plan: Plan) -> None:
    o = plan.org
    need(plan, o.staf1, plan.m1, 1, 2)
    offering("Coaching", 14, {plan.m1: 1}, jp=Decimal("4"))
    plan.akpk.status, plan.akpk.approved_at = AkpkStatus.APPROVED, dt.datetime.now(dt.UTC)
    plan.akpk.save()
    first, second = start(plan, with_curve=False), start(plan, with_curve=False)
    plan_adopt(actor=o.users["admin_a"], run=first)
    plan_adopt(actor=o.users["admin_a"], run=second)
    first.refresh_from_db()
    assert not first.is_adopted and set(first.items.values_list("status", flat=True)) == {PlanItemStatus.DRAFT}
    assert PlanItem.objects.filter(run=second, status=PlanItemStatus.PROPOSED).count() == 1
    # staf1 gets 4 of the 20 JP: every need is closed and nothing more serves them; the others have no needs.
    below = dict(PlanGap.objects.filter(run=second, kind="minimum").values_list("employee_id", "shortfall"))
    assert below == {o.kepala.pk: 20, o.kabid.pk: 20, o.kasubag.pk: 20, o.staf1.pk: 16}


def test_in_process_run_solves_without_a_job(plan: Plan) -> None:
    need(plan, plan.org.staf1, plan.m1, 1, 2)
    offering("Coaching", 14, {plan.m1: 1}, jp=Decimal("4"))
    run = start(plan, with_curve=False, in_process=True)
    assert run.is_finished and run.job is None and not Job.objects.exists()
    assert run.items.get().employee == plan.org.staf1
