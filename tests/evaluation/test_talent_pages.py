"""Talent pages of the admin instansi: the 9-box grid with its counts and download, the pegawai of one box,
succession candidates with their gaps; only the admin of the instansi reaches them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from openpyxl import load_workbook

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.evaluation.models import PerformanceRating
from tests.conftest import Org


def _setup(org: Org) -> None:
    """As tests/interchange/test_export_talent.py: JPM kepala 100, kabid 80, staf1 60, kasubag 70, staf2 none;
    2025 boxes: kepala 9, kabid 8, staf1 1; staf2 no potensi, kasubag rated in 2024 only."""
    m1, m4 = Competency.objects.get(code="M.1"), Competency.objects.get(code="M.4")
    for pos in (org.pos_a, org.pos_a_staff):
        for comp in (m1, m4):
            Requirement.objects.create(position=pos, competency=comp, required_level=5)
    day = dt.date(2025, 5, 1)
    for emp, a, b in ((org.kepala, 5, 5), (org.kabid, 4, 4), (org.staf1, 3, 3), (org.kasubag, 3, 4)):
        Assessment.objects.create(employee=emp, competency=m1, level=a, assessed_on=day, method="uji_kompetensi")
        Assessment.objects.create(employee=emp, competency=m4, level=b, assessed_on=day, method="uji_kompetensi")
    # an older, higher level must not count: the latest assessment wins
    Assessment.objects.create(
        employee=org.staf1, competency=m1, level=5, assessed_on=dt.date(2023, 1, 1), method="uji_kompetensi"
    )
    Assessment.objects.create(employee=org.staf2, competency=m1, level=5, assessed_on=day, method="uji_kompetensi")
    for emp, hasil, perilaku in (
        (org.kepala, "di_atas", "di_atas"),
        (org.kabid, "sesuai", "sesuai"),
        (org.staf1, "di_bawah", "sesuai"),
        (org.staf2, "di_atas", "sesuai"),
    ):
        PerformanceRating.objects.create(employee=emp, year=2025, hasil_kerja=hasil, perilaku_kerja=perilaku)
    PerformanceRating.objects.create(employee=org.kasubag, year=2024, hasil_kerja="di_atas", perilaku_kerja="di_atas")


def _cell_counts(body: str) -> dict[int, int]:
    """Box -> count as drawn in the SVG grid (each cell's aria-label)."""
    return {int(b): int(n) for b, n in re.findall(r'aria-label="Kotak (\d): (\d+) pegawai"', body)}


def _num(body: str, cell_id: str) -> int:
    m = re.search(rf'id="{cell_id}">(\d+)<', body)
    assert m, cell_id
    return int(m.group(1))


def test_grid_counts_and_actions(org: Org, django_assert_num_queries: Any) -> None:
    _setup(org)
    c = org.client("admin_a")
    with django_assert_num_queries(12):  # session, user, roles, instansi, years, load_mapping (6), ratings
        r = c.get("/talenta/")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'class="chart ninebox"' in body
    assert "tahun 2025" in body  # the latest year with ratings is the default
    counts = _cell_counts(body)
    assert counts == {1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 1, 9: 1}
    assert _num(body, "in-boxes") == 3 and _num(body, "no-box") == 2
    assert _num(body, "no-rating") == 1 and _num(body, "no-potensi") == 1  # kasubag; staf2
    assert f"/talenta/kotak/9/?instansi={org.agency_a.pk}&amp;tahun=2025" in body
    assert "Promosi" in body and "Ditangani sesuai ketentuan disiplin" in body
    # grid rows: tinggi (6 8 9) above menengah (3 5 7) above rendah (1 2 4)
    order = [int(b) for b in re.findall(r'aria-label="Kotak (\d):', body)]
    assert order == [6, 8, 9, 3, 5, 7, 1, 2, 4]

    r2024 = c.get(f"/talenta/?instansi={org.agency_a.pk}&tahun=2024").content.decode()
    assert _cell_counts(r2024)[7] == 1 and sum(_cell_counts(r2024).values()) == 1  # kasubag: above, menengah


def test_grid_download(org: Org) -> None:
    _setup(org)
    c = org.client("admin_a")
    r = c.get("/talenta/?tahun=2025&format=csv")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == ["nip", "name", "unit", "kinerja", "potensi", "box"]
    got = {row[0]: row[1:] for row in rows[1:]}
    assert got[org.kepala.nip] == ["Kepala A", "Sekretariat A", "di_atas_ekspektasi", "tinggi", "9"]
    assert got[org.staf2.nip] == ["Staf Dua", "Bidang A1", "sesuai_ekspektasi", "", ""]
    assert got[org.kasubag.nip][2:] == ["", "menengah", ""]
    assert org.pegawai_b.nip not in got and len(got) == 5
    x = c.get("/talenta/?tahun=2025&format=xlsx")
    sheet = load_workbook(io.BytesIO(x.content)).active
    assert sheet is not None and sheet.max_row == 6


def test_box_drilldown(org: Org, django_assert_num_queries: Any) -> None:
    _setup(org)
    c = org.client("admin_a")
    with django_assert_num_queries(13):  # as the grid, plus the page's pegawai
        r = c.get("/talenta/kotak/8/")
    body = r.content.decode()
    assert r.status_code == 200
    assert org.kabid.name in body and org.kabid.nip in body and "80,00" in body and "Baik" in body
    assert org.kepala.name not in body and org.staf1.name not in body
    assert "Retensi" in body and "Masuk kelompok rencana suksesi" in body
    box1 = c.get("/talenta/kotak/1/").content.decode()
    assert org.staf1.name in box1 and "Butuh Perbaikan" in box1 and "60,00" in box1
    # search within the box
    assert org.staf1.name in c.get("/talenta/kotak/1/?q=Satu").content.decode()
    assert "Tidak ada pegawai di kotak ini." in c.get("/talenta/kotak/1/?q=Kepala").content.decode()
    assert c.get("/talenta/kotak/0/").status_code == 404
    assert c.get("/talenta/kotak/10/").status_code == 404


def test_succession_ranks_and_gaps(org: Org, django_assert_num_queries: Any) -> None:
    _setup(org)
    c = org.client("admin_a")
    with django_assert_num_queries(17):  # as the grid, plus jabatan list, SKJ, levels, candidates, competencies
        r = c.get(f"/talenta/suksesi/?jabatan={org.pos_a_staff.pk}")
    body = r.content.decode()
    assert r.status_code == 200
    # holders of the position (staf1, staf2) are not candidates; kepala (JPM 100, box 9) and kabid (80, box 8)
    # are ready now, kasubag (70, no box this year) needs development
    names = re.findall(r'<tr class="candidate"><td class="num">\d+</td><td>([^<]+)<br>', body)
    assert names == ["Kepala A", "Kabid A", "Kasubag A"]
    assert "Siap sekarang" in body and "Perlu pengembangan" in body
    assert org.staf1.name not in body

    rows = list(
        csv.reader(io.StringIO(c.get(f"/talenta/suksesi/?jabatan={org.pos_a_staff.pk}&format=csv").content.decode()))
    )
    assert rows[0] == ["rank", "nip", "name", "unit", "jabatan", "readiness", "box", "jpm", "gaps"]
    assert [row[2] for row in rows[1:]] == ["Kepala A", "Kabid A", "Kasubag A"]
    assert rows[1][5:] == ["siap_sekarang", "9", "100.00", ""]
    assert rows[2][5:] == ["siap_sekarang", "8", "80.00", "M.1 4/5; M.4 4/5"]
    assert rows[3][5:] == ["perlu_pengembangan", "", "70.00", "M.1 3/5; M.4 4/5"]

    # for the kepala bidang jabatan: staf1 (60, box 1) before staf2 (M.4 never assessed: belum dinilai)
    rows = list(csv.reader(io.StringIO(c.get(f"/talenta/suksesi/?jabatan={org.pos_a.pk}&format=csv").content.decode())))
    assert [(row[2], row[5]) for row in rows[1:]] == [
        ("Staf Satu", "perlu_pengembangan"),
        ("Staf Dua", "belum_dinilai"),
    ]
    assert rows[1][8] == "M.1 3/5; M.4 3/5"  # the latest assessment, not the older level 5
    assert rows[2][8] == "M.4 0/5"
    page = c.get(f"/talenta/suksesi/?jabatan={org.pos_a.pk}").content.decode()
    assert "belum dinilai" in page and "Belum dinilai (lengkapi penilaian kompetensi)" in page

    assert c.get(f"/talenta/suksesi/?jabatan={org.pos_b.pk}").status_code == 404  # another instansi's jabatan
    assert c.get("/talenta/suksesi/").status_code == 200


def test_only_the_admin_of_the_instansi(org: Org) -> None:
    _setup(org)
    urls = ["/talenta/", "/talenta/kotak/9/", f"/talenta/suksesi/?jabatan={org.pos_a.pk}"]
    for user in ("staf1", "kepala", "kabid", "nasional", "penyelenggara_a"):
        c = org.client(user)
        for url in urls:
            assert c.get(url).status_code == 403, (user, url)
    b = org.client("admin_b")
    for url in ("/talenta/", "/talenta/kotak/9/", "/talenta/?format=csv"):
        r = b.get(f"{url}{'&' if '?' in url else '?'}instansi={org.agency_a.pk}")
        assert r.status_code == 404, url
    own = b.get("/talenta/?format=csv").content.decode()
    assert org.kepala.nip not in own and org.pegawai_b.nip in own
    assert org.kepala.name not in b.get("/talenta/kotak/9/").content.decode()
    assert b.get(f"/talenta/suksesi/?jabatan={org.pos_a.pk}").status_code == 404
    assert org.client("admin_a").get("/talenta/?tahun=abc").status_code == 404
    anon = org.client("admin_a")
    anon.logout()
    assert anon.get("/talenta/").status_code == 302


def test_succession_without_skj_and_empty_instansi(org: Org) -> None:
    b = org.client("admin_b")  # instansi B: no SKJ, no ratings, one pegawai
    page = b.get(f"/talenta/suksesi/?jabatan={org.pos_b.pk}")
    assert page.status_code == 200 and "belum memiliki SKJ" in page.content.decode()
    grid = b.get("/talenta/").content.decode()
    assert _cell_counts(grid) == dict.fromkeys(range(1, 10), 0) and _num(grid, "no-box") == 1
    Requirement.objects.create(position=org.pos_b, competency=Competency.objects.get(code="M.1"), required_level=3)
    only_holder = b.get(f"/talenta/suksesi/?jabatan={org.pos_b.pk}").content.decode()
    assert "Tidak ada kandidat." in only_holder  # the only pegawai already holds the jabatan
