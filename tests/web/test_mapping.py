"""Competency mapping pages: numbers equal an independent computation, scope holds, charts are valid SVG."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.urls import reverse

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.org.models import Position
from bangkom.web.charts import bars_svg, heatmap_svg, radar_svg, share_colour

from ..conftest import Org

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def skj(org: Org) -> dict[str, Competency]:
    """Analis (pos_a_staff) requires M.1=3, M.2=3, M.3=2. staf1: 2,3,2 (JPM 7/8=87.50); staf2: 1,2 + none."""
    comps = {c.code: c for c in Competency.objects.filter(code__in=["M.1", "M.2", "M.3"])}
    for code, level in (("M.1", 3), ("M.2", 3), ("M.3", 2)):
        Requirement.objects.create(position=org.pos_a_staff, competency=comps[code], required_level=level)
    on = dt.date(2025, 3, 1)
    for emp, levels in ((org.staf1, {"M.1": 2, "M.2": 3, "M.3": 2}), (org.staf2, {"M.1": 1, "M.2": 2})):
        for code, level in levels.items():
            Assessment.objects.create(
                employee=emp, competency=comps[code], assessed_on=on, level=level, method="atasan"
            )
    # An older, higher assessment must not count: the latest wins.
    Assessment.objects.create(
        employee=org.staf1, competency=comps["M.1"], assessed_on=dt.date(2020, 1, 1), level=5, method="diri"
    )
    return comps


def test_profile_shows_radar_and_jpm(org: Org, skj: dict[str, Competency]) -> None:
    html = org.client("staf1").get(reverse("profile")).content.decode()
    assert "<svg" in html and 'class="chart radar"' in html
    assert "87,50%" in html  # Indonesian decimal comma; 100 * (2 + 3 + 2) / (3 + 3 + 2)
    assert "Cukup optimal" in html and "Memenuhi syarat" in html
    html2 = org.client("staf2").get(reverse("profile")).content.decode()
    assert "Belum dinilai" in html2


def test_unit_view_counts_and_drilldown(org: Org, skj: dict[str, Competency]) -> None:
    client = org.client("kabid")
    page = client.get(reverse("mapping") + f"?unit={org.unit_a2.pk}")
    assert page.status_code == 200
    csv_text = client.get(reverse("mapping") + f"?unit={org.unit_a2.pk}&format=csv").content.decode()
    rows = {line.split(",")[2]: line.split(",") for line in csv_text.strip().splitlines()[1:]}
    # In unit A-U1: M.1 assessed 2 (both below: 2<3, 1<3); M.2 assessed 2 (staf2 2<3 below); M.3 assessed 1, none below.
    assert (rows["M.1"][3], rows["M.1"][4]) == ("2", "2")
    assert (rows["M.2"][3], rows["M.2"][4]) == ("2", "1")
    assert (rows["M.3"][3], rows["M.3"][4]) == ("1", "0")
    drill = client.get(reverse("mapping_drilldown", args=[org.unit_a2.pk, skj["M.1"].pk]) + "?format=csv")
    lines = drill.content.decode().strip().splitlines()[1:]
    assert sorted(line.split(",")[0] for line in lines) == sorted([org.staf1.nip, org.staf2.nip])
    assert {line.split(",")[0]: line.split(",")[4] for line in lines} == {org.staf1.nip: "1", org.staf2.nip: "2"}


@pytest.mark.parametrize(
    ("viewer", "unit", "expected"),
    [
        ("admin_a", "unit_a2", 200),
        ("admin_b", "unit_a2", 404),
        ("kabid", "unit_a2", 200),
        ("kabid", "unit_b", 404),
        ("staf1", "unit_a2", 403),
        ("nasional", "unit_a", 403),
    ],
)
def test_mapping_scope(org: Org, skj: dict[str, Competency], viewer: str, unit: str, expected: int) -> None:
    pk = getattr(org, unit).pk
    client = org.client(viewer)
    assert client.get(reverse("mapping") + f"?unit={pk}").status_code == expected
    assert client.get(reverse("mapping_drilldown", args=[pk, skj["M.1"].pk])).status_code == expected


def test_atasan_sees_only_chain_in_mapping(org: Org, skj: dict[str, Competency]) -> None:
    # kasubag has no subordinates in A-U1: as a pegawai only, the page is refused; kepala sees both staff.
    assert org.client("kasubag").get(reverse("mapping")).status_code == 403
    drill = org.client("kepala").get(reverse("mapping_drilldown", args=[org.unit_a2.pk, skj["M.1"].pk]) + "?format=csv")
    assert len(drill.content.decode().strip().splitlines()) == 3


@pytest.mark.parametrize(
    ("viewer", "target", "expected"),
    [
        ("staf1", "staf1", 200),
        ("staf1", "staf2", 404),
        ("kabid", "staf2", 200),
        ("kasubag", "staf1", 404),
        ("admin_a", "staf2", 200),
        ("admin_b", "staf2", 404),
    ],
)
def test_next_positions_scope(org: Org, skj: dict[str, Competency], viewer: str, target: str, expected: int) -> None:
    url = reverse("next_positions", args=[getattr(org, target).pk])
    assert org.client(viewer).get(url).status_code == expected


def test_next_positions_ranked_by_jpm(org: Org, skj: dict[str, Competency]) -> None:
    easy = Position.objects.create(agency=org.agency_a, code="A-J8", name="Mudah", kind="pelaksana", unit=org.unit_a)
    hard = Position.objects.create(
        agency=org.agency_a, code="A-J9", name="Sulit", kind="administrator", unit=org.unit_a
    )
    Requirement.objects.create(position=easy, competency=skj["M.1"], required_level=2)  # staf1 2/2 = 100
    Requirement.objects.create(position=hard, competency=skj["M.1"], required_level=4)  # staf1 2/4 = 50
    html = org.client("staf1").get(reverse("next_positions", args=[org.staf1.pk])).content.decode()
    assert html.index("Mudah") < html.index("Sulit")
    assert "100,00%" in html and "50,00%" in html


@pytest.mark.parametrize("extra", [0, 30])
def test_mapping_query_count_is_flat(
    org: Org, skj: dict[str, Competency], django_assert_num_queries: Any, extra: int
) -> None:
    from bangkom.org.models import Employee

    from ..conftest import next_nip

    for i in range(extra):
        Employee.objects.create(
            nip=next_nip(),
            name=f"X{i}",
            agency=org.agency_a,
            unit=org.unit_a2,
            position=org.pos_a_staff,
            employment_type="pns",
            supervisor=org.kabid,
        )
    client = org.client("admin_a")
    with django_assert_num_queries(11):
        assert client.get(reverse("mapping") + f"?unit={org.unit_a.pk}").status_code == 200
    with django_assert_num_queries(7):
        assert client.get(reverse("employee_detail", args=[org.staf1.pk])).status_code == 200


def test_radar_svg_is_valid_and_escaped() -> None:
    svg = radar_svg(
        ["M.1", "<A&B>", "M.3", "M.4"],
        [3, 3, 2, 4],
        [2, None, 2, 5],
        title="t & <x>",
        legend_required="Standar",
        legend_current="Saat ini",
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f"{SVG}polygon")) == 5 + 2  # five level rings, required and current
    assert len(root.findall(f"{SVG}circle")) == 1  # one unassessed marker
    assert "&lt;A&amp;B&gt;" in svg
    assert radar_svg(["a", "b"], [1, 1], [1, 1], title="", legend_required="", legend_current="") == ""


def test_heatmap_svg_cells_links_and_colours() -> None:
    svg = heatmap_svg(
        ["U1", "U2"],
        ["M.1", "M.2", "M.3"],
        [[0.0, 0.5, None], [1.0, 0.25, 0.75]],
        [["/a?x=1&y=2", None, "/c"], ["/d", "/e", "/f"]],
        title="h",
    )
    root = ET.fromstring(svg)
    assert len(root.findall(f"{SVG}a")) == 5
    assert len(root.findall(f".//{SVG}rect")) == 6 + 5  # cells and legend
    assert share_colour(0.0) == "#1e7a3c" and share_colour(1.0) == "#b42318" and share_colour(None) == "#e5e7eb"
    ET.fromstring(bars_svg(["a", "b"], [3, 0], ["#000", "#111"], title="b"))


@pytest.mark.parametrize(
    ("viewer", "target", "expected"),
    [
        ("staf1", "staf1", 200),
        ("staf1", "staf2", 404),
        ("kabid", "staf1", 200),
        ("kasubag", "staf1", 404),
        ("admin_a", "staf1", 200),
        ("admin_b", "staf1", 404),
        ("nasional", "staf1", 404),
    ],
)
def test_mapping_api_scope(org: Org, skj: dict[str, Competency], viewer: str, target: str, expected: int) -> None:
    pk = getattr(org, target).pk
    client = org.client(viewer)
    assert client.get(f"/api/v1/employees/{pk}/jpm").status_code == expected
    assert client.get(f"/api/v1/employees/{pk}/next-positions").status_code == expected


def test_mapping_api_numbers(org: Org, skj: dict[str, Competency]) -> None:
    data = org.client("staf1").get(f"/api/v1/employees/{org.staf1.pk}/jpm").json()
    assert data == {
        "nip": org.staf1.nip,
        "position_code": "A-J2",
        "jpm": 87.5,
        "category_mapping": "cukup_optimal",
        "category_filling": "memenuhi_syarat",
    }
    unit = org.client("admin_a").get(f"/api/v1/mapping/units/{org.unit_a2.pk}").json()
    cells = {c["competency_code"]: (c["assessed"], c["below"]) for c in unit["cells"]}
    assert cells == {"M.1": (2, 2), "M.2": (2, 1), "M.3": (1, 0)}
    assert unit["categories"] == {"optimal": 0, "cukup_optimal": 1, "kurang_optimal": 0, "belum_dinilai": 1}
    assert org.client("admin_b").get(f"/api/v1/mapping/units/{org.unit_a2.pk}").status_code == 404
