"""The catalogue pages: who sees which offerings, search and filters, downloads, create and edit with
competency rows, activation with confirmation, and that only those allowed may edit."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from bangkom.audit.models import AuditEvent
from bangkom.planning.models import Offering, OfferingCompetency
from bangkom.planning.services import OfferingData, offering_save
from tests.planning.conftest import Plan


def make(plan: Plan, user: str = "admin_a", **over: Any) -> Offering:
    kw: dict[str, Any] = {
        "form": 3,
        "title": "Pelatihan Pengelolaan Anggaran",
        "provider": "BPSDM Provinsi",
        "jp": Decimal("24"),
        "cost_per_participant": 1_500_000,
        "modality": "offline",
        "agency": plan.org.agency_a,
        "competencies": [(plan.t1, 2)],
    }
    kw.update(over)
    return offering_save(actor=plan.org.users[user], data=OfferingData(**kw))


@pytest.fixture
def catalogue(plan: Plan) -> dict[str, Offering]:
    return {
        "a": make(plan),
        "a_online": make(
            plan, title="E-learning Integritas", provider="LAN", form=16, modality="online", competencies=[("M.1", 1)]
        ),
        "national": make(
            plan,
            "nasional",
            agency=None,
            title="Kursus Komunikasi Publik",
            provider="LAN",
            form=11,
            competencies=[("M.3", 1)],
        ),
        "b": make(plan, "admin_b", agency=plan.org.agency_b, title="Bimtek Kota B", competencies=[]),
        "a_inactive": make(plan, title="Workshop Lama", form=4, active=False, competencies=[]),
    }


def titles(response: Any) -> list[str]:
    return sorted(o.title for o, _editable in response.context["items"])


# --- reading -----------------------------------------------------------------------------------------------------


def test_each_user_sees_national_and_own_instansi(
    plan: Plan, catalogue: dict[str, Offering], django_assert_max_num_queries: Any
) -> None:
    client = plan.org.client("staf1")
    with django_assert_max_num_queries(11):
        response = client.get("/katalog/")
    assert response.status_code == 200
    assert titles(response) == ["E-learning Integritas", "Kursus Komunikasi Publik", "Pelatihan Pengelolaan Anggaran"]
    assert response.context["can_create"] is False
    assert all(not editable for _o, editable in response.context["items"])
    assert titles(plan.org.client("pegawai_b").get("/katalog/")) == ["Bimtek Kota B", "Kursus Komunikasi Publik"]
    assert plan.org.client("pegawai_b").get(f"/katalog/{catalogue['a'].pk}/").status_code == 404
    assert plan.org.client("staf1").get(f"/katalog/{catalogue['b'].pk}/").status_code == 404
    detail = client.get(f"/katalog/{catalogue['a'].pk}/")
    assert detail.status_code == 200 and detail.context["can_edit"] is False
    assert "A.T.1" in detail.content.decode()


def test_catalogue_needs_login(plan: Plan) -> None:
    from django.test import Client

    assert Client().get("/katalog/").status_code == 302


def test_search_and_filters(plan: Plan, catalogue: dict[str, Offering]) -> None:
    client = plan.org.client("admin_a")
    assert titles(client.get("/katalog/", {"q": "anggaran"})) == ["Pelatihan Pengelolaan Anggaran"]
    assert titles(client.get("/katalog/", {"q": "M.3"})) == ["Kursus Komunikasi Publik"]  # by competency
    assert titles(client.get("/katalog/", {"moda": "online"})) == ["E-learning Integritas"]
    assert titles(client.get("/katalog/", {"bentuk": "11"})) == ["Kursus Komunikasi Publik"]
    assert titles(client.get("/katalog/", {"penyelenggara": "lan"})) == [
        "E-learning Integritas",
        "Kursus Komunikasi Publik",
    ]
    assert titles(client.get("/katalog/", {"pemilik": "nasional"})) == ["Kursus Komunikasi Publik"]
    assert titles(client.get("/katalog/", {"aktif": "tidak"})) == ["Workshop Lama"]
    assert len(titles(client.get("/katalog/", {"aktif": "semua"}))) == 4
    # Another instansi's id as owner filter shows nothing of it.
    assert titles(client.get("/katalog/", {"pemilik": plan.org.agency_b.pk, "aktif": "semua"})) == []
    assert len(titles(client.get("/katalog/", {"moda": "x", "bentuk": "y", "aktif": "z", "page": "-1"}))) == 3


def test_list_paginates(plan: Plan, catalogue: dict[str, Offering], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bangkom.planning.views_catalogue.PAGE_SIZE", 2)
    client = plan.org.client("staf1")
    first = client.get("/katalog/")
    assert len(first.context["items"]) == 2 and first.context["page_obj"].paginator.num_pages == 2
    assert len(client.get("/katalog/", {"page": 2}).context["items"]) == 1


def test_downloads(plan: Plan, catalogue: dict[str, Offering]) -> None:
    client = plan.org.client("staf1")
    lines = client.get("/katalog/", {"format": "csv", "aktif": "semua"}).content.decode().splitlines()
    assert lines[0].startswith("id,owner,form_id,form,title,provider,jp")
    assert len(lines) == 5  # B's offering is not there
    assert not any("Bimtek Kota B" in line for line in lines)
    row = next(line for line in lines if "Pengelolaan Anggaran" in line)
    assert ",24," in row and "A.T.1+2" in row
    xlsx = client.get("/katalog/", {"format": "xlsx", "pemilik": "nasional"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][4] == "Kursus Komunikasi Publik" and rows[1][1] == "nasional"


# --- editing -----------------------------------------------------------------------------------------------------


def form_data(plan: Plan, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": str(plan.org.agency_a.pk),
        "form": "3",
        "title": "Bimtek Penyusunan Anggaran",
        "provider": "BPSDM",
        "jp": "32",
        "cost_per_participant": "2500000",
        "seats": "25",
        "modality": "blended",
        "location": "Kota A",
        "start_date": "2026-04-06",
        "end_date": "2026-04-09",
        "eligible_position_kinds": ["pelaksana", "pengawas"],
        "min_level": "1",
        "active": "on",
        "komp-TOTAL_FORMS": "3",
        "komp-INITIAL_FORMS": "0",
        "komp-MIN_NUM_FORMS": "0",
        "komp-MAX_NUM_FORMS": "60",
        "komp-0-competency": str(plan.t1.pk),
        "komp-0-level_increase": "2",
        "komp-1-competency": str(plan.m4.pk),
        "komp-1-level_increase": "1",
        "komp-2-competency": "",
        "komp-2-level_increase": "",
    }
    data.update(over)
    return data


def test_admin_instansi_creates_an_offering(plan: Plan) -> None:
    client = plan.org.client("admin_a")
    page = client.get("/katalog/baru/")
    assert page.status_code == 200
    assert [k for k, _label in page.context["form"].fields["agency"].choices] == [str(plan.org.agency_a.pk)]
    response = client.post("/katalog/baru/", form_data(plan))
    offering = Offering.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/katalog/{offering.pk}/"
    assert (offering.agency, offering.form_id, offering.jp, offering.seats) == (plan.org.agency_a, 3, Decimal(32), 25)
    assert (offering.modality, offering.min_level, offering.active) == ("blended", 1, True)
    assert offering.eligible_position_kinds == ["pelaksana", "pengawas"]
    assert str(offering.start_date) == "2026-04-06"
    assert dict(OfferingCompetency.objects.values_list("competency__code", "level_increase")) == {
        "A.T.1": 2,
        "M.4": 1,
    }


def test_national_catalogue_is_for_the_admin_nasional(plan: Plan) -> None:
    client = plan.org.client("nasional")
    choices = [k for k, _label in client.get("/katalog/baru/").context["form"].fields["agency"].choices]
    assert choices == ["nasional"]
    data = form_data(plan, agency="nasional", **{"komp-0-competency": "", "komp-0-level_increase": ""})
    assert client.post("/katalog/baru/", data).status_code == 302
    assert Offering.objects.get().agency is None
    # An admin instansi cannot slip a national offering in by posting the owner.
    refused = plan.org.client("admin_a").post("/katalog/baru/", form_data(plan, agency="nasional", title="X"))
    assert refused.status_code == 200 and "agency" in refused.context["form"].errors
    assert Offering.objects.count() == 1


BAD_FORMS: list[tuple[dict[str, Any], str]] = [
    ({"jp": "-1"}, "jp"),
    ({"jp": "banyak"}, "jp"),
    ({"jp": ""}, "jp"),
    ({"cost_per_participant": "-5"}, "cost_per_participant"),
    ({"seats": "lima"}, "seats"),
    ({"title": "  "}, "title"),
    ({"provider": ""}, "provider"),
    ({"end_date": "2026-04-01"}, "end_date"),
    ({"end_date": ""}, "end_date"),
    ({"start_date": "2026-13-01"}, "start_date"),
    ({"modality": "satelit"}, "modality"),
    ({"form": "99"}, "form"),
    ({"eligible_position_kinds": ["menteri"]}, "eligible_position_kinds"),
    ({"min_level": "6"}, "min_level"),
    ({"agency": str(999_999)}, "agency"),
]


@pytest.mark.parametrize(("over", "field"), BAD_FORMS)
def test_bad_input_writes_nothing(plan: Plan, over: dict[str, Any], field: str) -> None:
    response = plan.org.client("admin_a").post("/katalog/baru/", form_data(plan, **over))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and all(errors[field])
    assert not Offering.objects.exists()
    assert not OfferingCompetency.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("rows", "text"),
    [
        ({"komp-1-competency": str(999_999)}, ""),  # not a choice
        ({"komp-1-competency": "", "komp-1-level_increase": "2"}, "Pilih kompetensi"),
        ({"komp-1-level_increase": ""}, "Pilih kenaikan level"),
    ],
)
def test_bad_competency_rows_write_nothing(plan: Plan, rows: dict[str, Any], text: str) -> None:
    data = form_data(plan, **rows)
    response = plan.org.client("admin_a").post("/katalog/baru/", data)
    assert response.status_code == 200
    if text:
        assert text in response.content.decode()
    assert not Offering.objects.exists()


def test_duplicate_and_other_instansi_competencies_are_refused(plan: Plan) -> None:
    client = plan.org.client("admin_a")
    twice = client.post("/katalog/baru/", form_data(plan, **{"komp-1-competency": str(plan.t1.pk)}))
    assert twice.status_code == 200 and "disebut dua kali" in twice.content.decode()
    other = client.post("/katalog/baru/", form_data(plan, **{"komp-1-competency": str(plan.t_b.pk)}))
    assert other.status_code == 200  # B's teknis is not even offered as a choice
    assert not Offering.objects.exists()


def test_edit_keeps_owner_and_updates_competencies(plan: Plan, catalogue: dict[str, Offering]) -> None:
    offering = catalogue["a"]
    client = plan.org.client("penyelenggara_a")
    page = client.get(f"/katalog/{offering.pk}/ubah/")
    assert page.status_code == 200
    assert page.context["form"].initial["jp"] == "24"
    assert page.context["formset"].initial == [{"competency": str(plan.t1.pk), "level_increase": "2"}]
    data = form_data(
        plan,
        title="Pelatihan Anggaran Berbasis Kinerja",
        **{"komp-INITIAL_FORMS": "1", "komp-1-competency": "", "komp-1-level_increase": ""},
    )
    assert client.post(f"/katalog/{offering.pk}/ubah/", data).status_code == 302
    offering.refresh_from_db()
    assert offering.title == "Pelatihan Anggaran Berbasis Kinerja" and offering.agency == plan.org.agency_a
    assert list(offering.competencies.values_list("competency__code", "level_increase")) == [("A.T.1", 2)]


@pytest.mark.parametrize("user", ["staf1", "kabid", "kepala", "admin_b", "pegawai_b"])
def test_non_admins_cannot_edit(plan: Plan, catalogue: dict[str, Offering], user: str) -> None:
    client = plan.org.client(user)
    offering = catalogue["a"]
    visible = user not in ("admin_b", "pegawai_b")
    expected = 403 if visible else 404
    assert client.get(f"/katalog/{offering.pk}/ubah/").status_code == expected
    assert client.post(f"/katalog/{offering.pk}/ubah/", form_data(plan, title="Dibajak")).status_code == expected
    assert client.get(f"/katalog/{offering.pk}/aktif/").status_code == expected
    assert client.post(f"/katalog/{offering.pk}/aktif/", {"aktif": "0"}).status_code == expected
    offering.refresh_from_db()
    assert offering.title == "Pelatihan Pengelolaan Anggaran" and offering.active
    if user != "admin_b":
        assert client.get("/katalog/baru/").status_code == 403
        assert client.post("/katalog/baru/", form_data(plan)).status_code == 403
    assert Offering.objects.count() == len(catalogue)


def test_admin_instansi_cannot_edit_the_national_catalogue(plan: Plan, catalogue: dict[str, Offering]) -> None:
    national = catalogue["national"]
    client = plan.org.client("admin_a")
    assert client.get(f"/katalog/{national.pk}/ubah/").status_code == 403
    assert client.post(f"/katalog/{national.pk}/aktif/", {"aktif": "0"}).status_code == 403
    national.refresh_from_db()
    assert national.active


def test_deactivate_and_reactivate_with_confirmation(plan: Plan, catalogue: dict[str, Offering]) -> None:
    offering = catalogue["a"]
    client = plan.org.client("admin_a")
    confirm = client.get(f"/katalog/{offering.pk}/aktif/")
    assert confirm.status_code == 200 and "Nonaktifkan penawaran?" in confirm.content.decode()
    offering.refresh_from_db()
    assert offering.active  # a GET changes nothing
    assert client.post(f"/katalog/{offering.pk}/aktif/", {"aktif": "0"}).status_code == 302
    offering.refresh_from_db()
    assert not offering.active
    assert AuditEvent.objects.filter(entity="planning.offering", action="deactivate").count() == 1
    # A repeated submit of the same form changes nothing more.
    client.post(f"/katalog/{offering.pk}/aktif/", {"aktif": "0"})
    offering.refresh_from_db()
    assert not offering.active
    assert "Pelatihan Pengelolaan Anggaran" not in titles(plan.org.client("staf1").get("/katalog/"))
    client.post(f"/katalog/{offering.pk}/aktif/", {"aktif": "1"})
    offering.refresh_from_db()
    assert offering.active


def test_edit_does_not_change_activation(plan: Plan, catalogue: dict[str, Offering]) -> None:
    offering = catalogue["a_inactive"]
    client = plan.org.client("admin_a")
    assert "active" not in client.get(f"/katalog/{offering.pk}/ubah/").context["form"].fields
    data = form_data(plan, title="Workshop Baru", active="on")
    assert client.post(f"/katalog/{offering.pk}/ubah/", data).status_code == 302
    offering.refresh_from_db()
    assert offering.title == "Workshop Baru" and not offering.active


def test_detail_and_form_pages_query_counts(
    plan: Plan, catalogue: dict[str, Offering], django_assert_max_num_queries: Any
) -> None:
    client = plan.org.client("admin_a")
    with django_assert_max_num_queries(7):
        assert client.get(f"/katalog/{catalogue['a'].pk}/").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get("/katalog/baru/").status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(f"/katalog/{catalogue['a'].pk}/ubah/").status_code == 200
