"""The admin instansi's LRS page: keys (secret shown once, revoke with confirmation), JP mapping, scoping."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bangkom.lrs.models import ActivityCredit, Client
from bangkom.lrs.services import client_create, credit_save

pytestmark = pytest.mark.django_db

IRI = "https://lms.example.go.id/kursus/12"


def test_page_needs_admin(org: Any) -> None:
    assert org.client("staf1").get("/lrs/").status_code == 403
    assert org.client("admin_a").get("/lrs/").status_code == 200


def test_create_key_shows_secret_once(org: Any) -> None:
    admin = org.client("admin_a")
    response = admin.post(f"/lrs/klien/baru?instansi={org.agency_a.pk}", {"name": "LMS Diklat"})
    assert response.status_code == 200
    client = Client.objects.get(name="LMS Diklat")
    assert client.agency == org.agency_a
    secret = re.search(r"rahasia\)</dt><dd><code>([^<]+)</code>", response.content.decode())
    assert secret is not None and secret.group(1) not in client.secret_hash
    listing = admin.get("/lrs/").content.decode()
    assert client.key in listing and secret.group(1) not in listing


def test_revoke_asks_first_and_other_instansi_is_404(org: Any) -> None:
    client, _ = client_create(actor=None, agency=org.agency_a, name="LMS")
    admin = org.client("admin_a")
    page = admin.get(f"/lrs/klien/{client.pk}/cabut")
    assert page.status_code == 200 and "Ya, cabut" in page.content.decode()
    client.refresh_from_db()
    assert client.active
    assert org.client("admin_b").post(f"/lrs/klien/{client.pk}/cabut").status_code == 404
    assert admin.post(f"/lrs/klien/{client.pk}/cabut").status_code == 302
    client.refresh_from_db()
    assert not client.active


def test_mapping_save_bad_input_and_delete(org: Any) -> None:
    admin = org.client("admin_a")
    good = {"activity_id": IRI, "title": "Kursus 12", "jp": "1,5", "form_code": "16", "provider": ""}
    assert admin.post("/lrs/pemetaan", good).status_code == 302
    credit = ActivityCredit.objects.get(activity_id=IRI)
    assert str(credit.jp) == "1.50"
    bad = {**good, "activity_id": "bukan iri", "jp": "-3"}
    response = admin.post("/lrs/pemetaan", bad, follow=True)
    assert "IRI aktivitas tidak sah" in response.content.decode()
    assert ActivityCredit.objects.count() == 1
    assert org.client("admin_b").post(f"/lrs/pemetaan/{credit.pk}/hapus").status_code == 404
    assert admin.post(f"/lrs/pemetaan/{credit.pk}/hapus").status_code == 302
    assert not ActivityCredit.objects.exists()


def test_mapping_download(org: Any) -> None:
    credit_save(actor=None, agency=org.agency_a, activity_id=IRI, title="Kursus 12", jp="2", form_code=16)
    credit_save(actor=None, agency=org.agency_b, activity_id=IRI, title="Milik B", jp="2", form_code=16)
    response = org.client("admin_a").get("/lrs/?format=csv")
    text = response.content.decode()
    assert "Kursus 12" in text and "Milik B" not in text
