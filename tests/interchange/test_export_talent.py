"""`bangkom export talent --year`: kinerja from the year's performance predicate, potensi from the JPM with the
instansi's cut-offs, and the 9-box; empty where unknown."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.core.management import call_command

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.evaluation.models import PerformanceRating
from tests.conftest import Org


def test_talent_export(org: Org, tmp_path: Path) -> None:
    m1, m4 = Competency.objects.get(code="M.1"), Competency.objects.get(code="M.4")
    for pos in (org.pos_a, org.pos_a_staff):
        for comp in (m1, m4):
            Requirement.objects.create(position=pos, competency=comp, required_level=5)
    day = dt.date(2025, 5, 1)
    # JPM = 100 x sum(assessed) / sum(required): kepala 10/10 = 100, kabid 8/10 = 80, staf1 6/10 = 60,
    # kasubag 7/10 = 70; staf2 has one competency unassessed (no JPM, no potensi).
    for emp, a, b in ((org.kepala, 5, 5), (org.kabid, 4, 4), (org.staf1, 3, 3), (org.kasubag, 3, 4)):
        Assessment.objects.create(employee=emp, competency=m1, level=a, assessed_on=day, method="uji_kompetensi")
        Assessment.objects.create(employee=emp, competency=m4, level=b, assessed_on=day, method="uji_kompetensi")
    Assessment.objects.create(employee=org.staf2, competency=m1, level=5, assessed_on=day, method="uji_kompetensi")
    for emp, hasil, perilaku in (
        (org.kepala, "di_atas", "di_atas"),  # sangat baik -> above; potensi tinggi -> box 9
        (org.kabid, "sesuai", "sesuai"),  # baik -> meets; 80 -> tinggi -> box 8
        (org.staf1, "di_bawah", "sesuai"),  # butuh perbaikan -> below; 60 -> rendah -> box 1
        (org.staf2, "di_atas", "sesuai"),  # baik -> meets; no potensi -> no box
    ):
        PerformanceRating.objects.create(employee=emp, year=2025, hasil_kerja=hasil, perilaku_kerja=perilaku)
    PerformanceRating.objects.create(employee=org.kasubag, year=2024, hasil_kerja="di_atas", perilaku_kerja="di_atas")
    out = tmp_path / "talent.csv"
    call_command("export", "talent", "--out", str(out), "--year", "2025", "--agency", "A")
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["nip", "kinerja", "potensi", "box"]
    got = {r[0]: r[1:] for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == sorted(got)
    assert got[org.kepala.nip] == ["di_atas_ekspektasi", "tinggi", "9"]
    assert got[org.kabid.nip] == ["sesuai_ekspektasi", "tinggi", "8"]
    assert got[org.staf1.nip] == ["di_bawah_ekspektasi", "rendah", "1"]
    assert got[org.staf2.nip] == ["sesuai_ekspektasi", "", ""]
    assert got[org.kasubag.nip] == ["", "menengah", ""]  # rated in 2024 only
    assert org.pegawai_b.nip not in got
