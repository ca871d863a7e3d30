"""Competency mapping pages and API: numbers match an independent computation, scope holds, flat queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.urls import reverse

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.org.models import Employee, Position

from ..conftest import Org, next_nip

# The SKJ of Analis (pos_a_staff) and the latest levels set up below; expectations are computed from
# these dicts in plain Python, independently of engine/gaps.py.
REQUIRED = {"M.1": 3, "M.2": 3, "M.3": 2}
LEVELS = {"staf1": {"M.1": 2, "M.2": 3, "M.3": 2}, "staf2": {"M.1": 1, "M.2": 2}}


@pytest.fixture
def skj(org: Org) -> dict[str, Competency]:
    comps = {c.code: c for c in Competency.objects.filter(code__in=list(REQUIRED))}
    for code, level in REQUIRED.items():
        Requirement.objects.create(position=org.pos_a_staff, competency=comps[code], required_level=level)
    on = dt.date(2025, 3, 1)
    for name, levels in LEVELS.items():
        for code, level in levels.items():
            Assessment.objects.create(
                employee=getattr(org, name),
                competency=comps[code],
                assessed_on=on,
                level=level,
                method="atasan",
            )
    # An older, higher assessment must not count: the latest wins.
    Assessment.objects.create(
        employee=org.staf1, competency=comps["M.1"], assessed_on=dt.date(2020, 1, 1), level=5, method="diri"
    )
    return comps


def expected_jpm(levels: dict[str, int]) -> Decimal | None:
    if set(levels) != set(REQUIRED):
        return None
    value = Decimal(100 * sum(levels.values())) / Decimal(sum(REQUIRED.values()))
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_cells() -> dict[str, tuple[int, int]]:
    """competency -> (assessed, below) over the pegawai of A-U1 (staf1, staf2)."""
    out = {}
    for code, req in REQUIRED.items():
        got = [lv[code] for lv in LEVELS.values() if code in lv]
        out[code] = (len(got), sum(1 for g in got if g < req))
    return out


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def add_staff(org: Org, n: int, level: int | None = None, comp: Competency | None = None) -> list[Employee]:
    """n more Analis in A-U1 under kabid, optionally assessed at `level` in `comp`."""
    made = []
    for i in range(n):
        e = Employee.objects.create(
            nip=next_nip(),
            name=f"Tambahan {i:03d}",
            agency=org.agency_a,
            unit=org.unit_a2,
            position=org.pos_a_staff,
            employment_type="pns",
            supervisor=org.kabid,
        )
        if level is not None and comp is not None:
            Assessment.objects.create(
                employee=e, competency=comp, assessed_on=dt.date(2025, 1, 1), level=level, method="atasan"
            )
        made.append(e)
    return made


# ---- numbers --------------------------------------------------------------------------------------------


def test_profile_shows_radar_and_jpm(org: Org, skj: dict[str, Competency]) -> None:
    assert expected_jpm(LEVELS["staf1"]) == Decimal("87.50")
    html = org.client("staf1").get(reverse("profile")).content.decode()
    assert 'class="chart radar"' in html and "<desc" in html
    assert "87,50%" in html  # Indonesian decimal comma
    assert "Cukup optimal" in html and "Memenuhi syarat" in html  # 78 <= 87.5 < 90; >= 80
    html2 = org.client("staf2").get(reverse("profile")).content.decode()
    assert expected_jpm(LEVELS["staf2"]) is None and "Belum dinilai" in html2
    assert 'class="unassessed"' in html2  # M.3 has no assessment: marked on the radar


def test_unit_view_numbers_equal_an_independent_computation(org: Org, skj: dict[str, Competency]) -> None:
    client = org.client("kabid")
    page = client.get(reverse("mapping") + f"?unit={org.unit_a2.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="chart heatmap"' in html and 'class="chart bars"' in html
    rows = read_csv(client.get(reverse("mapping"), {"unit": org.unit_a2.pk, "format": "csv"}))
    got = {
        r["competency_code"]: (int(r["assessed"]), int(r["below"])) for r in rows if r["unit_code"] == "A-U1"
    }
    assert got == expected_cells()
    for r in rows:
        assessed, below = int(r["assessed"]), int(r["below"])
        assert r["share_below"] == ("" if assessed == 0 else f"{below / assessed:.4f}")
    # Each heatmap cell links to its drill-down.
    for code in REQUIRED:
        assert reverse("mapping_drilldown", args=[org.unit_a2.pk, skj[code].pk]) in html


def test_drilldown_lists_exactly_the_pegawai_below_standard(org: Org, skj: dict[str, Competency]) -> None:
    client = org.client("admin_a")
    for code, req in REQUIRED.items():
        url = reverse("mapping_drilldown", args=[org.unit_a2.pk, skj[code].pk])
        rows = read_csv(client.get(url, {"format": "csv"}))
        expected = {
            getattr(org, name).nip: req - lv[code]
            for name, lv in LEVELS.items()
            if code in lv and lv[code] < req
        }
        assert {r["nip"]: int(r["gap"]) for r in rows} == expected
        html = client.get(url).content.decode()
        for nip in expected:
            assert nip in html
        assert html.count('class="num bad"') == len(expected)


def test_drilldown_is_paginated(org: Org, skj: dict[str, Competency]) -> None:
    add_staff(org, 55, level=1, comp=skj["M.1"])  # 55 more below standard in M.1, plus staf1 and staf2
    url = reverse("mapping_drilldown", args=[org.unit_a2.pk, skj["M.1"].pk])
    client = org.client("kabid")
    first, second = client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()
    assert first.count('class="num bad"') == 50 and second.count('class="num bad"') == 7
    assert "page=2" in first
    assert len(read_csv(client.get(url, {"format": "csv"}))) == 57  # the CSV holds every row


def test_jpm_distribution_per_category_and_unit(org: Org, skj: dict[str, Competency]) -> None:
    data = org.client("admin_a").get(f"/api/v1/mapping/units/{org.unit_a.pk}").json()
    # staf1 87.50 cukup_optimal, staf2 belum_dinilai; kepala, kabid, kasubag hold a jabatan without SKJ.
    assert data["categories"] == {"optimal": 0, "cukup_optimal": 1, "kurang_optimal": 0, "belum_dinilai": 1}
    assert data["mean_jpm"] == 87.5
    per_unit = {u["unit_code"]: u for u in data["units"]}
    assert per_unit["A-U1"]["categories"]["cukup_optimal"] == 1
    assert per_unit["A-U0"]["categories"] == dict.fromkeys(data["categories"], 0)
    assert per_unit["A-U0"]["mean_jpm"] is None
    assert data["competencies"]["M.1"] == skj["M.1"].name
    html = org.client("admin_a").get(reverse("mapping"), {"unit": org.unit_a.pk}).content.decode()
    assert "87,50%" in html  # mean JPM on the page


def test_all_in_scope_is_the_atasan_chain(org: Org, skj: dict[str, Competency]) -> None:
    html = org.client("kabid").get(reverse("mapping")).content.decode()
    assert "3 pegawai dalam cakupan" in html  # kabid, staf1, staf2
    html = org.client("kepala").get(reverse("mapping")).content.decode()
    assert "5 pegawai dalam cakupan" in html  # kepala and the four below


def test_next_positions_ranked_by_jpm_with_gaps(org: Org, skj: dict[str, Competency]) -> None:
    easy = Position.objects.create(
        agency=org.agency_a, code="A-J8", name="Mudah", kind="pelaksana", unit=org.unit_a
    )
    hard = Position.objects.create(
        agency=org.agency_a, code="A-J9", name="Sulit", kind="administrator", unit=org.unit_a
    )
    Requirement.objects.create(position=easy, competency=skj["M.1"], required_level=2)  # staf1 2/2 = 100
    Requirement.objects.create(position=hard, competency=skj["M.1"], required_level=4)  # staf1 2/4 = 50
    Requirement.objects.create(position=hard, competency=skj["M.2"], required_level=2)  # (2+3)/(4+2) = 83.33
    other = Position.objects.create(
        agency=org.agency_b, code="B-J9", name="Lain", kind="pelaksana", unit=org.unit_b
    )
    Requirement.objects.create(position=other, competency=skj["M.1"], required_level=1)  # other instansi
    html = org.client("staf1").get(reverse("next_positions", args=[org.staf1.pk])).content.decode()
    assert html.index("Mudah") < html.index("Sulit") and "Lain" not in html
    assert "100,00%" in html and "83,33%" in html
    data = org.client("staf1").get(f"/api/v1/employees/{org.staf1.pk}/next-positions").json()
    assert [(r["position_code"], r["jpm"]) for r in data] == [("A-J8", 100.0), ("A-J9", 83.33)]
    assert data[1]["gaps"] == [{"competency_code": "M.1", "required_level": 4, "assessed_level": 2}]
    assert data[1]["category_filling"] == "memenuhi_syarat"  # 83.33 >= 80
    searched = org.client("staf1").get(f"/api/v1/employees/{org.staf1.pk}/next-positions?q=sulit").json()
    assert [r["position_code"] for r in searched] == ["A-J9"]


def test_mapping_api_numbers(org: Org, skj: dict[str, Competency]) -> None:
    data = org.client("staf1").get(f"/api/v1/employees/{org.staf1.pk}/jpm").json()
    assert data == {
        "nip": org.staf1.nip,
        "position_code": "A-J2",
        "has_skj": True,
        "jpm": 87.5,
        "category_mapping": "cukup_optimal",
        "category_filling": "memenuhi_syarat",
    }
    no_skj = org.client("kabid").get(f"/api/v1/employees/{org.kabid.pk}/jpm").json()
    assert no_skj["has_skj"] is False and no_skj["jpm"] is None
    unit = org.client("admin_a").get(f"/api/v1/mapping/units/{org.unit_a2.pk}").json()
    assert {c["competency_code"]: (c["assessed"], c["below"]) for c in unit["cells"]} == expected_cells()


# ---- scope ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "unit", "expected"),
    [
        ("admin_a", "unit_a2", 200),
        ("admin_a", "unit_b", 404),  # an edited id from another instansi
        ("admin_b", "unit_a2", 404),
        ("kabid", "unit_a2", 200),
        ("kabid", "unit_b", 404),
        ("staf1", "unit_a2", 403),
        ("kasubag", "unit_a2", 403),  # a pegawai without subordinates
        ("nasional", "unit_a", 403),
    ],
)
def test_mapping_scope(org: Org, skj: dict[str, Competency], viewer: str, unit: str, expected: int) -> None:
    pk = getattr(org, unit).pk
    client = org.client(viewer)
    assert client.get(reverse("mapping"), {"unit": pk}).status_code == expected
    assert client.get(reverse("mapping"), {"unit": pk, "format": "csv"}).status_code == expected
    drill = reverse("mapping_drilldown", args=[pk, skj["M.1"].pk])
    assert client.get(drill).status_code == expected
    assert client.get(drill, {"format": "csv"}).status_code == expected
    api_expected = {403: 403, 404: 404, 200: 200}[expected]
    assert client.get(f"/api/v1/mapping/units/{pk}").status_code == api_expected


def test_mapping_scope_edge_ids(org: Org, skj: dict[str, Competency]) -> None:
    client = org.client("admin_a")
    assert client.get(reverse("mapping"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("mapping"), {"unit": 999999}).status_code == 404
    assert client.get(reverse("mapping_drilldown", args=[org.unit_a2.pk, 999999])).status_code == 404
    foreign = Competency.objects.create(code="B.T01", name="Teknis B", type="teknis", agency=org.agency_b)
    assert client.get(reverse("mapping_drilldown", args=[org.unit_a2.pk, foreign.pk])).status_code == 404
    assert org.client("admin_b").get("/api/v1/mapping/units/999999").status_code == 404


def test_atasan_sees_only_the_chain(org: Org, skj: dict[str, Competency]) -> None:
    # A pegawai of A-U1 outside kabid's chain (under kasubag): invisible to kabid, visible to kepala.
    outsider = Employee.objects.create(
        nip=next_nip(),
        name="Luar Rantai",
        agency=org.agency_a,
        unit=org.unit_a2,
        position=org.pos_a_staff,
        employment_type="pns",
        supervisor=org.kasubag,
    )
    Assessment.objects.create(
        employee=outsider, competency=skj["M.1"], assessed_on=dt.date(2025, 1, 1), level=1, method="atasan"
    )
    url = reverse("mapping_drilldown", args=[org.unit_a2.pk, skj["M.1"].pk])
    kabid = {r["nip"] for r in read_csv(org.client("kabid").get(url, {"format": "csv"}))}
    kepala = {r["nip"] for r in read_csv(org.client("kepala").get(url, {"format": "csv"}))}
    assert kabid == {org.staf1.nip, org.staf2.nip}
    assert kepala == {org.staf1.nip, org.staf2.nip, outsider.nip}
    cells = org.client("kabid").get(f"/api/v1/mapping/units/{org.unit_a2.pk}").json()["cells"]
    assert next(c for c in cells if c["competency_code"] == "M.1")["assessed"] == 2
    # kabid may not open the outsider's profile or rankings.
    assert org.client("kabid").get(reverse("employee_detail", args=[outsider.pk])).status_code == 404
    assert org.client("kabid").get(reverse("next_positions", args=[outsider.pk])).status_code == 404


@pytest.mark.parametrize(
    ("viewer", "target", "expected"),
    [
        ("staf1", "staf1", 200),
        ("staf1", "staf2", 404),  # a colleague
        ("staf2", "staf1", 404),
        ("kabid", "staf2", 200),
        ("kepala", "staf1", 200),  # indirect subordinate
        ("kasubag", "staf1", 404),
        ("admin_a", "staf2", 200),
        ("admin_b", "staf2", 404),
        ("admin_a", "pegawai_b", 404),
        ("nasional", "staf1", 404),
        ("penyelenggara_a", "staf1", 404),
    ],
)
def test_employee_routes_scope(
    org: Org, skj: dict[str, Competency], viewer: str, target: str, expected: int
) -> None:
    pk = getattr(org, target).pk
    client = org.client(viewer)
    assert client.get(reverse("next_positions", args=[pk])).status_code == expected
    assert client.get(reverse("employee_detail", args=[pk])).status_code == expected
    assert client.get(f"/api/v1/employees/{pk}/jpm").status_code == expected
    assert client.get(f"/api/v1/employees/{pk}/next-positions").status_code == expected


def test_anonymous_is_refused(org: Org, skj: dict[str, Competency]) -> None:
    from django.test import Client

    anon = Client()
    assert anon.get(reverse("mapping")).status_code == 302
    assert anon.get(reverse("next_positions", args=[org.staf1.pk])).status_code == 302
    assert anon.get(f"/api/v1/employees/{org.staf1.pk}/jpm").status_code == 401
    assert anon.get(f"/api/v1/mapping/units/{org.unit_a.pk}").status_code == 401


# ---- query counts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_query_counts_do_not_grow_with_pegawai(
    org: Org, skj: dict[str, Competency], django_assert_num_queries: Any, extra: int
) -> None:
    add_staff(org, extra, level=1, comp=skj["M.2"])
    admin, kabid, staf1 = org.client("admin_a"), org.client("kabid"), org.client("staf1")
    with django_assert_num_queries(13):
        assert admin.get(reverse("mapping"), {"unit": org.unit_a.pk}).status_code == 200
    with django_assert_num_queries(14):
        assert kabid.get(reverse("mapping")).status_code == 200
    with django_assert_num_queries(12):
        drill = reverse("mapping_drilldown", args=[org.unit_a2.pk, skj["M.2"].pk])
        assert admin.get(drill).status_code == 200
    with django_assert_num_queries(6):
        assert admin.get(reverse("employee_detail", args=[org.staf1.pk])).status_code == 200
    with django_assert_num_queries(8):  # + the pegawai's own roles (agency, has subordinates)
        assert staf1.get(reverse("profile")).status_code == 200
    with django_assert_num_queries(5):
        assert admin.get(reverse("next_positions", args=[org.staf1.pk])).status_code == 200
