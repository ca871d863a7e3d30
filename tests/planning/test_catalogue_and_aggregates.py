"""The offering catalogue (validation per field, who may edit, who sees what) and AKPK aggregates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bangkom.audit.models import AuditEvent
from bangkom.planning.models import Need, Offering, OfferingCompetency
from bangkom.planning.selectors import need_aggregates, offering_get, offerings_visible_to
from bangkom.planning.services import (
    OfferingData,
    OutOfScope,
    RecordInvalid,
    need_review,
    needs_gather,
    offering_save,
)
from tests.planning.conftest import Plan


def offering_data(plan: Plan, **over: Any) -> OfferingData:
    kw: dict[str, Any] = {
        "form": 3,
        "title": "Pelatihan Pengelolaan Anggaran",
        "provider": "BPSDM Provinsi",
        "jp": Decimal("24"),
        "cost_per_participant": 1_500_000,
        "modality": "offline",
        "agency": plan.org.agency_a,
        "seats": 30,
        "start_date": dt.date(2026, 3, 2),
        "end_date": dt.date(2026, 3, 5),
        "eligible_position_kinds": ["pelaksana", "pengawas"],
        "min_level": 1,
        "competencies": [(plan.t1, 2), ("M.4", 1)],
    }
    kw.update(over)
    return OfferingData(**kw)


BAD: list[tuple[dict[str, Any], set[str]]] = [
    ({"jp": Decimal("-1")}, {"jp"}),
    ({"jp": None}, {"jp"}),
    ({"jp": "banyak"}, {"jp"}),
    ({"cost_per_participant": -5}, {"cost_per_participant"}),
    ({"cost_per_participant": "12.5"}, {"cost_per_participant"}),
    ({"seats": -1}, {"seats"}),
    ({"end_date": dt.date(2026, 3, 1)}, {"end_date"}),
    ({"end_date": None}, {"end_date"}),
    ({"form": 26}, {"form"}),
    ({"form": None}, {"form"}),
    ({"title": "  ", "provider": ""}, {"title", "provider"}),
    ({"modality": "satelit"}, {"modality"}),
    ({"eligible_position_kinds": ["menteri"]}, {"eligible_position_kinds"}),
    ({"min_level": 6}, {"min_level"}),
    ({"min_level": "dua"}, {"min_level"}),
    ({"competencies": [(None, 1)]}, {"competencies"}),
    ({"competencies": [("M.1", 0)]}, {"competencies"}),
    ({"competencies": [("M.1", 5)]}, {"competencies"}),
    ({"competencies": [("M.1", 1), ("M.1", 2)]}, {"competencies"}),
    ({"competencies": [("B.T.1", 1)]}, {"competencies"}),  # another instansi's teknis
    ({"jp": -1, "seats": -2, "form": 99}, {"jp", "seats", "form"}),
]


@pytest.mark.parametrize(("over", "fields"), BAD)
def test_invalid_offerings_write_nothing(plan: Plan, over: dict[str, Any], fields: set[str]) -> None:
    with pytest.raises(RecordInvalid) as exc:
        offering_save(actor=plan.org.users["admin_a"], data=offering_data(plan, **over))
    assert set(exc.value.errors) == fields
    assert not Offering.objects.exists()
    assert not OfferingCompetency.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("user", "national"),
    [("admin_b", False), ("staf1", False), ("kepala", False), ("admin_a", True), ("penyelenggara_a", True)],
)
def test_who_may_edit_the_catalogue(plan: Plan, user: str, national: bool) -> None:
    data = offering_data(plan, agency=None, competencies=[("M.4", 1)]) if national else offering_data(plan)
    with pytest.raises(OutOfScope):
        offering_save(actor=plan.org.users[user], data=data)
    assert not Offering.objects.exists()


def test_save_edit_and_visibility(plan: Plan) -> None:
    users = plan.org.users
    own = offering_save(actor=users["penyelenggara_a"], data=offering_data(plan))
    assert own.agency == plan.org.agency_a and own.jp == Decimal("24.00")
    assert dict(own.competencies.values_list("competency__code", "level_increase")) == {"A.T.1": 2, "M.4": 1}
    national = offering_save(
        actor=users["nasional"],
        data=offering_data(
            plan,
            agency=None,
            title="E-learning Integritas",
            form=16,
            seats=None,
            start_date=None,
            end_date=None,
            modality="online",
            cost_per_participant=0,
            competencies=[("M.1", 1)],
        ),
    )
    assert national.seats is None and national.start_date is None
    assert offering_save(actor=users["admin_a"], data=offering_data(plan, min_level="2"), offering=own).min_level == 2

    edited = offering_save(
        actor=users["admin_a"], data=offering_data(plan, seats=40, competencies=[(plan.t1, 3)]), offering=own
    )
    assert edited.pk == own.pk and edited.seats == 40
    assert dict(edited.competencies.values_list("competency__code", "level_increase")) == {"A.T.1": 3}
    with pytest.raises(OutOfScope):  # an instansi cannot take over a national offering
        offering_save(actor=users["admin_a"], data=offering_data(plan), offering=national)
    assert AuditEvent.objects.filter(entity="planning.offering").count() == 4

    assert {o.title for o in offerings_visible_to(users["staf1"])} == {own.title, national.title}
    assert {o.title for o in offerings_visible_to(users["pegawai_b"])} == {national.title}
    assert offering_get(users["admin_b"], own.pk) is None
    assert offering_get(users["admin_b"], national.pk) is not None


def test_aggregates_per_unit_and_competency(plan: Plan, django_assert_max_num_queries: Any) -> None:
    org = plan.org
    needs_gather(actor=org.users["admin_a"], akpk=plan.akpk)
    with django_assert_max_num_queries(4):
        rows = need_aggregates(org.users["admin_a"], plan.akpk)
    got = {(r.unit_code, r.competency_code): (r.employees, r.needs, r.mean_gap) for r in rows}
    assert got == {
        ("A-U0", "A.T.1"): (1, 1, 2.0),  # kepala 1->3
        ("A-U1", "A.T.1"): (1, 1, 1.0),  # staf1
        ("A-U1", "M.1"): (2, 2, 1.0),  # kabid 2->3, staf1 1->2
        ("A-U1", "M.4"): (1, 1, 1.0),  # staf1
    }
    total = {
        r.competency_code: (r.employees, r.mean_gap)
        for r in need_aggregates(org.users["admin_a"], plan.akpk, by_unit=False)
    }
    assert total == {"A.T.1": (2, 1.5), "M.1": (2, 1.0), "M.4": (1, 1.0)}

    # Rejected needs drop out; an atasan sees only their chain; another instansi sees nothing.
    staf1_m4 = Need.objects.get(employee=org.staf1, competency=plan.m4)
    need_review(actor=org.users["kabid"], need=staf1_m4, approve=False, reason="tidak perlu")
    assert ("A-U1", "M.4") not in {
        (r.unit_code, r.competency_code) for r in need_aggregates(org.users["admin_a"], plan.akpk)
    }
    kabid = {(r.competency_code, r.employees) for r in need_aggregates(org.users["kabid"], plan.akpk)}
    assert kabid == {("A.T.1", 1), ("M.1", 2)}
    assert need_aggregates(org.users["admin_b"], plan.akpk) == []
