"""Gathering AKPK needs from SKJ gaps, the next jabatan, performance and the instansi's priorities."""

from __future__ import annotations

from typing import Any

import pytest

from bangkom.audit.models import AuditEvent
from bangkom.evaluation.models import PerformanceRating
from bangkom.planning.models import Akpk, AkpkStatus, Need, NeedSource, NeedStatus, PriorityCompetency
from bangkom.planning.services import OutOfScope, RecordInvalid, need_propose, need_review, needs_gather
from tests.planning.conftest import Plan, assess


def needs(akpk: Akpk, source: str | None = None) -> set[tuple[str, str, int | None, int, int]]:
    qs = Need.objects.filter(akpk=akpk)
    if source:
        qs = qs.filter(source=source)
    return {
        (n.employee.name, n.competency.code, n.current_level, n.target_level, n.priority)
        for n in qs.select_related("employee", "competency")
    }


GAP_CURRENT = {
    ("Kepala A", "A.T.1", 1, 3, 2),
    ("Kabid A", "M.1", 2, 3, 1),
    ("Staf Satu", "M.1", 1, 2, 1),
    ("Staf Satu", "M.4", 1, 2, 1),
    ("Staf Satu", "A.T.1", 1, 2, 1),
}


def test_gap_current_needs_match_the_hand_computed_set(plan: Plan) -> None:
    result = needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    assert needs(plan.akpk) == GAP_CURRENT
    assert result.created == 5
    assert result.by_source == {NeedSource.GAP_CURRENT: 5}
    assert not Need.objects.filter(employee=plan.org.pegawai_b).exists()
    assert set(Need.objects.values_list("status", flat=True)) == {NeedStatus.PROPOSED}
    events = AuditEvent.objects.filter(entity="planning.akpk", action="gather")
    assert events.count() == 1
    assert events.get().after["created"] == 5


def test_regather_is_idempotent_and_follows_new_assessments(plan: Plan) -> None:
    admin = plan.org.users["admin_a"]
    needs_gather(actor=admin, akpk=plan.akpk)
    again = needs_gather(actor=admin, akpk=plan.akpk)
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert needs(plan.akpk) == GAP_CURRENT

    # A manual need and a reviewed gathered need survive a re-gather with their review state.
    manual = need_propose(
        actor=plan.org.users["staf2"], employee=plan.org.staf2, competency=plan.m4, target_level=4, note="ingin"
    )
    kabid_m1 = Need.objects.get(employee=plan.org.kabid, competency=plan.m1)
    need_review(actor=plan.org.users["kepala"], need=kabid_m1, approve=True)

    assess(plan.org.kabid, plan.m1, 3, on=plan.akpk.created_at.date())  # gap closed, but already reviewed
    assess(plan.org.staf1, plan.m1, 2, on=plan.akpk.created_at.date())  # gap closed, still proposed
    assess(plan.org.kepala, plan.t1, 2, on=plan.akpk.created_at.date())  # gap narrowed
    third = needs_gather(actor=admin, akpk=plan.akpk)
    assert (third.created, third.updated, third.deleted, third.kept) == (0, 1, 1, 1)
    assert needs(plan.akpk, NeedSource.GAP_CURRENT) == {
        ("Kepala A", "A.T.1", 2, 3, 1),
        ("Kabid A", "M.1", 2, 3, 1),  # kept as reviewed, untouched
        ("Staf Satu", "M.4", 1, 2, 1),
        ("Staf Satu", "A.T.1", 1, 2, 1),
    }
    kabid_m1.refresh_from_db()
    assert kabid_m1.status == NeedStatus.APPROVED_BY_ATASAN
    manual.refresh_from_db()
    assert (manual.source, manual.status, manual.target_level) == (NeedSource.PEGAWAI, NeedStatus.PROPOSED, 4)
    assert AuditEvent.objects.filter(entity="planning.akpk", action="gather").count() == 3


def test_performance_below_expectation(plan: Plan) -> None:
    org = plan.org
    PerformanceRating.objects.create(employee=org.kepala, year=2025, hasil_kerja="sesuai", perilaku_kerja="di_bawah")
    PerformanceRating.objects.create(employee=org.staf2, year=2025, hasil_kerja="di_bawah", perilaku_kerja="sesuai")
    PerformanceRating.objects.create(employee=org.kasubag, year=2025, hasil_kerja="sesuai", perilaku_kerja="sesuai")
    PerformanceRating.objects.create(employee=org.staf1, year=2024, hasil_kerja="di_bawah", perilaku_kerja="di_bawah")
    PerformanceRating.objects.create(employee=org.kabid, year=2025, hasil_kerja="di_bawah", perilaku_kerja="di_bawah")
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk)
    assert needs(plan.akpk, NeedSource.PERFORMANCE) == {
        # largest SKJ gap of kepala: T.1 (gap 2)
        ("Kepala A", "A.T.1", 1, 3, 5),
        # kabid's only gap is M.1 (gap 1): it is the largest
        ("Kabid A", "M.1", 2, 3, 5),
        # staf2 has no gap: hasil kerja below -> M.4, at SKJ level 2 already -> one level up
        ("Staf Dua", "M.4", 2, 3, 5),
    }
    # Kepala's 2025 box (predicate kurang -> kinerja below; JPM 7/9 = 77.8 -> potensi menengah) is box 3, whose
    # recommended follow-up includes development: every gathered need of kepala is one priority higher.
    raised = {(n, c, cur, t, p + 1) if n == "Kepala A" else (n, c, cur, t, p) for n, c, cur, t, p in GAP_CURRENT}
    assert needs(plan.akpk, NeedSource.GAP_CURRENT) == raised


def test_performance_fallback_on_both_generic_competencies(plan: Plan) -> None:
    org = plan.org
    PerformanceRating.objects.create(employee=org.staf2, year=2025, hasil_kerja="di_bawah", perilaku_kerja="di_bawah")
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk)
    assert needs(plan.akpk, NeedSource.PERFORMANCE) == {("Staf Dua", "M.4", 2, 3, 5), ("Staf Dua", "M.1", 2, 3, 5)}


def test_priority_competencies_of_the_instansi(plan: Plan) -> None:
    org = plan.org
    PriorityCompetency.objects.create(agency=org.agency_a, year=2026, competency=plan.t1, weight=4)
    PriorityCompetency.objects.create(agency=org.agency_a, year=2025, competency=plan.m4, weight=5)  # other year
    PriorityCompetency.objects.create(agency=org.agency_b, year=2026, competency=plan.m1, weight=5)  # other instansi
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk)
    # kabid's T.1 was never assessed and kasubag meets it: no need for them.
    assert needs(plan.akpk, NeedSource.INSTANSI_PRIORITY) == {
        ("Kepala A", "A.T.1", 1, 3, 4),
        ("Staf Satu", "A.T.1", 1, 2, 4),
    }


def test_next_positions(plan: Plan) -> None:
    org = plan.org
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk, next_positions={org.staf1.pk: org.pos_a.pk})
    assert needs(plan.akpk, NeedSource.GAP_NEXT) == {
        ("Staf Satu", "M.1", 1, 3, 2),
        ("Staf Satu", "M.4", 1, 3, 2),
        ("Staf Satu", "A.T.1", 1, 3, 2),
    }
    # The current jabatan as "next" adds nothing: gap_current covers it.
    again = needs_gather(
        actor=org.users["admin_a"],
        akpk=plan.akpk,
        next_positions={org.staf1.pk: org.pos_a.pk, org.kabid.pk: org.pos_a.pk},
    )
    assert again.created == 0 and not Need.objects.filter(employee=org.kabid, source=NeedSource.GAP_NEXT).exists()
    # Without next positions a re-gather leaves the gap_next rows alone.
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk)
    assert len(needs(plan.akpk, NeedSource.GAP_NEXT)) == 3


@pytest.mark.parametrize(
    "mapping",
    [
        lambda o: {o.pegawai_b.pk: o.pos_a.pk},  # pegawai of another instansi
        lambda o: {o.staf1.pk: o.pos_b.pk},  # jabatan of another instansi
        lambda o: {o.staf1.pk: 999_999},
    ],
)
def test_next_positions_outside_the_instansi_are_refused(plan: Plan, mapping: Any) -> None:
    with pytest.raises(RecordInvalid) as exc:
        needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk, next_positions=mapping(plan.org))
    assert "next_positions" in exc.value.errors
    assert not Need.objects.exists()
    assert not AuditEvent.objects.filter(entity="planning.akpk").exists()


@pytest.mark.parametrize("user", ["admin_b", "kepala", "staf1", "nasional", "penyelenggara_a"])
def test_only_the_admin_instansi_gathers(plan: Plan, user: str) -> None:
    with pytest.raises(OutOfScope):
        needs_gather(actor=plan.org.users[user], akpk=plan.akpk)
    assert not Need.objects.exists()


def test_approved_akpk_is_frozen(plan: Plan) -> None:
    Akpk.objects.filter(pk=plan.akpk.pk).update(status=AkpkStatus.APPROVED, approved_at=plan.akpk.created_at)
    plan.akpk.refresh_from_db()
    with pytest.raises(RecordInvalid):
        needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    assert not Need.objects.exists()


def test_gather_queries_do_not_grow_with_pegawai(plan: Plan, django_assert_max_num_queries: Any) -> None:
    PerformanceRating.objects.create(
        employee=plan.org.staf2, year=2025, hasil_kerja="di_bawah", perilaku_kerja="di_bawah"
    )
    PriorityCompetency.objects.create(agency=plan.org.agency_a, year=2026, competency=plan.t1, weight=4)
    with django_assert_max_num_queries(34):  # + the 9-box of the last performance year (talent rule)
        needs_gather(
            actor=plan.org.users["admin_a"],
            akpk=plan.akpk,
            next_positions={plan.org.staf1.pk: plan.org.pos_a.pk, plan.org.staf2.pk: plan.org.pos_a.pk},
        )
