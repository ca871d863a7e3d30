"""Programme effectiveness page (/evaluasi/efektivitas/): per offering of a year its participants (evaluation
participants and done IDP items, once per pegawai), cost, JP, cost per JP, gap levels closed and cost per level,
level 4 only where measurable; totals; CSV/XLSX; only the admin of the instansi reaches it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from bangkom.engine import impact
from bangkom.evaluation import effectiveness as eff
from bangkom.evaluation.models import EvaluationParticipant
from bangkom.learning.models import LearningRecord
from bangkom.org.models import Employee
from bangkom.planning.models import Akpk, Offering, PlanItem, PlanRun
from tests.conftest import Org

URL = "/evaluasi/efektivitas/"
DONE = dt.date(2025, 6, 1)


def _offering(org: Org, title: str, cost: int, jp: str, agency: Any = None) -> Offering:
    return Offering.objects.create(
        agency=agency or org.agency_a,
        title=title,
        provider="BPSDM",
        form_id=1,
        jp=Decimal(jp),
        cost_per_participant=cost,
        modality="offline",
    )


def _record(emp: Employee, title: str, end: dt.date, status: str = "verified") -> LearningRecord:
    return LearningRecord.objects.create(
        employee=emp,
        form_id=1,
        title=title,
        provider="BPSDM",
        start_date=end,
        end_date=end,
        jp=Decimal(24),
        status=status,
    )


def _closes(*closed: int) -> list[dict[str, int]]:
    return [{"competency": 1, "gap": c, "closed": c, "weight": 3} for c in closed]


def _setup(org: Org) -> tuple[Offering, Offering]:
    """X (Rp 1.000.000, 24 JP): staf1 and staf2 evaluated in 2025; done IDP items of staf1 (closes 2, counted once)
    and kabid (closes 1 + 1). Y (Rp 500.000, 8 JP): kasubag evaluated in 2025, kepala in 2024; no IDP.
    Not counted: an item of a run not adopted, an item whose record is not verified, an item whose record ends in
    2024, and an offering of instansi B."""
    x = _offering(org, "Pelatihan X", 1_000_000, "24")
    y = _offering(org, "Pelatihan Y", 500_000, "8")
    b = _offering(org, "Pelatihan B", 9_000_000, "40", agency=org.agency_b)
    for off, emp, day in (
        (x, org.staf1, DONE),
        (x, org.staf2, DONE),
        (y, org.kasubag, DONE),
        (y, org.kepala, dt.date(2024, 5, 1)),
        (b, org.pegawai_b, DONE),
    ):
        EvaluationParticipant.objects.create(offering=off, employee=emp, completed_on=day)
    akpk = Akpk.objects.create(agency=org.agency_a, year=2025)
    adopted = PlanRun.objects.create(akpk=akpk, budget=10_000_000, adopted_at=dt.datetime(2025, 1, 5, tzinfo=dt.UTC))
    draft = PlanRun.objects.create(akpk=akpk, budget=5_000_000)
    PlanItem.objects.create(
        run=adopted, employee=org.staf1, offering=x, closes=_closes(2), record=_record(org.staf1, "X1", DONE)
    )
    PlanItem.objects.create(
        run=adopted, employee=org.kabid, offering=x, closes=_closes(1, 1), record=_record(org.kabid, "X2", DONE)
    )
    PlanItem.objects.create(
        run=adopted,
        employee=org.kepala,
        offering=x,
        closes=_closes(3),
        record=_record(org.kepala, "X3", DONE, "submitted"),
    )
    PlanItem.objects.create(
        run=adopted,
        employee=org.kasubag,
        offering=y,
        closes=_closes(3),
        record=_record(org.kasubag, "Y0", dt.date(2024, 3, 1)),
    )
    PlanItem.objects.create(
        run=draft, employee=org.staf2, offering=y, closes=_closes(3), record=_record(org.staf2, "Y1", DONE)
    )
    return x, y


def test_figures(org: Org) -> None:
    x, y = _setup(org)
    rows, totals = eff.effectiveness(org.agency_a, 2025)
    assert [r.offering.pk for r in rows] == [x.pk, y.pk]
    rx, ry = rows
    assert (rx.participants, rx.cost, rx.jp, rx.cost_per_jp) == (3, 3_000_000, Decimal("72.00"), Decimal("41666.67"))
    assert (rx.levels_closed, rx.cost_per_level) == (4.0, Decimal("750000.00"))
    assert (ry.participants, ry.cost, ry.jp, ry.cost_per_jp) == (1, 500_000, Decimal("8.00"), Decimal("62500.00"))
    assert (ry.levels_closed, ry.cost_per_level) == (0.0, None)
    assert rx.level4 is None and ry.level4 is None  # fewer than min_matched (20): not computed
    assert (totals.participants, totals.cost, totals.jp) == (4, 3_500_000, Decimal("80.00"))
    assert (totals.cost_per_jp, totals.levels_closed, totals.cost_per_level) == (
        Decimal("43750.00"),
        4.0,
        Decimal("875000.00"),
    )
    rows24, _totals24 = eff.effectiveness(org.agency_a, 2024)
    assert [(r.offering.pk, r.participants, r.levels_closed) for r in rows24] == [(y.pk, 2, 3.0)]  # kepala; kasubag
    assert eff.years_of(org.agency_a) == [2025, 2024]


def test_level4_only_where_measurable(org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    x, _y = _setup(org)
    called: list[int] = []

    def fake(offering: Offering, settings: Any = None) -> Any:
        called.append(offering.pk)
        return "L4"

    monkeypatch.setattr(eff, "impact_of", fake)
    rows, _t = eff.effectiveness(org.agency_a, 2025, impact.ImpactSettings(min_matched=3))
    assert called == [] and rows[0].level4 is None  # X: 2 evaluation participants (IDP-only pegawai not counted)
    y = Offering.objects.get(title="Pelatihan Y")
    EvaluationParticipant.objects.create(offering=x, employee=org.kepala, completed_on=DONE)
    rows, _t = eff.effectiveness(org.agency_a, 2025, impact.ImpactSettings(min_matched=3))
    assert called == [x.pk]  # Y: 2 (one in 2024: impact_of takes all its participants)
    assert [r.offering.pk for r in rows] == [x.pk, y.pk]
    assert rows[0].level4 == "L4" and rows[1].level4 is None


def test_page_download_and_scope(org: Org, django_assert_num_queries: Any) -> None:
    x, _y = _setup(org)
    c = org.client("admin_a")
    with django_assert_num_queries(10):
        r = c.get(URL)
    assert r.status_code == 200
    body = r.content.decode()
    assert "tahun 2025" in body and "Pelatihan X" in body and "Pelatihan B" not in body
    assert body.count("Data belum cukup") == 2
    assert f'data-offering="{x.pk}"' in body and 'id="totals"' in body
    row_x = body[body.index(f'data-offering="{x.pk}"') :].split("</tr>")[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row_x)
    assert cells == ["3", "3.000.000", "72,00", "41.666,67", "4", "750.000,00"]
    totals = re.findall(r'<td class="num">([^<]*)</td>', body[body.index('id="totals"') :].split("</tr>")[0])
    assert totals == ["4", "3.500.000", "80,00", "43.750,00", "4", "875.000,00"]

    r = c.get(f"{URL}?instansi={org.agency_a.pk}&tahun=2025&format=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(r.content.decode())))
    assert lines[0][:4] == ["offering_id", "title", "participants", "cost"]
    assert lines[1] == [
        str(x.pk),
        "Pelatihan X",
        "3",
        "3000000",
        "72.00",
        "41666.67",
        "4.0",
        "750000.00",
        "Data belum cukup",
    ]
    assert lines[-1] == ["", "Jumlah", "4", "3500000", "80.00", "43750.00", "4.0", "875000.00", ""]

    r = c.get(f"{URL}?tahun=2025&format=xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None and ws.max_row == 4

    for name in ("kabid", "penyelenggara_a", "nasional", "staf1"):
        assert org.client(name).get(URL).status_code == 403
    assert c.get(f"{URL}?instansi={org.agency_b.pk}").status_code == 403
    assert c.get(f"{URL}?tahun=abc").status_code == 404
    assert "Pelatihan X" not in org.client("admin_b").get(URL).content.decode()
