"""Pages of the development plan: runs (admin instansi), one run's result with downloads, adoption, the IDP of
the pegawai and the atasan's approvals; each scoped to who may see it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from bangkom.learning.models import LearningRecord
from bangkom.planning.models import AkpkStatus, Need, NeedStatus, Offering, OfferingCompetency, PlanItemStatus, PlanRun
from tests.planning.conftest import Plan


def _setup(plan: Plan) -> None:
    o = plan.org
    for emp, comp, cur, target in ((o.staf1, plan.m1, 1, 3), (o.kasubag, plan.m4, 3, 4), (o.kepala, plan.t1, 1, 2)):
        Need.objects.create(
            akpk=plan.akpk,
            employee=emp,
            competency=comp,
            source="gap_current",
            current_level=cur,
            target_level=target,
            status=NeedStatus.APPROVED,
        )
    off = Offering.objects.create(
        title="Pelatihan Kepemimpinan <Pengawas>",
        provider="BPSDM",
        form_id=1,
        jp=Decimal("24"),
        cost_per_participant=5_000_000,
        seats=10,
        modality="offline",
    )
    OfferingCompetency.objects.create(offering=off, competency=plan.m1, level_increase=2)
    coach = Offering.objects.create(
        title="Coaching pimpinan", provider="Instansi", form_id=14, jp=Decimal("4"), modality="offline"
    )
    OfferingCompetency.objects.create(offering=coach, competency=plan.m4, level_increase=1)


def _run(plan: Plan, budget: str = "6.000.000") -> PlanRun:
    c = plan.org.client("admin_a")
    r = c.post(
        f"/akpk/{plan.akpk.pk}/rencana/",
        {"budget": budget, "jp_cap": "40", "mix_penalty": "0.1", "time_limit": "5", "with_curve": "1"},
    )
    run = PlanRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/rencana/{run.pk}/"
    return run


def test_admin_runs_a_plan_and_reads_its_result(plan: Plan) -> None:
    _setup(plan)
    c = plan.org.client("admin_a")
    page = c.get(f"/akpk/{plan.akpk.pk}/rencana/")
    assert page.status_code == 200 and "Hitung rencana" in page.content.decode()

    bad = c.post(f"/akpk/{plan.akpk.pk}/rencana/", {"budget": "lima juta", "jp_cap": "0", "time_limit": "5"})
    assert bad.status_code == 422 and not PlanRun.objects.exists()
    body = bad.content.decode()
    assert "Anggaran harus berupa bilangan rupiah" in body and "lima juta" in body  # the input is kept

    run = _run(plan)
    body = c.get(f"/rencana/{run.pk}/").content.decode()
    assert "Rp 5.000.000" in body  # the cost, grouped the Indonesian way
    assert 'class="chart line"' in body and 'class="chart bars"' in body  # budget curve and mix
    assert "Pelatihan Kepemimpinan &lt;Pengawas&gt;" in body
    assert "M.1" in body and "naik 2 level" in body  # the reason names the need it closes
    assert "Tidak ada penawaran di katalog" in body  # kepala's T.1 has none
    assert "Tetapkan sebagai rencana AKPK" not in body  # the AKPK is not approved yet

    gaps = c.get(f"/rencana/{run.pk}/?tab=kebutuhan&format=csv")
    rows = list(csv.reader(io.StringIO(gaps.content.decode())))
    assert rows[0][:5] == ["nip", "name", "unit", "competency", "reason_code"]
    assert [(r[1], r[3], r[4]) for r in rows[1:]] == [("Kepala A", "A.T.1", "no_offering")]
    xlsx = c.get(f"/rencana/{run.pk}/?tab=butir&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "nip" and {v[1] for v in values[1:]} == {"Staf Satu", "Kasubag A"}

    forecast = c.get(f"/rencana/{run.pk}/?tab=pegawai&q=Staf").content.decode()
    assert "Staf Satu" in forecast and "Kasubag A" not in forecast
    assert '<td class="num">24</td><td class="num">24</td><td class="num">20</td>' in forecast  # plan, after, min
    minimum = c.get(f"/rencana/{run.pk}/?tab=minimal").content.decode()
    assert "Kabid A" in minimum and "Staf Satu" not in minimum  # staf1 reaches 24 JP


def test_runs_are_the_admin_instansis_only(plan: Plan) -> None:
    _setup(plan)
    run = _run(plan)
    for user in ("admin_b", "staf1", "kabid", "nasional"):
        c = plan.org.client(user)
        assert c.get(f"/rencana/{run.pk}/").status_code == 404
        assert c.get(f"/akpk/{plan.akpk.pk}/rencana/").status_code == 404
        assert c.post(f"/rencana/{run.pk}/tetapkan/").status_code == 404
        assert c.get(f"/rencana/{run.pk}/?tab=butir&format=csv").status_code == 404
    assert PlanRun.objects.get().adopted_at is None


def test_adopt_then_idp_for_the_pegawai_and_approval_by_the_atasan(plan: Plan) -> None:
    _setup(plan)
    run = _run(plan)
    o = plan.org
    plan.akpk.status, plan.akpk.approved_at = AkpkStatus.APPROVED, dt.datetime.now(dt.UTC)
    plan.akpk.save()
    admin = o.client("admin_a")
    confirm = admin.get(f"/rencana/{run.pk}/tetapkan/")
    assert confirm.status_code == 200 and "Ya, tetapkan" in confirm.content.decode()
    assert PlanRun.objects.get().adopted_at is None  # GET only asks
    assert admin.post(f"/rencana/{run.pk}/tetapkan/").status_code == 302
    assert PlanRun.objects.get().is_adopted

    staf1 = o.client("staf1")
    idp = staf1.get("/idp/").content.decode()
    assert "Pelatihan Kepemimpinan" in idp and "Menunggu persetujuan atasan" in idp and "Coaching pimpinan" not in idp
    assert staf1.get("/idp/persetujuan/").status_code == 403  # not an atasan

    kabid = o.client("kabid")
    assert "1 butir IDP tim menunggu persetujuan Anda" in kabid.get("/").content.decode()
    assert "1 butir rencana pengembangan belum dilaksanakan" in staf1.get("/").content.decode()
    todo = kabid.get("/idp/persetujuan/").content.decode()
    assert "Staf Satu" in todo and "Kasubag A" not in todo  # kasubag is not in kabid's chain
    item = run.items.get(employee=o.staf1)
    other = run.items.get(employee=o.kasubag)
    assert kabid.post(f"/idp/{other.pk}/keputusan/", {"decision": "approve"}).status_code == 404
    r = kabid.post(f"/idp/{item.pk}/keputusan/", {"decision": "reject", "reason": ""}, follow=True)
    assert "Tuliskan alasan penolakan" in r.content.decode()
    kabid.post(f"/idp/{item.pk}/keputusan/", {"decision": "approve"})
    item.refresh_from_db()
    assert item.status == PlanItemStatus.APPROVED

    day = dt.date(plan.akpk.year, 4, 1)
    rec = LearningRecord.objects.create(
        employee=o.staf1,
        form_id=1,
        title="PKP angkatan 1",
        provider="BPSDM",
        start_date=day,
        end_date=day,
        jp=Decimal("24"),
        status="verified",
    )
    idp = staf1.get("/idp/").content.decode()
    assert "PKP angkatan 1" in idp and "Hubungkan" in idp
    assert o.client("staf2").post(f"/idp/{item.pk}/catatan/", {"record": rec.pk}).status_code == 404
    staf1.post(f"/idp/{item.pk}/catatan/", {"record": rec.pk})
    item.refresh_from_db()
    assert item.record == rec
    assert "1 dari 1 butir selesai" in staf1.get("/idp/").content.decode()


def test_zero_budget_page_explains(plan: Plan) -> None:
    _setup(plan)
    run = _run(plan, budget="0")
    body: Any = plan.org.client("admin_a").get(f"/rencana/{run.pk}/").content.decode()
    assert "Anggaran nol" in body and "Anggaran tidak cukup" in body


def test_run_page_in_english(plan: Plan) -> None:
    _setup(plan)
    run = _run(plan)
    client = plan.org.client("admin_a")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/rencana/{run.pk}/").content.decode()
    assert "What each extra rupiah buys" in body and "Solution quality" in body
    assert "No offering in the catalogue develops this competency" in body
    assert "Apa yang dibeli" not in body
