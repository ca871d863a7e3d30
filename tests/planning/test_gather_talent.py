"""The 9-box feeds the needs analysis: a box whose follow-up is development raises the pegawai's gathered needs
by one priority (at most 5); a box of discipline, no box, or a rating of the AKPK's own year raises nothing."""

from __future__ import annotations

from bangkom.evaluation.models import PerformanceRating
from bangkom.planning.models import Need, NeedSource
from bangkom.planning.services import needs_gather
from tests.planning.conftest import Plan


def _priorities(plan: Plan, name: str) -> set[int]:
    return set(
        Need.objects.filter(akpk=plan.akpk, employee__name=name, source=NeedSource.GAP_CURRENT).values_list(
            "priority", flat=True
        )
    )


def test_development_boxes_raise_priority_and_others_do_not(plan: Plan) -> None:
    org = plan.org
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk)
    before = {name: _priorities(plan, name) for name in ("Kepala A", "Staf Satu", "Kabid A")}
    # kepala: JPM 7/9 = 77.8 (menengah); baik -> meets -> box 5 (placement, coaching, development): raised.
    PerformanceRating.objects.create(employee=org.kepala, year=2025, hasil_kerja="sesuai", perilaku_kerja="sesuai")
    # staf1: JPM 3/6 = 50 (rendah); sangat kurang -> below -> box 1 (discipline rules): not raised.
    PerformanceRating.objects.create(employee=org.staf1, year=2025, hasil_kerja="di_bawah", perilaku_kerja="di_bawah")
    # kabid: rated only in the AKPK's own year (2026): the latest year before it has no rating for him.
    PerformanceRating.objects.create(employee=org.kabid, year=2026, hasil_kerja="sesuai", perilaku_kerja="sesuai")
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk)
    assert _priorities(plan, "Kepala A") == {min(5, p + 1) for p in before["Kepala A"]}
    assert _priorities(plan, "Staf Satu") == before["Staf Satu"]
    assert _priorities(plan, "Kabid A") == before["Kabid A"]
