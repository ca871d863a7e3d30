"""Database constraints back the rules even when code is bypassed (DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.evaluation.models import PerformanceRating
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Employee

from ..conftest import Org


def _assessment(org: Org, **kw: object) -> None:
    fields: dict[str, object] = {
        "employee": org.staf1,
        "competency": Competency.objects.get(code="M.1"),
        "assessed_on": dt.date(2025, 1, 1),
        "level": 3,
        "method": "atasan",
    }
    fields.update(kw)
    Assessment.objects.create(**fields)


def _record(org: Org, **kw: object) -> None:
    fields: dict[str, object] = {
        "employee": org.staf1,
        "title": "Bimtek",
        "start_date": dt.date(2025, 3, 1),
        "end_date": dt.date(2025, 3, 2),
        "form_id": 8,
        "provider": "BPSDM",
        "jp": Decimal("8"),
    }
    fields.update(kw)
    LearningRecord.objects.create(**fields)


CASES: list[tuple[str, Callable[[Org], None]]] = [
    (
        "duplicate NIP",
        lambda o: Employee.objects.create(
            nip=o.staf1.nip,
            name="X",
            agency=o.agency_a,
            unit=o.unit_a,
            position=o.pos_a,
            employment_type="pns",
        ),
    ),
    (
        "NIP of 17 digits",
        lambda o: Employee.objects.create(
            nip="19830115200811192",
            name="X",
            agency=o.agency_a,
            unit=o.unit_a,
            position=o.pos_a,
            employment_type="pns",
        ),
    ),
    (
        "unknown employment type",
        lambda o: Employee.objects.filter(pk=o.staf1.pk).update(employment_type="tkk"),
    ),
    ("own supervisor", lambda o: Employee.objects.filter(pk=o.staf1.pk).update(supervisor=o.staf1)),
    ("assessment level 0", lambda o: _assessment(o, level=0)),
    ("assessment level 6", lambda o: _assessment(o, level=6)),
    ("assessment unknown method", lambda o: _assessment(o, method="tebakan")),
    (
        "requirement level 6",
        lambda o: Requirement.objects.create(
            position=o.pos_a, competency=Competency.objects.get(code="M.2"), required_level=6
        ),
    ),
    ("negative JP", lambda o: _record(o, jp=Decimal("-1"))),
    ("end before start", lambda o: _record(o, end_date=dt.date(2025, 2, 1))),
    ("unknown form 26", lambda o: _record(o, form_id=26)),
    (
        "performance rating outside set",
        lambda o: PerformanceRating.objects.create(
            employee=o.staf1, year=2025, hasil_kerja="baik", perilaku_kerja="sesuai"
        ),
    ),
]


@pytest.mark.parametrize(("label", "action"), CASES, ids=[c[0] for c in CASES])
def test_database_refuses(org: Org, label: str, action: Callable[[Org], None]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action(org)
        # Foreign keys are deferred to commit; check them now, inside the test's transaction.
        connection.check_constraints()


def test_assessment_history_is_kept_per_date(org: Org) -> None:
    _assessment(org, assessed_on=dt.date(2024, 1, 1), level=2)
    _assessment(org, assessed_on=dt.date(2025, 1, 1), level=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        _assessment(org, assessed_on=dt.date(2025, 1, 1), level=4)
    assert Assessment.objects.filter(employee=org.staf1).count() == 2


def test_national_competencies_and_forms_exist_after_migrate(db: object) -> None:
    codes = set(Competency.objects.filter(agency__isnull=True).values_list("code", flat=True))
    assert codes == {f"M.{i}" for i in range(1, 9)} | {"SK.1"}
    for comp in Competency.objects.filter(code__in=codes).prefetch_related("levels"):
        levels = sorted((lv.level, bool(lv.description), bool(lv.description_en)) for lv in comp.levels.all())
        assert levels == [(i, True, True) for i in range(1, 6)]
    from bangkom.learning.models import DevelopmentForm

    assert list(DevelopmentForm.objects.values_list("id", flat=True)) == list(range(1, 26))
    assert DevelopmentForm.objects.get(id=14).path == "nonklasikal"
    assert DevelopmentForm.objects.get(id=3).path == "klasikal"
