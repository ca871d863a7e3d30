"""JSON API for learning records: token auth, create/list/detail/verify/reject, refusals that save nothing, scope."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from bangkom.accounts.models import ApiToken
from bangkom.accounts.services import token_create, token_revoke
from bangkom.audit.models import AuditEvent
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.org.models import Employee

from ..conftest import Org

URL = "/api/v1/records"
START = dt.date(2025, 3, 3)
END = dt.date(2025, 3, 5)
PEOPLE = ("kepala", "kabid", "staf1", "staf2", "kasubag", "pegawai_b")
# Whose records each user sees (kepala <- kabid <- {staf1, staf2}; kepala <- kasubag; B: pegawai_b).
VISIBLE = {
    "staf1": {"staf1"},
    "staf2": {"staf2"},
    "kabid": {"kabid", "staf1", "staf2"},
    "kasubag": {"kasubag"},
    "kepala": {"kepala", "kabid", "staf1", "staf2", "kasubag"},
    "pegawai_b": {"pegawai_b"},
    "admin_a": {"kepala", "kabid", "staf1", "staf2", "kasubag"},
    "admin_b": {"pegawai_b"},
    "nasional": set(),
    "penyelenggara_a": set(),
}


def body(emp: Employee, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "nip": emp.nip,
        "form": 3,  # Diklat Teknis: JP as on the certificate
        "title": "Pelatihan Analisis Data",
        "provider": "BPSDM Provinsi",
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "jp": "24",
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not ...}


def post(client: Client, url: str, payload: Any) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def bearer(key: str) -> Client:
    """A client as another system would be: no session, and CSRF enforced as in production."""
    return Client(enforce_csrf_checks=True, headers={"authorization": f"Bearer {key}"})


@pytest.fixture
def api(org: Org) -> Any:
    """api(name): a client holding a fresh API token of that user."""

    def make(name: str) -> Client:
        _token, key = token_create(actor=None, user=org.users[name], name=f"LMS {name}")
        return bearer(key)

    return make


def record_for(emp: Employee, title: str = "Kegiatan", status: str = RecordStatus.SUBMITTED, **extra: Any) -> Any:
    values: dict[str, Any] = {
        "employee": emp,
        "form_id": 3,
        "title": title,
        "provider": "BPSDM",
        "start_date": START,
        "end_date": END,
        "jp": Decimal(8),
        "status": status,
    }
    values.update(extra)
    return LearningRecord.objects.create(**values)


def record_events(action: str | None = None) -> int:
    qs = AuditEvent.objects.filter(entity="learning.learningrecord")
    return (qs.filter(action=action) if action else qs).count()


# --- token authentication ------------------------------------------------------------------------------------


def test_valid_token_acts_as_its_user_and_is_marked_used(org: Org) -> None:
    token, key = token_create(actor=None, user=org.users["kabid"], name="LMS")
    assert token.last_used_at is None
    response = bearer(key).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "kabid" and set(response.json()["roles"]) == {"pegawai", "atasan"}
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Other routers see the token's user too: the same scope as the session.
    assert bearer(key).get(f"/api/v1/employees/{org.staf1.pk}").status_code == 200
    assert bearer(key).get(f"/api/v1/employees/{org.pegawai_b.pk}").status_code == 404


def test_only_the_hash_is_stored_and_nothing_logs_the_secret(org: Org) -> None:
    token, key = token_create(actor=None, user=org.users["admin_a"], name="LMS")
    assert key.startswith("bkm_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix) and len(token.prefix) < 16
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    trail = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert key not in stored and key not in trail and token.key_hash not in trail
    event = AuditEvent.objects.get(entity="accounts.apitoken", action="create")
    assert event.object_id == str(token.pk) and event.after["prefix"] == token.prefix


@pytest.mark.parametrize(
    "header",
    [
        "Bearer bkm_salah-sama-sekali-0000000000000000000000000",
        "Bearer salah",
        "Bearer ",
        "bearer bkm_",
    ],
)
def test_wrong_token_is_refused(org: Org, header: str) -> None:
    token_create(actor=None, user=org.users["admin_a"], name="LMS")
    client = Client(enforce_csrf_checks=True, headers={"authorization": header})
    assert client.get("/api/v1/me").status_code == 401
    assert post(client, URL, body(org.staf1)).status_code == 401
    assert LearningRecord.objects.count() == 0


def test_revoked_token_and_inactive_user_are_refused(org: Org) -> None:
    token, key = token_create(actor=None, user=org.users["admin_a"], name="LMS")
    assert bearer(key).get("/api/v1/me").status_code == 200
    token_revoke(actor=org.users["admin_a"], token=token)
    assert bearer(key).get("/api/v1/me").status_code == 401
    assert post(bearer(key), URL, body(org.staf1)).status_code == 401
    revoked = AuditEvent.objects.get(entity="accounts.apitoken", action="revoke")
    assert revoked.actor_id == org.users["admin_a"].pk and revoked.after["revoked_at"]

    _other, key2 = token_create(actor=None, user=org.users["staf1"], name="LMS")
    org.users["staf1"].is_active = False
    org.users["staf1"].save()
    assert bearer(key2).get("/api/v1/me").status_code == 401


def test_anonymous_is_refused(db: Any) -> None:
    assert Client().get(URL).status_code == 401
    assert post(Client(), URL, {}).status_code == 401


def test_bearer_needs_no_csrf_but_a_session_post_still_does(org: Org, api: Any) -> None:
    session = Client(enforce_csrf_checks=True)
    session.force_login(org.users["admin_a"])
    assert post(session, URL, body(org.staf1)).status_code == 403
    assert LearningRecord.objects.count() == 0
    assert post(api("admin_a"), URL, body(org.staf1)).status_code == 201


# --- create --------------------------------------------------------------------------------------------------


def test_pegawai_pushes_own_record_as_submitted(org: Org, api: Any) -> None:
    response = post(api("staf1"), URL, body(org.staf1, jp="7.50", certificate_no="SERT-1"))
    assert response.status_code == 201, response.content
    data = response.json()
    rec = LearningRecord.objects.get()
    assert data == {
        "id": rec.pk,
        "nip": org.staf1.nip,
        "form": 3,
        "title": "Pelatihan Analisis Data",
        "provider": "BPSDM Provinsi",
        "start_date": "2025-03-03",
        "end_date": "2025-03-05",
        "jp": "7.5",
        "quantity": None,
        "certificate_no": "SERT-1",
        "status": "submitted",
        "rejection_reason": "",
        "source": "api",
        "has_evidence": False,
        "notes": [],
    }
    assert rec.source == "api" and rec.submitted_by == org.users["staf1"] and rec.verified_by is None
    event = AuditEvent.objects.get(entity="learning.learningrecord")
    assert (event.action, event.actor_id, event.agency_id) == ("create", org.users["staf1"].pk, org.agency_a.pk)


@pytest.mark.parametrize(("actor", "target"), [("admin_a", "staf2"), ("kabid", "staf1"), ("kepala", "staf2")])
def test_verifier_pushes_a_verified_record(org: Org, api: Any, actor: str, target: str) -> None:
    emp = getattr(org, target)
    response = post(api(actor), URL, body(emp))
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "verified" and response.json()["jp"] == "24"
    rec = LearningRecord.objects.get()
    assert rec.employee == emp and rec.verified_by == org.users[actor] and rec.verified_at is not None


@pytest.mark.parametrize(("status", "expected"), [("planned", "planned"), ("submitted", "submitted"), ("", "verified")])
def test_admin_may_ask_for_a_status(org: Org, api: Any, status: str, expected: str) -> None:
    response = post(api("admin_a"), URL, body(org.staf1, status=status))
    assert response.status_code == 201 and response.json()["status"] == expected


def test_capped_jp_comes_back_with_a_note(org: Org, api: Any) -> None:
    # Form 22 (belajar mandiri): at most 2 JP a day by default; one day claimed as 5 JP.
    response = post(api("admin_a"), URL, body(org.staf1, form=22, start_date="2025-03-03", end_date="2025-03-03", jp=5))
    assert response.status_code == 201, response.content
    assert response.json()["jp"] == "2" and len(response.json()["notes"]) == 1
    assert "2" in response.json()["notes"][0]


REFUSALS = [
    pytest.param({"end_date": "2025-03-01"}, "end_date", "Tanggal selesai tidak boleh sebelum", id="end-before-start"),
    pytest.param({"jp": "-4"}, "jp", "JP harus berupa angka tidak negatif.", id="negative-jp"),
    pytest.param({"jp": "dua puluh"}, "jp", "JP harus berupa angka.", id="non-numeric-jp"),
    pytest.param({"jp": "NaN"}, "jp", "JP harus berupa angka.", id="nan-jp"),
    pytest.param({"form": 99}, "form", "Bentuk pengembangan 99 tidak dikenal", id="unknown-form"),
    pytest.param({"form": "teknis"}, "form", "Bentuk pengembangan harus berupa angka", id="non-numeric-form"),
    pytest.param({"start_date": "03/03/2025"}, "start_date", "Tanggal tidak valid (YYYY-MM-DD).", id="bad-date"),
    pytest.param({"end_date": "2025-02-30"}, "end_date", "Tanggal tidak valid (YYYY-MM-DD).", id="no-such-day"),
    pytest.param({"title": ...}, "title", "Wajib diisi.", id="missing-title"),
    pytest.param({"title": "   "}, "title", "Judul wajib diisi.", id="blank-title"),
    pytest.param({"title": "x" * 501}, "title", "paling banyak 500 karakter", id="title-too-long"),
    pytest.param({"nip": ...}, "nip", "Wajib diisi.", id="missing-nip"),
    pytest.param({"jp": ...}, "jp", "JP wajib diisi untuk bentuk ini", id="jp-needed-for-form"),
    pytest.param({"end_date": "2999-01-01"}, "end_date", "belum lewat", id="future-end"),
    pytest.param({"status": "rejected"}, "status", "tidak dapat dipakai", id="status-rejected"),
]


@pytest.mark.parametrize(("over", "field", "message"), REFUSALS)
def test_bad_input_is_refused_and_nothing_saved(
    org: Org, api: Any, over: dict[str, Any], field: str, message: str
) -> None:
    client = api("admin_a")
    before = (LearningRecord.objects.count(), record_events())
    response = post(client, URL, body(org.staf1, **over))
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert any(d["field"] == field and message in d["message"] for d in detail), detail
    assert (LearningRecord.objects.count(), record_events()) == before


def test_every_problem_is_reported_at_once(org: Org, api: Any) -> None:
    response = post(api("admin_a"), URL, body(org.staf1, jp="abc", start_date="kemarin", form="x"))
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["detail"]} == {"jp", "start_date", "form"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/api/v1/employees?page=abc", [{"field": "page", "message": "Harus berupa angka."}]),
        ("/api/v1/positions?page=0", [{"field": "page", "message": "Terlalu kecil: paling sedikit 1."}]),
        ("/api/v1/employees/satu", [{"field": "employee_id", "message": "Harus berupa angka."}]),
        (f"{URL}?year=2025&status=verified&page=x", [{"field": "page", "message": "Harus berupa angka."}]),
    ],
)
def test_other_routers_answer_malformed_requests_in_the_same_shape(org: Org, url: str, expected: Any) -> None:
    response = org.client("admin_a").get(url)
    assert response.status_code == 422 and response.json() == {"detail": expected}


def test_nip_sent_as_a_number_is_refused_with_a_hint(org: Org, api: Any) -> None:
    response = post(api("admin_a"), URL, body(org.staf1, nip=int(org.staf1.nip)))
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "nip", "message": "Harus berupa teks (dalam tanda petik)."}]


def test_pegawai_cannot_push_own_record_as_verified(org: Org, api: Any) -> None:
    response = post(api("staf1"), URL, body(org.staf1, status="verified"))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "status", "message": "Anda tidak berwenang memverifikasi catatan pegawai ini."}
    ]
    assert LearningRecord.objects.count() == 0


def test_duplicate_certificate_is_refused(org: Org, api: Any) -> None:
    client = api("admin_a")
    assert post(client, URL, body(org.staf1, certificate_no="SERT-9")).status_code == 201
    again = post(
        client,
        URL,
        body(org.staf1, title="Judul Lain", start_date="2025-04-01", end_date="2025-04-02", certificate_no="sert-9"),
    )
    assert again.status_code == 422
    [problem] = again.json()["detail"]
    assert problem["field"] is None and "sudah tercatat" in problem["message"]
    assert LearningRecord.objects.count() == 1


OUT_OF_SCOPE = [
    ("admin_a", "pegawai_b"),  # another instansi
    ("admin_b", "staf1"),
    ("staf1", "staf2"),  # a colleague
    ("staf1", "kabid"),  # one's own atasan
    ("kasubag", "staf1"),  # an atasan of another chain
    ("nasional", "staf1"),  # national analysts see aggregates only
    ("penyelenggara_a", "staf1"),
]


@pytest.mark.parametrize(("actor", "target"), OUT_OF_SCOPE)
def test_pegawai_outside_scope_is_not_found(org: Org, api: Any, actor: str, target: str) -> None:
    response = post(api(actor), URL, body(getattr(org, target)))
    assert response.status_code == 404
    assert response.json() == {"detail": "Pegawai tidak ditemukan atau di luar lingkup Anda."}
    assert LearningRecord.objects.count() == 0 and record_events() == 0


def test_unknown_nip_answers_like_out_of_scope(org: Org, api: Any) -> None:
    unknown = post(api("admin_a"), URL, body(org.staf1, nip="199001012020011001"))
    foreign = post(api("admin_a"), URL, body(org.pegawai_b))
    assert unknown.status_code == foreign.status_code == 404
    assert unknown.json() == foreign.json()


# --- list and detail -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", sorted(VISIBLE))
def test_list_shows_only_records_in_scope(org: Org, api: Any, viewer: str) -> None:
    for name in PEOPLE:
        record_for(getattr(org, name), title=f"Kegiatan {name}")
    response = api(viewer).get(URL)
    assert response.status_code == 200
    seen = {row["nip"] for row in response.json()["items"]}
    assert seen == {getattr(org, n).nip for n in VISIBLE[viewer]}
    assert response.json()["count"] == len(VISIBLE[viewer])


def test_detail(org: Org, api: Any) -> None:
    """Every viewer against every pegawai, and verify/reject by edited ids: tests/web/test_scoping.py."""
    rec = record_for(org.staf2, title="Kegiatan staf2", quantity=Decimal("2.50"))
    data = api("kabid").get(f"{URL}/{rec.pk}").json()
    assert (data["id"], data["nip"], data["jp"], data["quantity"], data["notes"]) == (
        rec.pk,
        org.staf2.nip,
        "8",
        "2.5",
        [],
    )
    assert api("admin_b").get(f"{URL}/{rec.pk}").status_code == 404
    assert api("admin_a").get(f"{URL}/987654").status_code == 404


def test_list_filters_and_newest_first(org: Org, api: Any) -> None:
    old = record_for(org.staf1, title="Lama", start_date=dt.date(2024, 5, 1), end_date=dt.date(2024, 5, 2))
    new = record_for(org.staf1, title="Baru", status=RecordStatus.VERIFIED)
    other = record_for(org.staf2, title="Rekan")
    client = api("admin_a")
    assert [r["id"] for r in client.get(URL).json()["items"]] == [other.pk, new.pk, old.pk]
    by_nip = client.get(URL, {"nip": org.staf1.nip}).json()["items"]
    assert [r["id"] for r in by_nip] == [new.pk, old.pk]
    assert [r["id"] for r in client.get(URL, {"status": "verified"}).json()["items"]] == [new.pk]
    assert [r["id"] for r in client.get(URL, {"year": 2024}).json()["items"]] == [old.pk]
    # Filtering never widens the scope.
    assert client.get(URL, {"nip": org.pegawai_b.nip}).json()["count"] == 0
    bad = client.get(URL, {"year": "tahun ini"})
    assert bad.status_code == 422
    assert bad.json() == {"detail": [{"field": "year", "message": "Tahun harus berupa angka."}]}


def test_list_is_paginated_by_one_hundred(org: Org, api: Any) -> None:
    LearningRecord.objects.bulk_create(
        LearningRecord(
            employee=org.staf1,
            form_id=3,
            title=f"Kegiatan {i:03d}",
            provider="BPSDM",
            start_date=START,
            end_date=END,
            jp=Decimal(2),
            status=RecordStatus.VERIFIED,
        )
        for i in range(105)
    )
    client = api("kabid")
    first = client.get(URL).json()
    second = client.get(URL, {"page": 2}).json()
    assert first["count"] == 105 and len(first["items"]) == 100 and len(second["items"]) == 5
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}


@pytest.mark.parametrize("extra", [0, 30])
def test_query_counts_are_pinned(org: Org, api: Any, django_assert_num_queries: Any, extra: int) -> None:
    for i in range(extra + 1):
        record_for(org.staf1 if i % 2 else org.staf2, title=f"Kegiatan {i}")
    rec = LearningRecord.objects.first()
    assert rec is not None
    client = api("admin_a")
    client.get("/api/v1/me")  # marks the token used, so the cases below do not include that write
    # token (with its user) + role grants, then the route's own reads
    with django_assert_num_queries(4):  # + count, page (pegawai joined)
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(3):  # + the record with pegawai and form
        assert client.get(f"{URL}/{rec.pk}").status_code == 200


# --- verify and reject ---------------------------------------------------------------------------------------


def test_atasan_verifies_a_subordinates_record(org: Org, api: Any) -> None:
    rec = record_for(org.staf1)
    response = post(api("kabid"), f"{URL}/{rec.pk}/verify", {})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"
    rec.refresh_from_db()
    assert rec.status == RecordStatus.VERIFIED and rec.verified_by == org.users["kabid"]
    event = AuditEvent.objects.get(entity="learning.learningrecord", action="verify")
    assert event.actor_id == org.users["kabid"].pk and event.before["status"] == "submitted"
    # Only a submitted record can be decided.
    again = post(api("admin_a"), f"{URL}/{rec.pk}/verify", {})
    assert again.status_code == 422 and again.json()["detail"][0]["field"] is None


@pytest.mark.parametrize(
    ("actor", "code"),
    [
        ("staf1", 404),  # never one's own record
        ("staf2", 404),  # a colleague's is not even visible
        ("kasubag", 404),
        ("admin_b", 404),
        ("nasional", 404),
        ("kepala", 200),  # indirect atasan
        ("admin_a", 200),
    ],
)
def test_who_may_verify(org: Org, api: Any, actor: str, code: int) -> None:
    rec = record_for(org.staf1)
    response = post(api(actor), f"{URL}/{rec.pk}/verify", {})
    assert response.status_code == code
    rec.refresh_from_db()
    assert rec.status == (RecordStatus.VERIFIED if code == 200 else RecordStatus.SUBMITTED)
    assert record_events("verify") == (1 if code == 200 else 0)


def test_unknown_record_is_not_found(org: Org, api: Any) -> None:
    assert post(api("admin_a"), f"{URL}/987654/verify", {}).status_code == 404
    assert post(api("admin_a"), f"{URL}/987654/reject", {"reason": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("payload", "message"),
    [({}, "Wajib diisi."), ({"reason": "   "}, "Alasan penolakan wajib diisi")],
)
def test_reject_requires_a_reason(org: Org, api: Any, payload: dict[str, Any], message: str) -> None:
    rec = record_for(org.staf1)
    response = post(api("kabid"), f"{URL}/{rec.pk}/reject", payload)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "reason" and message in problem["message"]
    rec.refresh_from_db()
    assert rec.status == RecordStatus.SUBMITTED and record_events() == 0


def test_reject_with_reason(org: Org, api: Any) -> None:
    rec = record_for(org.staf1)
    assert post(api("staf1"), f"{URL}/{rec.pk}/reject", {"reason": "sendiri"}).status_code == 404
    response = post(api("kabid"), f"{URL}/{rec.pk}/reject", {"reason": " Sertifikat tidak terbaca. "})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Sertifikat tidak terbaca."
    event = AuditEvent.objects.get(entity="learning.learningrecord", action="reject")
    assert event.actor_id == org.users["kabid"].pk and event.after["status"] == "rejected"


def test_session_users_use_the_same_routes(org: Org) -> None:
    """The pages' own scripts keep working with the browser session."""
    client = org.client("staf1")
    assert post(client, URL, body(org.staf1)).status_code == 201
    assert client.get(URL).json()["count"] == 1


# --- schema --------------------------------------------------------------------------------------------------


def test_openapi_schema_documents_the_record_routes_and_bearer_auth(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/records"])
    assert "get" in paths["/api/v1/records/{record_id}"]
    assert "post" in paths["/api/v1/records/{record_id}/verify"]
    assert "post" in paths["/api/v1/records/{record_id}/reject"]
    assert "422" in paths["/api/v1/records"]["post"]["responses"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert "unggah" in schema["info"]["description"]  # evidence is uploaded through the pages for now


# --- input that a database cannot hold (each was a 500 on PostgreSQL) ----------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"title": "a\\u0000b"', "title"),
        ('"provider": "\\ud800"', "provider"),
        ('"certificate_no": "x\\u0000"', "certificate_no"),
        ('"jp": NaN', "jp"),
        ('"jp": 1e400', "jp"),
    ],
)
def test_text_or_numbers_a_database_cannot_hold_are_422_and_save_nothing(
    org: Org, api: Any, raw: str, field: str
) -> None:
    payload = json.dumps(body(org.staf1, **{field: ...}))
    text = payload[:-1] + ", " + raw + "}"
    response = api("admin_a").post(URL, data=text, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [{"field": field, "message": response.json()["detail"][0]["message"]}]
    assert "NUL" in response.json()["detail"][0]["message"]
    assert not LearningRecord.objects.exists()


@pytest.mark.parametrize("query", ["?page=9223372036854775808", "?year=0", "?year=99999999999", "?year=10000"])
def test_list_parameters_out_of_range_are_422(org: Org, api: Any, query: str) -> None:
    response = api("admin_a").get(URL + query)
    assert response.status_code == 422, response.content
