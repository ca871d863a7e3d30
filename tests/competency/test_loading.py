"""Bulk loading of SKJ lines and current levels equals a row-by-row reading of the same data."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bangkom.competency.loading import load_mapping
from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.org.models import Employee

from ..conftest import Org


def _naive(employees: list[Employee]) -> list[tuple[str, str, int, int]]:
    """(nip, competency code, required, latest assessed level or 0), the slow obvious way."""
    out = []
    for e in sorted(employees, key=lambda x: x.nip):
        for r in sorted(
            Requirement.objects.filter(position=e.position_id).select_related("competency"),
            key=lambda r: r.competency.code,
        ):
            latest = (
                Assessment.objects.filter(employee=e, competency=r.competency_id)
                .order_by("-assessed_on")
                .first()
            )
            out.append((e.nip, r.competency.code, r.required_level, latest.level if latest else 0))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_load_mapping_matches_naive_reading(org: Org, seed: int) -> None:
    rng = random.Random(seed)
    # Technical competencies created later sort before M.1 by code but after it by id.
    for code in ("A.T1", "A.T2"):
        Competency.objects.create(code=code, name=code, type="teknis", agency=org.agency_a)
    comps = list(Competency.objects.filter(agency__isnull=True)) + list(
        Competency.objects.filter(agency=org.agency_a)
    )
    for pos in (org.pos_a, org.pos_a_staff, org.pos_b):
        for c in rng.sample(comps, rng.randint(0, 6)):
            Requirement.objects.create(position=pos, competency=c, required_level=rng.randint(1, 5))
    people = [org.kepala, org.kabid, org.staf1, org.staf2, org.kasubag, org.pegawai_b]
    for e in people:
        for c in rng.sample(comps, rng.randint(0, 7)):
            for d in rng.sample(range(1, 300), rng.randint(1, 3)):
                Assessment.objects.create(
                    employee=e,
                    competency=c,
                    assessed_on=dt.date(2024, 1, 1) + dt.timedelta(d),
                    level=rng.randint(1, 5),
                    method="diri",
                )
    data = load_mapping(agency_ids=[org.agency_a.pk, org.agency_b.pk])
    got = [
        (data.nips[e], data.competency_codes[c], int(r), int(a))
        for e, c, r, a in zip(
            data.line_employee, data.line_competency, data.line_required, data.line_assessed, strict=True
        )
    ]
    assert got == _naive(people)
    only_a = load_mapping(agency_ids=[org.agency_a.pk])
    assert org.pegawai_b.nip not in only_a.nips and len(only_a.nips) == 5
    scoped = load_mapping(employees=Employee.objects.filter(pk__in=[org.staf1.pk]))
    assert scoped.nips == [org.staf1.nip]
