"""JSON API for the AKPK and the catalogue: scope (404 outside it, 403 for a readable object one may not act
on), refusals that write nothing (422 in the house shape), happy paths, pagination and query counts.

Needs after a gather of the `plan` fixture (tests/planning/conftest.py), all gap_current:
kepala A.T.1 1->3 (unit A-U0); kabid M.1 2->3, staf1 M.1/M.4/A.T.1 1->2 (unit A-U1).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bangkom.accounts.services import token_create
from bangkom.audit.models import AuditEvent
from bangkom.jobs.models import Job
from bangkom.planning.models import Akpk, AkpkStatus, Need, NeedStatus, Offering, OfferingCompetency
from bangkom.planning.services import OfferingData, needs_gather, offering_save
from tests.planning.conftest import Plan

API = "/api/v1"


def post(client: Client, url: str, payload: Any = None) -> Any:
    return client.post(url, data=json.dumps(payload) if payload is not None else "", content_type="application/json")


def put(client: Client, url: str, payload: Any) -> Any:
    return client.put(url, data=json.dumps(payload), content_type="application/json")


def fields(response: Any) -> set[str | None]:
    assert response.status_code == 422, response.content
    return {d["field"] for d in response.json()["detail"]}


@pytest.fixture
def gathered(plan: Plan) -> Plan:
    needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    return plan


def needs_url(plan: Plan) -> str:
    return f"{API}/akpk/{plan.akpk.pk}/needs"


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["employee_name"] for item in response.json()["items"]}


# --- AKPK list and detail ------------------------------------------------------------------------------------


def test_akpk_list_is_scoped_and_paginated(plan: Plan) -> None:
    org = plan.org
    for year in (2021, 2022, 2023, 2024):
        Akpk.objects.create(agency=org.agency_a, year=year)
    b = Akpk.objects.create(agency=org.agency_b, year=2026)

    response = org.client("admin_a").get(f"{API}/akpk", {"page_size": 2})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 5 and [a["year"] for a in data["items"]] == [2026, 2024]
    assert data["items"][0] == {
        "id": plan.akpk.pk,
        "agency_code": "A",
        "agency_name": "Kabupaten A",
        "year": 2026,
        "status": "draft",
        "gathered_at": None,
        "approved_at": None,
    }
    page3 = org.client("admin_a").get(f"{API}/akpk", {"page_size": 2, "page": 3}).json()
    assert [a["year"] for a in page3["items"]] == [2021]
    assert org.client("admin_a").get(f"{API}/akpk", {"year": 2022}).json()["count"] == 1
    assert [a["id"] for a in org.client("admin_b").get(f"{API}/akpk").json()["items"]] == [b.pk]
    assert [a["id"] for a in org.client("pegawai_b").get(f"{API}/akpk").json()["items"]] == [b.pk]


def test_anonymous_is_refused(plan: Plan) -> None:
    assert Client().get(f"{API}/akpk").status_code == 401
    assert Client().get(f"{API}/offerings").status_code == 401
    assert post(Client(), needs_url(plan), {"competency": "M.1", "target_level": 3}).status_code == 401


def test_akpk_detail_aggregates_within_scope(gathered: Plan, django_assert_max_num_queries: Any) -> None:
    org, url = gathered.org, f"{API}/akpk/{gathered.akpk.pk}"
    client = org.client("admin_a")
    client.get(f"{API}/akpk")  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["counts_by_status"] == {"proposed": 5}
    assert data["counts_by_source"] == {"gap_current": 5}
    assert {r["competency_code"]: (r["employees"], r["needs"], r["mean_gap"]) for r in data["per_competency"]} == {
        "A.T.1": (2, 2, 1.5),
        "M.1": (2, 2, 1.0),
        "M.4": (1, 1, 1.0),
    }
    assert all(r["unit_code"] is None for r in data["per_competency"])
    assert {(r["unit_code"], r["competency_code"]): r["employees"] for r in data["per_unit"]} == {
        ("A-U0", "A.T.1"): 1,
        ("A-U1", "A.T.1"): 1,
        ("A-U1", "M.1"): 2,
        ("A-U1", "M.4"): 1,
    }

    # A pegawai sees the AKPK of their instansi, aggregated over their own needs only.
    own = org.client("staf1").get(url).json()
    assert own["counts_by_status"] == {"proposed": 3}
    assert {r["competency_code"]: r["employees"] for r in own["per_competency"]} == {"A.T.1": 1, "M.1": 1, "M.4": 1}
    assert org.client("kasubag").get(url).json()["per_unit"] == []

    # Another instansi: 404, the same as an id that does not exist.
    for user in ("admin_b", "pegawai_b"):
        response = org.client(user).get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "AKPK tidak ditemukan atau di luar lingkup Anda."}
    assert client.get(f"{API}/akpk/999999").status_code == 404


def test_akpk_detail_rejected_needs_only_on_request(gathered: Plan) -> None:
    org = gathered.org
    Need.objects.filter(employee=org.staf1, competency=gathered.m4).update(status=NeedStatus.REJECTED)
    url = f"{API}/akpk/{gathered.akpk.pk}"
    default = org.client("admin_a").get(url).json()
    assert "M.4" not in {r["competency_code"] for r in default["per_competency"]}
    assert default["counts_by_status"] == {"proposed": 4, "rejected": 1}
    asked = org.client("admin_a").get(url, {"include_rejected": "true"}).json()
    assert "M.4" in {r["competency_code"] for r in asked["per_competency"]}


def test_admin_creates_and_approves_an_akpk(gathered: Plan) -> None:
    org = gathered.org
    created = post(org.client("admin_a"), f"{API}/akpk", {"year": 2027})
    assert created.status_code == 201, created.content
    assert (created.json()["year"], created.json()["status"], created.json()["agency_code"]) == (2027, "draft", "A")
    assert fields(post(org.client("admin_a"), f"{API}/akpk", {"year": 2027})) == {"year"}  # one per year
    assert fields(post(org.client("admin_a"), f"{API}/akpk", {"year": 1800})) == {"year"}
    assert post(org.client("staf1"), f"{API}/akpk", {"year": 2028}).status_code == 403
    assert post(org.client("staf1"), f"{API}/akpk", {"year": 2028, "agency_code": "A"}).status_code == 403
    assert post(org.client("admin_b"), f"{API}/akpk", {"year": 2028, "agency_code": "A"}).status_code == 404
    assert Akpk.objects.filter(agency=org.agency_a).count() == 2

    url = f"{API}/akpk/{gathered.akpk.pk}/approve"
    assert post(org.client("kabid"), url).status_code == 403
    assert post(org.client("admin_b"), url).status_code == 404
    pending = post(org.client("admin_a"), url)
    assert fields(pending) == {None}  # five needs are still undecided
    assert Akpk.objects.get(pk=gathered.akpk.pk).status == AkpkStatus.DRAFT
    approved = post(org.client("admin_a"), url, {"approve_pending": True})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["approved_at"]
    assert set(Need.objects.values_list("status", flat=True)) == {NeedStatus.APPROVED}
    # Frozen: no more proposals or decisions.
    assert fields(post(org.client("staf1"), needs_url(gathered), {"competency": "M.4", "target_level": 3})) == {None}


# --- gathering -----------------------------------------------------------------------------------------------


def test_admin_starts_gathering_as_a_job(plan: Plan) -> None:
    response = post(plan.org.client("admin_a"), f"{API}/akpk/{plan.akpk.pk}/gather")
    assert response.status_code == 202, response.content
    data = response.json()
    job = Job.objects.get(pk=data["job_id"])
    assert job.kind == "akpk_gather" and data["url"] == f"/api/v1/jobs/{job.pk}"
    assert data["status"] == job.status == "succeeded"  # the test runner runs jobs synchronously
    assert Need.objects.filter(akpk=plan.akpk).count() == 5
    polled = plan.org.client("admin_a").get(data["url"]).json()
    assert polled["status"] == "succeeded" and polled["result"]["created"] == 5


def test_gathering_refusals(plan: Plan) -> None:
    org, url = plan.org, f"{API}/akpk/{plan.akpk.pk}/gather"
    response = post(org.client("staf1"), url)  # may read the AKPK, may not gather
    assert response.status_code == 403
    assert response.json() == {"detail": "Anda tidak berwenang melakukan tindakan ini."}
    assert post(org.client("admin_b"), url).status_code == 404
    assert post(org.client("admin_a"), url, {"next_positions": {"x": 1}}).status_code == 422
    Akpk.objects.filter(pk=plan.akpk.pk).update(status=AkpkStatus.APPROVED, approved_at=dt.datetime.now(tz=dt.UTC))
    assert fields(post(org.client("admin_a"), url)) == {None}
    assert not Job.objects.exists() and not Need.objects.exists()


# --- needs: list, detail -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("admin_a", {"Kepala A", "Kabid A", "Staf Satu"}),
        ("kepala", {"Kepala A", "Kabid A", "Staf Satu"}),
        ("kabid", {"Kabid A", "Staf Satu"}),
        ("staf1", {"Staf Satu"}),
        ("staf2", set()),
        ("kasubag", set()),
        ("penyelenggara_a", set()),
    ],
)
def test_needs_list_is_scoped(gathered: Plan, user: str, expected: set[str]) -> None:
    assert names(gathered.org.client(user).get(needs_url(gathered))) == expected


@pytest.mark.parametrize("user", ["admin_b", "pegawai_b"])
def test_needs_of_another_instansi_are_404(gathered: Plan, user: str) -> None:
    client = gathered.org.client(user)
    assert client.get(needs_url(gathered)).status_code == 404
    need = Need.objects.filter(employee=gathered.org.staf1).first()
    assert need is not None
    assert client.get(f"{API}/akpk/needs/{need.pk}").status_code == 404


def test_need_detail_only_within_scope(gathered: Plan) -> None:
    org = gathered.org
    need = Need.objects.get(employee=org.staf1, competency=gathered.m1)
    url = f"{API}/akpk/needs/{need.pk}"
    response = org.client("staf1").get(url)
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "id": need.pk,
        "akpk_id": gathered.akpk.pk,
        "nip": org.staf1.nip,
        "employee_name": "Staf Satu",
        "unit_code": "A-U1",
        "competency_code": "M.1",
        "competency_name": gathered.m1.name,
        "current_level": 1,
        "target_level": 2,
        "gap": 1,
        "priority": 1,
        "source": "gap_current",
        "status": "proposed",
        "note": "",
        "review_reason": "",
        "atasan_reviewed_at": None,
        "reviewed_at": None,
        "updated_at": data["updated_at"],
    }
    assert org.client("kabid").get(url).status_code == 200
    for user in ("staf2", "kasubag", "admin_b"):  # a colleague, an atasan of another chain, another instansi
        assert org.client(user).get(url).status_code == 404
    assert org.client("admin_a").get(f"{API}/akpk/needs/999999").status_code == 404


def test_needs_filters_and_pagination(gathered: Plan) -> None:
    org = gathered.org
    client = org.client("admin_a")
    Need.objects.filter(employee=org.kabid).update(status=NeedStatus.APPROVED_BY_ATASAN)
    url = needs_url(gathered)
    assert names(client.get(url, {"status": "approved_by_atasan"})) == {"Kabid A"}
    assert client.get(url, {"source": "pegawai"}).json() == {"items": [], "count": 0}
    by_comp = client.get(url, {"competency": "A.T.1"}).json()
    assert {i["employee_name"] for i in by_comp["items"]} == {"Kepala A", "Staf Satu"}
    assert names(client.get(url, {"nip": org.staf1.nip})) == {"Staf Satu"}

    pages = [client.get(url, {"page_size": 2, "page": p}).json() for p in (1, 2, 3)]
    assert [p["count"] for p in pages] == [5, 5, 5]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    ids = [i["id"] for p in pages for i in p["items"]]
    assert len(set(ids)) == 5
    # Ordered by pegawai name, then competency code.
    assert [i["employee_name"] for p in pages for i in p["items"]] == [
        "Kabid A",
        "Kepala A",
        "Staf Satu",
        "Staf Satu",
        "Staf Satu",
    ]

    bad = client.get(url, {"status": "selesai", "source": "entah"})
    assert fields(bad) == {"status", "source"}
    assert all(d["message"] == "Nilai tidak valid." for d in bad.json()["detail"])
    assert fields(client.get(url, {"page": 0})) == {"page"}


def test_needs_list_query_count_does_not_grow(gathered: Plan, django_assert_max_num_queries: Any) -> None:
    client = gathered.org.client("admin_a")
    url = needs_url(gathered)
    client.get(url)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.json()["count"] == 5


# --- needs: propose --------------------------------------------------------------------------------------------


def test_pegawai_proposes_for_themself(plan: Plan) -> None:
    response = post(
        plan.org.client("staf1"),
        needs_url(plan),
        {"competency": "M.4", "target_level": 3, "priority": 4, "note": "Untuk tugas baru"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    need = Need.objects.get()
    assert data["id"] == need.pk and data["nip"] == plan.org.staf1.nip
    assert (data["source"], data["status"], data["priority"], data["current_level"], data["target_level"]) == (
        "pegawai",
        "proposed",
        4,
        1,
        3,
    )
    assert need.proposed_by == plan.org.users["staf1"] and need.note == "Untuk tugas baru"
    assert AuditEvent.objects.filter(entity="planning.need", action="propose").count() == 1

    # Proposing again while undecided updates the same proposal.
    again = post(plan.org.client("staf1"), needs_url(plan), {"competency": "M.4", "target_level": 2})
    assert again.status_code == 201 and again.json()["id"] == need.pk
    assert again.json()["priority"] == 4 and Need.objects.count() == 1


def test_atasan_proposes_for_a_subordinate(plan: Plan) -> None:
    org = plan.org
    response = post(
        org.client("kepala"), needs_url(plan), {"nip": org.staf1.nip, "competency": plan.t1.pk, "target_level": 3}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["source"], data["status"], data["priority"], data["competency_code"]) == (
        "atasan",
        "approved_by_atasan",
        3,
        "A.T.1",
    )


@pytest.mark.parametrize(
    ("user", "target", "status"),
    [
        ("staf1", "staf2", 404),  # a colleague is outside a pegawai's scope
        ("kasubag", "staf1", 404),  # an atasan of another chain
        ("admin_b", "staf1", 404),  # another instansi (the AKPK itself is out of scope)
        ("pegawai_b", "pegawai_b", 404),  # AKPK of another instansi
        ("admin_a", "staf1", 403),  # may read the pegawai, may not propose in their name
        ("penyelenggara_a", "staf1", 404),
    ],
)
def test_propose_out_of_scope_writes_nothing(plan: Plan, user: str, target: str, status: int) -> None:
    nip = getattr(plan.org, target).nip
    response = post(plan.org.client(user), needs_url(plan), {"nip": nip, "competency": "M.4", "target_level": 3})
    assert response.status_code == status, response.content
    assert not Need.objects.exists() and not AuditEvent.objects.exists()


def test_admin_without_nip_has_no_own_pegawai(plan: Plan) -> None:
    response = post(plan.org.client("admin_a"), needs_url(plan), {"competency": "M.4", "target_level": 3})
    assert response.status_code == 404
    assert response.json() == {"detail": "Pegawai tidak ditemukan atau di luar lingkup Anda."}


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"competency": "X.99", "target_level": 3}, {"competency"}),
        ({"competency": "B.T.1", "target_level": 3}, {"competency"}),  # another instansi's competency
        ({"competency": "M.4", "target_level": 9}, {"target_level"}),
        ({"competency": "M.4", "target_level": 1}, {"target_level"}),  # not above the current level 1
        ({"competency": "M.4", "target_level": 3, "priority": 7}, {"priority"}),
        ({"competency": "X.99", "target_level": 0, "priority": 0}, {"competency", "target_level", "priority"}),
        ({"competency": "M.4"}, {"target_level"}),  # malformed: missing
        ({"competency": "M.4", "target_level": "tiga"}, {"target_level"}),  # malformed: not a number
        ({"competency": "M.4", "target_level": 3, "note": "x" * 2001}, {"note"}),
        ({"competency": "M" * 60, "target_level": 3}, {"competency"}),  # no such code
        ({"competency": None, "target_level": 3}, {"competency"}),
    ],
)
def test_invalid_proposals_write_nothing(plan: Plan, payload: dict[str, Any], expected: set[str]) -> None:
    response = post(plan.org.client("staf1"), needs_url(plan), payload)
    assert fields(response) == expected
    for item in response.json()["detail"]:
        assert item["message"] and item["message"].isascii()
    assert not Need.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        # Each was a 500: a digit int() refuses, an id beyond 64 bits, text a database cannot hold.
        ({"competency": "²", "target_level": 3}, "competency"),
        ({"competency": "9" * 5000, "target_level": 3}, "competency"),
        ({"competency": 2**70, "target_level": 3}, "competency"),
        ({"competency": "M\u0000", "target_level": 3}, "competency"),
        ({"competency": "M.4", "target_level": 3, "note": "\ud800"}, "note"),
    ],
)
def test_proposals_with_odd_input_are_422_and_write_nothing(plan: Plan, payload: dict[str, Any], field: str) -> None:
    response = post(plan.org.client("staf1"), needs_url(plan), payload)
    assert response.status_code == 422 and fields(response) == {field}
    assert not Need.objects.exists() and not AuditEvent.objects.exists()


def test_a_page_beyond_any_list_is_422(plan: Plan) -> None:
    response = plan.org.client("admin_a").get("/api/v1/akpk?page=9223372036854775808")  # was bigint out of range
    assert response.status_code == 422 and fields(response) == {"page"}


def test_refusal_messages_are_indonesian(plan: Plan) -> None:
    response = post(plan.org.client("staf1"), needs_url(plan), {"competency": "M.4", "target_level": 9})
    assert response.json() == {"detail": [{"field": "target_level", "message": "Level sasaran harus antara 1 dan 5."}]}
    missing = post(plan.org.client("staf1"), needs_url(plan), {"competency": "M.4"})
    assert missing.json() == {"detail": [{"field": "target_level", "message": "Wajib diisi."}]}


def test_proposal_on_an_approved_akpk_is_refused(plan: Plan) -> None:
    Akpk.objects.filter(pk=plan.akpk.pk).update(status=AkpkStatus.APPROVED, approved_at=dt.datetime.now(tz=dt.UTC))
    response = post(plan.org.client("staf1"), needs_url(plan), {"competency": "M.4", "target_level": 3})
    assert fields(response) == {None}
    assert not Need.objects.exists()


# --- needs: review -------------------------------------------------------------------------------------------


def review_url(need: Need) -> str:
    return f"{API}/akpk/needs/{need.pk}/review"


def test_review_atasan_then_admin(gathered: Plan) -> None:
    org = gathered.org
    need = Need.objects.get(employee=org.staf1, competency=gathered.m1)
    early = post(org.client("admin_a"), review_url(need), {"decision": "approve"})
    assert fields(early) == {None}  # the atasan decides first
    first = post(org.client("kabid"), review_url(need), {"decision": "approve"})
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "approved_by_atasan" and first.json()["atasan_reviewed_at"]
    second = post(org.client("admin_a"), review_url(need), {"decision": "approve", "reason": "Sesuai prioritas"})
    assert second.status_code == 200
    assert second.json()["status"] == "approved" and second.json()["review_reason"] == "Sesuai prioritas"
    assert Akpk.objects.get(pk=gathered.akpk.pk).status == AkpkStatus.IN_REVIEW
    assert fields(post(org.client("admin_a"), review_url(need), {"decision": "reject", "reason": "x"})) == {None}


def test_rejection_needs_a_reason(gathered: Plan) -> None:
    org = gathered.org
    need = Need.objects.get(employee=org.staf1, competency=gathered.m4)
    response = post(org.client("kabid"), review_url(need), {"decision": "reject"})
    assert response.json() == {
        "detail": [{"field": "reason", "message": "Alasan penolakan wajib diisi: pegawai perlu tahu alasannya."}]
    }
    need.refresh_from_db()
    assert need.status == NeedStatus.PROPOSED and not AuditEvent.objects.filter(entity="planning.need").exists()
    ok = post(org.client("kabid"), review_url(need), {"decision": "reject", "reason": "Sudah ikut tahun lalu"})
    assert ok.status_code == 200 and ok.json()["status"] == "rejected"


@pytest.mark.parametrize(
    ("user", "status"),
    [("staf1", 422), ("staf2", 404), ("kasubag", 404), ("admin_b", 404), ("penyelenggara_a", 404)],
)
def test_review_refusals_change_nothing(gathered: Plan, user: str, status: int) -> None:
    need = Need.objects.get(employee=gathered.org.staf1, competency=gathered.m1)
    response = post(gathered.org.client(user), review_url(need), {"decision": "approve"})
    assert response.status_code == status, response.content
    need.refresh_from_db()
    assert need.status == NeedStatus.PROPOSED


def test_review_decision_must_be_known(gathered: Plan) -> None:
    need = Need.objects.get(employee=gathered.org.staf1, competency=gathered.m1)
    assert fields(post(gathered.org.client("kabid"), review_url(need), {"decision": "mungkin"})) == {"decision"}
    assert fields(post(gathered.org.client("kabid"), review_url(need), {})) == {"decision"}


def test_bearer_token_with_csrf_enforced(gathered: Plan) -> None:
    _token, key = token_create(actor=None, user=gathered.org.users["kabid"], name="LMS")
    client = Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {key}"})
    need = Need.objects.get(employee=gathered.org.staf1, competency=gathered.m1)
    response = post(client, review_url(need), {"decision": "approve"})
    assert response.status_code == 200 and response.json()["status"] == "approved_by_atasan"


# --- catalogue -----------------------------------------------------------------------------------------------


def offering_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "form": 3,
        "title": "Pelatihan Pengelolaan Anggaran",
        "provider": "BPSDM Provinsi",
        "jp": "24",
        "cost_per_participant": 1500000,
        "modality": "offline",
        "seats": 30,
        "start_date": "2026-03-02",
        "end_date": "2026-03-05",
        "location": "Kota A",
        "eligible_position_kinds": ["pelaksana", "pengawas"],
        "min_level": 1,
        "competencies": [{"competency": "A.T.1", "level_increase": 2}, {"competency": "M.4"}],
    }
    body.update(over)
    return {k: v for k, v in body.items() if v is not ...}


def make_offering(plan: Plan, actor: str = "admin_a", **over: Any) -> Offering:
    kw: dict[str, Any] = {
        "form": 16,
        "title": "E-learning Integritas",
        "provider": "LAN",
        "jp": "3",
        "cost_per_participant": 0,
        "modality": "online",
        "agency": plan.org.agency_a,
        "competencies": [("M.1", 1)],
    }
    kw.update(over)
    return offering_save(actor=plan.org.users[actor], data=OfferingData(**kw))


def test_admin_creates_an_offering_of_their_instansi(plan: Plan) -> None:
    response = post(plan.org.client("admin_a"), f"{API}/offerings", offering_body(jp="7.50"))
    assert response.status_code == 201, response.content
    offering = Offering.objects.get()
    assert response.json() == {
        "id": offering.pk,
        "agency_code": "A",
        "form": 3,
        "form_name": offering.form.name,
        "path": offering.form.path,
        "title": "Pelatihan Pengelolaan Anggaran",
        "provider": "BPSDM Provinsi",
        "jp": "7.5",
        "cost_per_participant": 1500000,
        "seats": 30,
        "start_date": "2026-03-02",
        "end_date": "2026-03-05",
        "modality": "offline",
        "location": "Kota A",
        "eligible_position_kinds": ["pelaksana", "pengawas"],
        "min_level": 1,
        "active": True,
        "competencies": [
            {"code": "A.T.1", "name": "Pengelolaan Anggaran", "level_increase": 2},
            {"code": "M.4", "name": plan.m4.name, "level_increase": 1},  # sorted by code
        ],
    }
    assert AuditEvent.objects.filter(entity="planning.offering", action="create").count() == 1


def test_national_offering_only_by_admin_nasional(plan: Plan) -> None:
    body = offering_body(national=True, competencies=[{"competency": "M.4", "level_increase": 1}])
    assert post(plan.org.client("admin_a"), f"{API}/offerings", body).status_code == 403
    assert not Offering.objects.exists()
    response = post(plan.org.client("nasional"), f"{API}/offerings", body)
    assert response.status_code == 201, response.content
    assert response.json()["agency_code"] is None


@pytest.mark.parametrize(
    ("user", "over", "status"),
    [
        ("staf1", {}, 403),  # a pegawai edits no catalogue
        ("kepala", {}, 403),
        ("admin_b", {"agency_code": "A"}, 404),  # another instansi cannot even name A
        ("staf1", {"agency_code": "A"}, 403),
    ],
)
def test_offering_create_refused(plan: Plan, user: str, over: dict[str, Any], status: int) -> None:
    response = post(plan.org.client(user), f"{API}/offerings", offering_body(**over))
    assert response.status_code == status, response.content
    assert not Offering.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"jp": "-1"}, {"jp"}),
        ({"jp": "banyak"}, {"jp"}),
        ({"jp": ...}, {"jp"}),
        ({"form": 26}, {"form"}),
        ({"modality": "satelit"}, {"modality"}),
        ({"end_date": "2026-03-01"}, {"end_date"}),
        ({"end_date": "05/03/2026"}, {"end_date"}),
        ({"seats": -1, "min_level": 6}, {"seats", "min_level"}),
        ({"eligible_position_kinds": ["menteri"]}, {"eligible_position_kinds"}),
        ({"competencies": [{"competency": "B.T.1", "level_increase": 1}]}, {"competencies"}),
        ({"competencies": [{"competency": "M.1", "level_increase": 5}]}, {"competencies"}),
        ({"title": " ", "provider": ""}, {"title", "provider"}),
    ],
)
def test_invalid_offerings_write_nothing(plan: Plan, over: dict[str, Any], expected: set[str]) -> None:
    response = post(plan.org.client("admin_a"), f"{API}/offerings", offering_body(**over))
    assert fields(response) == expected
    assert not Offering.objects.exists() and not OfferingCompetency.objects.exists()
    assert not AuditEvent.objects.exists()


def test_offering_update(plan: Plan) -> None:
    offering = make_offering(plan)
    url = f"{API}/offerings/{offering.pk}"
    response = put(plan.org.client("admin_a"), url, offering_body(seats=40, competencies=[{"competency": "M.1"}]))
    assert response.status_code == 200, response.content
    assert response.json()["seats"] == 40 and response.json()["agency_code"] == "A"
    assert [c["code"] for c in response.json()["competencies"]] == ["M.1"]

    before = Offering.objects.values().get(pk=offering.pk)
    assert fields(put(plan.org.client("admin_a"), url, offering_body(jp="-3"))) == {"jp"}
    assert put(plan.org.client("staf1"), url, offering_body(title="Diubah")).status_code == 403
    assert put(plan.org.client("admin_b"), url, offering_body(title="Diubah")).status_code == 404
    assert Offering.objects.values().get(pk=offering.pk) == before


def test_activate_and_deactivate(plan: Plan) -> None:
    offering = make_offering(plan)
    url = f"{API}/offerings/{offering.pk}"
    assert post(plan.org.client("staf1"), f"{url}/deactivate").status_code == 403
    assert post(plan.org.client("admin_b"), f"{url}/deactivate").status_code == 404
    offering.refresh_from_db()
    assert offering.active
    response = post(plan.org.client("admin_a"), f"{url}/deactivate")
    assert response.status_code == 200 and response.json()["active"] is False
    assert Offering.objects.get(pk=offering.pk).active is False
    response = post(plan.org.client("admin_a"), f"{url}/activate")
    assert response.status_code == 200 and response.json()["active"] is True
    assert AuditEvent.objects.filter(entity="planning.offering", action="deactivate").count() == 1
    assert AuditEvent.objects.filter(entity="planning.offering", action="activate").count() == 1


def test_offering_list_scope_and_filters(plan: Plan) -> None:
    org = plan.org
    own = make_offering(
        plan,
        title="Bimtek Anggaran",
        provider="BPSDM",
        form=8,
        modality="offline",
        jp="16",
        competencies=[(plan.t1, 1)],
    )
    national = make_offering(plan, actor="nasional", agency=None, title="E-learning Integritas Nasional")
    other = make_offering(plan, actor="admin_b", agency=org.agency_b, title="Pelatihan Kota B")
    inactive = make_offering(plan, title="Kursus Lama", provider="BPSDM", form=11, modality="blended")
    Offering.objects.filter(pk=inactive.pk).update(active=False)

    def titles(user: str, **params: Any) -> set[str]:
        response = org.client(user).get(f"{API}/offerings", params)
        assert response.status_code == 200, response.content
        return {o["title"] for o in response.json()["items"]}

    assert titles("staf1") == {own.title, national.title, inactive.title}
    assert titles("pegawai_b") == {national.title, other.title}
    assert titles("staf1", active="true") == {own.title, national.title}
    assert titles("staf1", active="false") == {inactive.title}
    assert titles("staf1", modality="online") == {national.title}
    assert titles("staf1", form=8) == {own.title}
    assert titles("staf1", competency="A.T.1") == {own.title}
    assert titles("staf1", search="anggaran") == {own.title}
    assert titles("staf1", search="lan") == {national.title}  # provider LAN
    assert fields(org.client("staf1").get(f"{API}/offerings", {"modality": "satelit"})) == {"modality"}

    assert org.client("pegawai_b").get(f"{API}/offerings/{own.pk}").status_code == 404
    assert org.client("pegawai_b").get(f"{API}/offerings/{national.pk}").status_code == 200
    assert org.client("staf1").get(f"{API}/offerings/{inactive.pk}").json()["active"] is False


def test_offering_list_pagination_and_query_count(plan: Plan, django_assert_max_num_queries: Any) -> None:
    for i in range(7):
        make_offering(plan, title=f"Modul {i}", competencies=[("M.1", 1), ("M.4", 1)])
    client = plan.org.client("staf1")
    client.get(f"{API}/offerings")
    with CaptureQueriesContext(connection) as few:
        client.get(f"{API}/offerings", {"page_size": 1})
    with django_assert_max_num_queries(9):
        first = client.get(f"{API}/offerings", {"page_size": 5}).json()
    with CaptureQueriesContext(connection) as many:
        client.get(f"{API}/offerings", {"page_size": 7})
    assert len(few.captured_queries) == len(many.captured_queries)  # no query per offering
    assert first["count"] == 7 and [o["title"] for o in first["items"]] == [f"Modul {i}" for i in range(5)]
    assert all(len(o["competencies"]) == 2 for o in first["items"])
    second = client.get(f"{API}/offerings", {"page_size": 5, "page": 2}).json()
    assert [o["title"] for o in second["items"]] == ["Modul 5", "Modul 6"]
