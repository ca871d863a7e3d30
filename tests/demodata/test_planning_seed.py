"""The planning step of seed-demo: catalogue, AKPK of the year and an adopted plan, through the services."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from bangkom.accounts.models import User
from bangkom.audit.models import AuditEvent
from bangkom.competency.models import Requirement
from bangkom.demodata.planning_seed import (
    CLASSICAL,
    FORM_KIND,
    NATIONAL,
    ON_THE_JOB,
    SOCIAL,
    _offering_data,
)
from bangkom.org.models import Agency
from bangkom.planning.models import (
    Akpk,
    AkpkStatus,
    Need,
    NeedStatus,
    Offering,
    OfferingCompetency,
    PlanItem,
    PlanItemStatus,
    PlanRun,
)

PASSWORD = "uji-demo-2026"


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--password", PASSWORD, *args, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        "offerings": Offering.objects.count(),
        "offering_competencies": OfferingCompetency.objects.count(),
        "akpk": Akpk.objects.count(),
        "needs": Need.objects.count(),
        "runs": PlanRun.objects.count(),
        "items": PlanItem.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_seed_demo_plans_the_first_instansi_and_a_second_run_adds_nothing(db: Any) -> None:
    out = _seed("--employees", "120", "--agencies", "2", "--seed", "7")
    year = timezone.localdate().year
    first = Agency.objects.filter(employees__isnull=False).distinct().order_by("code").first()
    assert first is not None
    assert "Katalog:" in out and f"AKPK {year} {first.code}" in out and "butir IDP" in out

    # Catalogue: the national one (national competencies only) and each instansi's technical offerings;
    # every competency of every SKJ is raised by some offering its instansi sees.
    national = Offering.objects.filter(agency__isnull=True)
    assert 30 <= national.count() <= 45
    assert not OfferingCompetency.objects.filter(offering__agency__isnull=True, competency__agency__isnull=False)
    for agency in Agency.objects.filter(employees__isnull=False).distinct():
        assert Offering.objects.filter(agency=agency).exists()
        skj = set(Requirement.objects.filter(position__agency=agency).values_list("competency_id", flat=True))
        covered = set(
            OfferingCompetency.objects.filter(
                Q(offering__agency__isnull=True) | Q(offering__agency=agency)
            ).values_list("competency_id", flat=True)
        )
        assert skj <= covered, agency.code
    assert national.exclude(eligible_position_kinds=[]).exists() and national.filter(min_level__isnull=False).exists()
    assert AuditEvent.objects.filter(entity="planning.offering", action="create").count() == Offering.objects.count()
    kinds = {FORM_KIND[f] for f in Offering.objects.values_list("form_id", flat=True)}
    assert kinds == {CLASSICAL, SOCIAL, ON_THE_JOB}

    # AKPK of the year: approved, its needs decided, no need left pending.
    akpk = Akpk.objects.get(agency=first, year=year)
    assert akpk.status == AkpkStatus.APPROVED and akpk.gathered_at is not None
    admin = User.objects.get(username=f"admin.{first.code.lower()}")
    assert akpk.approved_by == admin
    assert Need.objects.filter(akpk=akpk, status=NeedStatus.APPROVED).count() > 10
    assert not Need.objects.filter(akpk=akpk, status__in=[NeedStatus.PROPOSED, NeedStatus.APPROVED_BY_ATASAN])
    assert not Akpk.objects.exclude(agency=first).exists()

    # The demo accounts: the pegawai proposed a need and has IDP items waiting for the demo atasan.
    pegawai = User.objects.get(employee__isnull=False, employee__subordinates__isnull=True, employee__agency=first)
    atasan = User.objects.get(employee=pegawai.employee.supervisor)  # type: ignore[union-attr]
    assert Need.objects.filter(akpk=akpk, employee=pegawai.employee, source="pegawai", proposed_by=pegawai).exists()
    assert Need.objects.filter(akpk=akpk, atasan_reviewed_by=atasan).exists()

    # One finished, adopted run within its budget; its items are the IDP, proposed to the atasan.
    run = PlanRun.objects.get(akpk=akpk)
    assert run.is_finished and run.is_adopted and run.adopted_by == admin
    assert run.job is None  # solved in process by the seed, no background job
    assert 0 < (run.cost or 0) <= run.budget and run.curve
    assert run.items.count() > 0
    assert set(run.items.values_list("status", flat=True)) == {PlanItemStatus.PROPOSED}
    assert PlanItem.objects.filter(run=run, employee=pegawai.employee).exists()
    assert PlanItem.objects.filter(run=run, employee__supervisor=atasan.employee).exists()

    before = _counts()
    again = _seed("--employees", "120", "--agencies", "2", "--seed", "7", "--if-empty")
    assert _counts() == before
    assert "Katalog: 0 penawaran baru" in again and "sudah ada" in again


def test_skip_planning_leaves_planning_empty(db: Any) -> None:
    _seed("--employees", "30", "--agencies", "1", "--skip-planning")
    assert not Offering.objects.exists() and not Akpk.objects.exists()


@pytest.mark.parametrize("template", NATIONAL, ids=lambda t: t.title[:30])
def test_offering_figures_follow_the_kind_of_form(template: Any) -> None:
    year = 2026
    rng = np.random.default_rng(3)
    for _ in range(5):
        data = _offering_data(template, template.competencies, agency=None, year=year, rng=rng)
        jp = float(data.jp or 0)
        cost = int(data.cost_per_participant or 0)
        seats = data.seats
        kind = FORM_KIND[template.form]
        if kind == CLASSICAL:
            assert 16 <= jp <= 72 and 2_000_000 <= cost <= 15_000_000
            assert seats is not None and 20 <= int(seats) <= 40
        elif kind == SOCIAL:
            assert 2 <= jp <= 16 and cost <= 1_000_000
            assert seats is not None and 10 <= int(seats) <= 80
        else:
            assert 2 <= jp <= 20 and cost <= 1_500_000
        if data.start_date is not None:
            assert data.end_date is not None
            assert dt.date(year, 1, 1) <= data.start_date <= data.end_date <= dt.date(year, 12, 31)
        else:
            assert kind == ON_THE_JOB
        assert 1 <= len(data.competencies) <= 3
        assert all(1 <= inc <= 2 for _c, inc in data.competencies)
