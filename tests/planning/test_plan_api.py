"""JSON API of the plan and the IDP: scope (404 outside, 403 readable but not allowed), 422 writes nothing,
the run stored with its parameters and result, IDP decisions and record links."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.test import Client

from bangkom.learning.models import LearningRecord
from bangkom.planning.models import AkpkStatus, Need, NeedStatus, Offering, OfferingCompetency, PlanItemStatus, PlanRun
from tests.planning.conftest import Plan

API = "/api/v1"


def post(client: Client, url: str, payload: Any = None) -> Any:
    return client.post(url, data=json.dumps(payload) if payload is not None else "", content_type="application/json")


def _world(plan: Plan) -> None:
    o = plan.org
    for emp, comp in ((o.staf1, plan.m1), (o.kasubag, plan.m4)):
        Need.objects.create(
            akpk=plan.akpk,
            employee=emp,
            competency=comp,
            source="gap_current",
            current_level=1,
            target_level=2,
            status=NeedStatus.APPROVED,
        )
    off = Offering.objects.create(
        title="Coaching", provider="P", form_id=14, jp=Decimal("4.5"), modality="offline", cost_per_participant=0
    )
    for comp in (plan.m1, plan.m4):
        OfferingCompetency.objects.create(offering=off, competency=comp, level_increase=1)


def _start(plan: Plan, **kw: Any) -> Any:
    payload = {"budget": "1.000.000", "time_limit": 5, "with_curve": False, **kw}
    return post(plan.org.client("admin_a"), f"{API}/akpk/{plan.akpk.pk}/plans", payload)


def test_start_run_and_read_its_result(plan: Plan) -> None:
    _world(plan)
    r = _start(plan)
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "finished" and body["budget"] == 1_000_000 and body["time_limit"] == 5
    assert body["summary"]["needs"] == 2 and body["summary"]["needs_closed"] == 2
    assert len(body["curve"]) == 1 and body["gap"] is not None and body["gap"] <= 0.005
    admin = plan.org.client("admin_a")
    items = admin.get(f"{API}/plans/{body['id']}/items").json()
    assert items["count"] == 2
    first = items["items"][0]
    assert first["jp"] == "4.5" and first["status"] == "draft" and first["closes"][0]["closed"] == 1
    gaps = admin.get(f"{API}/plans/{body['id']}/gaps?kind=minimum").json()["items"]
    assert {g["employee_name"] for g in gaps} == {"Kepala A", "Kabid A", "Staf Satu", "Kasubag A"}
    staf1 = next(g for g in gaps if g["employee_name"] == "Staf Satu")
    assert staf1["shortfall"] == "15.5" and staf1["reason"] == "no_offering" and staf1["reason_text"]
    assert admin.get(f"{API}/akpk/{plan.akpk.pk}/plans").json()["count"] == 1


def test_bad_input_and_scope(plan: Plan) -> None:
    _world(plan)
    r = _start(plan, budget="banyak", jp_cap=0)
    assert r.status_code == 422 and {d["field"] for d in r.json()["detail"]} == {"budget", "jp_cap"}
    r = _start(plan, time_limit="lama")
    assert r.status_code == 422
    assert not PlanRun.objects.exists()
    run_id = _start(plan).json()["id"]
    for user in ("admin_b", "staf1", "kabid"):
        c = plan.org.client(user)
        assert c.get(f"{API}/plans/{run_id}").status_code == 404
        assert c.get(f"{API}/plans/{run_id}/items").status_code == 404
        assert post(c, f"{API}/akpk/{plan.akpk.pk}/plans", {"budget": 1}).status_code == 404
        assert post(c, f"{API}/plans/{run_id}/adopt").status_code == 404
    assert Client().get(f"{API}/plans/{run_id}").status_code == 401
    assert PlanRun.objects.count() == 1


def test_adopt_decide_and_link_through_the_api(plan: Plan) -> None:
    _world(plan)
    o = plan.org
    run_id = _start(plan).json()["id"]
    admin = o.client("admin_a")
    r = post(admin, f"{API}/plans/{run_id}/adopt")
    assert r.status_code == 422 and "AKPK harus disetujui" in r.json()["detail"][0]["message"]
    plan.akpk.status, plan.akpk.approved_at = AkpkStatus.APPROVED, dt.datetime.now(dt.UTC)
    plan.akpk.save()
    assert post(admin, f"{API}/plans/{run_id}/adopt").json()["status"] == "adopted"

    staf1 = o.client("staf1")
    mine = staf1.get(f"{API}/idp").json()["items"]
    assert [(i["employee_name"], i["status"]) for i in mine] == [("Staf Satu", "proposed")]
    item_id = mine[0]["id"]
    assert o.client("pegawai_b").get(f"{API}/idp").json()["count"] == 0
    # Readable but not the atasan: 403; outside the scope: 404.
    assert post(staf1, f"{API}/idp/{item_id}/decision", {"approve": True}).status_code == 403
    assert post(admin, f"{API}/idp/{item_id}/decision", {"approve": True}).status_code == 403
    assert post(o.client("kasubag"), f"{API}/idp/{item_id}/decision", {"approve": True}).status_code == 404
    kabid = o.client("kabid")
    assert [i["id"] for i in kabid.get(f"{API}/idp/team").json()["items"]] == [item_id]
    r = post(kabid, f"{API}/idp/{item_id}/decision", {"approve": False})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    r = post(kabid, f"{API}/idp/{item_id}/decision", {"approve": True})
    assert r.status_code == 200 and r.json()["status"] == PlanItemStatus.APPROVED

    day = dt.date(plan.akpk.year, 3, 3)
    rec = LearningRecord.objects.create(
        employee=o.staf1,
        form_id=14,
        title="Coaching 1",
        provider="P",
        start_date=day,
        end_date=day,
        jp=Decimal("4.5"),
        status="verified",
    )
    other = LearningRecord.objects.create(
        employee=o.pegawai_b,
        form_id=14,
        title="Coaching B",
        provider="P",
        start_date=day,
        end_date=day,
        jp=Decimal("4.5"),
        status="verified",
    )
    r = post(staf1, f"{API}/idp/{item_id}/record", {"record_id": other.pk})
    assert r.status_code == 422  # another instansi's record is not even visible
    r = post(staf1, f"{API}/idp/{item_id}/record", {"record_id": rec.pk})
    assert r.status_code == 200 and r.json()["record_id"] == rec.pk and r.json()["done"] is True
