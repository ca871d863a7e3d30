"""A small SKJ and assessment picture on top of the shared `org` fixture, with the expected needs by hand.

SKJ: pos_a (kepala, kabid, kasubag) M.1=3, M.4=3, T.1=3; pos_a_staff (staf1, staf2) M.1=2, M.4=2, T.1=2;
pos_b (instansi B) M.1=2. Latest assessed levels (older rows must lose to newer ones):
  kepala  M.1=3 M.4=3 T.1=1          -> gap T.1 1->3
  kabid   M.1=2 M.4=1 then 3, T.1 -  -> gap M.1 2->3 (T.1 never assessed: no need)
  kasubag M.1=4 M.4=3 T.1=3          -> none
  staf1   M.1=1 M.4=1 T.1=1          -> gaps M.1, M.4, T.1, each 1->2
  staf2   M.1=2 M.4=2                -> none
  pegawai_b M.1=1                    -> another instansi, never in A's AKPK
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.planning.models import Akpk
from tests.conftest import Org

OLD = dt.date(2024, 3, 1)
NEW = dt.date(2025, 3, 1)


@dataclass
class Plan:
    org: Org
    m1: Competency
    m4: Competency
    t1: Competency
    t_b: Competency
    akpk: Akpk


def assess(employee: Any, competency: Competency, level: int, on: dt.date = NEW) -> Assessment:
    return Assessment.objects.create(
        employee=employee, competency=competency, level=level, assessed_on=on, method="uji_kompetensi"
    )


@pytest.fixture
def plan(org: Org) -> Plan:
    m1 = Competency.objects.get(code="M.1")
    m4 = Competency.objects.get(code="M.4")
    t1 = Competency.objects.create(code="A.T.1", name="Pengelolaan Anggaran", type="teknis", agency=org.agency_a)
    t_b = Competency.objects.create(code="B.T.1", name="Teknis B", type="teknis", agency=org.agency_b)
    for pos, level in ((org.pos_a, 3), (org.pos_a_staff, 2)):
        for comp in (m1, m4, t1):
            Requirement.objects.create(position=pos, competency=comp, required_level=level)
    Requirement.objects.create(position=org.pos_b, competency=m1, required_level=2)
    for emp, levels in (
        (org.kepala, {m1: 3, m4: 3, t1: 1}),
        (org.kabid, {m1: 2, m4: 3}),
        (org.kasubag, {m1: 4, m4: 3, t1: 3}),
        (org.staf1, {m1: 1, m4: 1, t1: 1}),
        (org.staf2, {m1: 2, m4: 2}),
        (org.pegawai_b, {m1: 1}),
    ):
        for comp, level in levels.items():
            assess(emp, comp, level)
    assess(org.kabid, m4, 1, OLD)  # older and lower: must not count
    assess(org.staf2, m1, 1, OLD)
    akpk = Akpk.objects.create(agency=org.agency_a, year=2026)
    return Plan(org, m1, m4, t1, t_b, akpk)
