"""The JSON endpoints of the /belajar/ app: data.json scoped to the pegawai, and /sync with its exact shapes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bangkom.learning.models import LearningRecord
from bangkom.microlearning.models import Attempt, Module, SyncEvent
from bangkom.microlearning.services import apply_events
from tests.conftest import Org
from tests.microlearning.conftest import complete_events, ev, make_module

pytestmark = pytest.mark.django_db

DATA, SYNC = "/belajar/api/data.json", "/belajar/api/sync"


def post(client: Client, body: Any) -> Any:
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(SYNC, raw, content_type="application/json")


def test_data_json_shape_and_scope(org: Org, module: Module) -> None:
    make_module(org, agency="b", title="Modul B")
    make_module(org, publish=False, title="Draf A")
    r = org.client("staf1").get(DATA)
    assert r.status_code == 200
    data = r.json()
    assert set(data) == {"employee", "jp", "modules"}
    assert data["employee"] == {
        "nip": org.staf1.nip,
        "name": "Staf Satu",
        "jabatan": "Analis",
        "unit": "Bidang A1",
    }
    assert set(data["jp"]) == {"year", "total", "minimum", "records"}
    assert [m["title"] for m in data["modules"]] == ["Menulis nota dinas"]
    m = data["modules"][0]
    assert {"id", "title", "summary", "jp", "version", "pages", "questions", "task", "reflection_prompt"} <= set(m)
    assert set(m["pages"][0]) == {"id", "title", "body", "image_url"}
    assert set(m["questions"][0]) == {"id", "text", "choices"}
    assert "correct" not in json.dumps(m["questions"])
    assert {"status", "pages_seen", "answers", "task_done", "reflection", "submitted_at"} <= set(m["attempt"])


def test_data_json_needs_login_and_pegawai(org: Org) -> None:
    assert Client().get(DATA).status_code == 401
    assert org.client("admin_a").get(DATA).status_code == 403


@pytest.mark.parametrize("extra", [0, 3])
def test_data_json_query_count(org: Org, module: Module, django_assert_num_queries: Any, extra: int) -> None:
    for i in range(extra):
        m = make_module(org, title=f"Modul {i}")
        apply_events(user=org.users["staf1"], events=complete_events(m))
    client = org.client("staf1")
    with django_assert_num_queries(14):  # auth and roles, pegawai, JP ledger, records, modules, content, attempts
        assert len(client.get(DATA).json()["modules"]) == 1 + extra


def test_sync_round_trip_and_idempotent(org: Org, module: Module) -> None:
    client = org.client("staf1")
    events = complete_events(module)
    r = post(client, {"device_id": "hp-1", "events": events})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"accepted", "duplicates", "rejected", "modules"}
    assert sorted(body["accepted"]) == sorted(e["id"] for e in events)
    assert body["modules"][0]["id"] == module.pk and body["modules"][0]["attempt"]["status"] == "submitted"
    again = post(client, {"device_id": "laptop", "events": events}).json()
    assert again["accepted"] == [] and len(again["duplicates"]) == len(events)
    assert Attempt.objects.count() == 1 and SyncEvent.objects.count() == len(events)
    answers = client.get(DATA).json()["modules"][0]["attempt"]["answers"]
    assert len(answers) == 2 and all(isinstance(v, int) for v in answers.values())


def test_sync_rejects_with_message(org: Org, module: Module) -> None:
    foreign = make_module(org, agency="b", title="Modul B")
    e = ev(foreign, "task", note="x")
    body = post(org.client("staf1"), {"device_id": "hp", "events": [e]}).json()
    assert body["rejected"] == [{"id": e["id"], "message": "Modul tidak ditemukan atau tidak tersedia untuk Anda."}]
    assert body["modules"] == []


@pytest.mark.parametrize(
    "raw",
    [
        "{bukan json",
        "[]",
        json.dumps({"device_id": 5, "events": []}),
        json.dumps({"device_id": "x" * 65, "events": []}),
        json.dumps({"device_id": "hp", "events": {}}),
        json.dumps({"device_id": "hp"}),
        # What a database column cannot hold (each was a 500, on PostgreSQL or on both):
        '{"device_id": "hp", "events": [], "x": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"device_id": "hp", "events": [], "x": NaN}',
        '{"device_id": "hp", "events": [], "x": 1e400}',
        '{"device_id": "h\\u0000p", "events": []}',
        '{"device_id": "h\\ud800p", "events": []}',
    ],
)
def test_sync_bad_body_is_400_and_writes_nothing(org: Org, module: Module, raw: str) -> None:
    r = post(org.client("staf1"), raw)
    assert r.status_code == 400 and r.json()["message"]
    assert not Attempt.objects.exists()


@pytest.mark.parametrize(
    "payload_or_event",
    [
        {"payload": {"note": "a\u0000b"}},
        {"payload": {"note": "a\ud800b"}},
        {"payload": {"note": "x", "extra": [float("inf")]}},
    ],
)
def test_sync_event_that_cannot_be_stored_is_400(org: Org, module: Module, payload_or_event: dict[str, Any]) -> None:
    event = {**ev(module, "task", note="x"), **payload_or_event}
    raw = json.dumps({"device_id": "hp", "events": [event]}, allow_nan=True)
    assert post(org.client("staf1"), raw).status_code == 400
    assert not Attempt.objects.exists() and not SyncEvent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"at": "2024-02-30T10:00:00+07:00"}, "ISO 8601"),  # well formed, not a day (was a 500)
        ({"at": "2026-11-01T25:00:00+07:00"}, "ISO 8601"),
        ({"at": "2026-11-01T10:00:00+24:00"}, "ISO 8601"),
        ({"at": "0001-01-01T00:00:00+14:00"}, "tidak masuk akal"),  # before year 1 in UTC: locked the pegawai out
        ({"at": "1999-12-31T23:59:59Z"}, "tidak masuk akal"),
        ({"module_id": 2**63}, "module_id"),
        ({"payload": {"page_id": "²"}}, "Halaman"),  # a digit int() refuses (was a 500)
        ({"payload": {"page_id": "1" * 5000}}, "Halaman"),
    ],
)
def test_sync_rejects_events_it_cannot_place(org: Org, module: Module, changes: dict[str, Any], message: str) -> None:
    event = {**ev(module, "page", page_id=module.pages.first().pk), **changes}  # type: ignore[union-attr]
    r = post(org.client("staf1"), {"device_id": "hp", "events": [event]})
    assert r.status_code == 200
    rejected = r.json()["rejected"]
    assert len(rejected) == 1 and message in rejected[0]["message"], rejected
    assert not SyncEvent.objects.exists()
    assert not Attempt.objects.exists()  # nothing was begun
    assert org.client("staf1").get(DATA).status_code == 200


def test_a_sync_whose_events_are_all_refused_leaves_attempts_as_they_were(org: Org, module: Module) -> None:
    other = make_module(org, title="Modul Kedua")
    client = org.client("staf1")
    page = module.pages.first()
    assert page is not None
    assert post(client, {"device_id": "hp", "events": [ev(module, "page", page_id=page.pk)]}).json()["accepted"]
    bad_page = {"page_id": 10**9}
    r = post(client, {"device_id": "hp", "events": [ev(module, "page", **bad_page), ev(other, "page", **bad_page)]})
    assert len(r.json()["rejected"]) == 2
    assert list(Attempt.objects.values_list("module_id", flat=True)) == [module.pk]  # kept; none made for `other`


def test_sync_sent_as_a_form_is_400(org: Org, module: Module) -> None:
    # The CSRF check reads a form body before the view; the view then cannot read it raw (was a 500).
    r = org.client("staf1").post(SYNC, {"device_id": "hp", "events": "[]"})
    assert r.status_code == 400 and "application/json" in r.json()["message"]


def test_sync_limit_500(org: Org, module: Module) -> None:
    events = [ev(module, "task", note="x") for _ in range(501)]
    r = post(org.client("staf1"), {"device_id": "hp", "events": events})
    assert r.status_code == 400 and not SyncEvent.objects.exists()


def test_sync_requires_csrf_header(org: Org, module: Module) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.users["staf1"])
    client.get(DATA)
    page = module.pages.first()
    assert page is not None
    body = json.dumps({"device_id": "hp", "events": [ev(module, "page", page_id=page.pk)]})
    assert client.post(SYNC, body, content_type="application/json").status_code == 403
    # The app reads the csrftoken cookie; the login page sets it.
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    r = client.post(SYNC, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert r.status_code == 200 and len(r.json()["accepted"]) == 1


def test_sync_then_confirm_gives_one_record(org: Org, module: Module) -> None:
    events = complete_events(module)
    post(org.client("staf1"), {"device_id": "hp", "events": events})
    post(org.client("staf1"), {"device_id": "laptop", "events": events})
    attempt = Attempt.objects.get()
    kabid = org.client("kabid")
    for _ in range(2):
        kabid.post(f"/modul/refleksi/{attempt.pk}/konfirmasi/")
    assert LearningRecord.objects.filter(employee=org.staf1, source="modul").count() == 1


def test_images_are_served_to_whoever_may_read_the_module(org: Org, module: Module) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bangkom.microlearning.services import PageData, page_save
    from tests.microlearning.test_package import PNG

    page = page_save(
        actor=org.users["admin_a"],
        module=module,
        data=PageData(title="Gambar", body="Lihat.", image=SimpleUploadedFile("g.png", PNG)),
    )
    url = org.client("staf1").get(DATA).json()["modules"][0]["pages"][-1]["image_url"]
    assert url.startswith(f"/belajar/api/gambar/{page.pk}?v=")
    r = org.client("staf1").get(url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and b"".join(r.streaming_content) == PNG
    assert org.client("admin_a").get(url).status_code == 200
    assert org.client("pegawai_b").get(url).status_code == 404
    assert org.client("admin_b").get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_data_json_shows_only_own_attempt(org: Org, module: Module) -> None:
    post(org.client("staf1"), {"device_id": "hp", "events": complete_events(module)})
    mine = org.client("staf1").get(DATA).json()["modules"][0]["attempt"]
    theirs = org.client("staf2").get(DATA).json()["modules"][0]["attempt"]
    assert mine["status"] == "submitted" and mine["reflection"]
    assert theirs["status"] == "in_progress" and theirs["reflection"] == "" and theirs["answers"] == {}
