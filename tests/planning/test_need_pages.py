"""The AKPK needs pages: list with search, filters and downloads, proposal, review, bulk approval, aggregates,
AKPK approval, and the scope of each (nobody reaches a need outside their scope by changing an id)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from bangkom.audit.models import AuditEvent
from bangkom.planning.models import Akpk, AkpkStatus, Need, NeedSource, NeedStatus
from bangkom.planning.services import need_propose, need_review, needs_gather
from tests.planning.conftest import Plan


def gathered(plan: Plan) -> list[Need]:
    """The five gathered needs: kepala T.1, kabid M.1, staf1 M.1, M.4, T.1 (conftest)."""
    needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    return list(Need.objects.filter(akpk=plan.akpk))


def listed(response: Any) -> list[tuple[str, str]]:
    return sorted((n.employee.name, n.competency.code) for n in response.context["items"])


# --- list and scope -------------------------------------------------------------------------------------------


def test_admin_lists_every_need_of_the_akpk(plan: Plan, django_assert_max_num_queries: Any) -> None:
    gathered(plan)
    client = plan.org.client("admin_a")
    with django_assert_max_num_queries(14):
        response = client.get(f"/akpk/{plan.akpk.pk}/kebutuhan/")
    assert response.status_code == 200
    assert listed(response) == [
        ("Kabid A", "M.1"),
        ("Kepala A", "A.T.1"),
        ("Staf Satu", "A.T.1"),
        ("Staf Satu", "M.1"),
        ("Staf Satu", "M.4"),
    ]
    body = response.content.decode()
    assert "Staf Satu" in body and plan.org.staf1.nip in body
    # Needs of pegawai with an atasan wait for the atasan; kepala has none, so the admin decides it now.
    kepala = Need.objects.get(employee=plan.org.kepala)
    assert response.context["reviewable"] == {kepala.pk}


def test_atasan_sees_the_chain_and_pegawai_only_their_own(plan: Plan) -> None:
    gathered(plan)
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/"
    kabid = plan.org.client("kabid").get(url)
    assert listed(kabid) == [("Kabid A", "M.1"), ("Staf Satu", "A.T.1"), ("Staf Satu", "M.1"), ("Staf Satu", "M.4")]
    # kabid decides staf1's needs, not their own.
    staf1_ids = {n.pk for n in kabid.context["items"] if n.employee_id == plan.org.staf1.pk}
    assert kabid.context["reviewable"] == staf1_ids
    staf1 = plan.org.client("staf1").get(url)
    assert listed(staf1) == [("Staf Satu", "A.T.1"), ("Staf Satu", "M.1"), ("Staf Satu", "M.4")]
    assert staf1.context["reviewable"] == set()
    assert "Kabid A" not in staf1.content.decode()
    staf2 = plan.org.client("staf2").get(url)
    assert listed(staf2) == []


def test_other_instansi_gets_nothing(plan: Plan) -> None:
    needs = gathered(plan)
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/"
    for user in ("pegawai_b", "admin_b"):
        client = plan.org.client(user)
        assert client.get(url).status_code == 404
        assert client.get(url, {"format": "csv"}).status_code == 404
        assert client.get(f"/kebutuhan/{needs[0].pk}/").status_code == 404
        assert client.get(f"/akpk/{plan.akpk.pk}/kebutuhan/rekap/").status_code == 404


def test_a_pegawai_cannot_open_a_colleagues_need(plan: Plan) -> None:
    needs = gathered(plan)
    kabid_need = next(n for n in needs if n.employee_id == plan.org.kabid.pk)
    staf1_need = next(n for n in needs if n.employee_id == plan.org.staf1.pk)
    staf2 = plan.org.client("staf2")
    assert staf2.get(f"/kebutuhan/{kabid_need.pk}/").status_code == 404
    assert staf2.post(f"/kebutuhan/{staf1_need.pk}/", {"decision": "approve"}).status_code == 404
    staf1 = plan.org.client("staf1")
    assert staf1.get(f"/kebutuhan/{kabid_need.pk}/").status_code == 404
    own = staf1.get(f"/kebutuhan/{staf1_need.pk}/")
    assert own.status_code == 200 and own.context["can_review"] is False
    refused = staf1.post(f"/kebutuhan/{staf1_need.pk}/", {"decision": "approve"})
    assert refused.status_code == 200
    assert "tidak dapat memutuskan kebutuhannya sendiri" in refused.content.decode()
    assert Need.objects.get(pk=staf1_need.pk).status == NeedStatus.PROPOSED


def test_search_and_filters(plan: Plan) -> None:
    gathered(plan)
    need_propose(actor=plan.org.users["staf2"], employee=plan.org.staf2, competency=plan.m4, target_level=4)
    client = plan.org.client("admin_a")
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/"
    assert listed(client.get(url, {"q": "satu"})) == [
        ("Staf Satu", "A.T.1"),
        ("Staf Satu", "M.1"),
        ("Staf Satu", "M.4"),
    ]
    assert listed(client.get(url, {"q": plan.org.kabid.nip})) == [("Kabid A", "M.1")]
    assert listed(client.get(url, {"q": "anggaran"})) == [("Kepala A", "A.T.1"), ("Staf Satu", "A.T.1")]
    assert listed(client.get(url, {"sumber": NeedSource.PEGAWAI})) == [("Staf Dua", "M.4")]
    assert listed(client.get(url, {"unit": plan.org.unit_a.pk})) == [("Kepala A", "A.T.1")]
    assert len(client.get(url, {"status": NeedStatus.PROPOSED}).context["items"]) == 6
    assert listed(client.get(url, {"status": NeedStatus.APPROVED})) == []
    # Unknown filter values are ignored, not errors.
    assert len(client.get(url, {"sumber": "x", "status": "y", "unit": "z", "page": "9"}).context["items"]) == 6


def test_list_paginates(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    gathered(plan)
    monkeypatch.setattr("bangkom.planning.views_needs.PAGE_SIZE", 2)
    client = plan.org.client("admin_a")
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/"
    first = client.get(url, {"q": "a"})
    assert len(first.context["items"]) == 2
    assert first.context["page_obj"].paginator.num_pages == 3
    assert "page=2" in first.content.decode()
    third = client.get(url, {"q": "a", "page": 3})
    assert len(third.context["items"]) == 1


def test_downloads_are_scoped(plan: Plan) -> None:
    gathered(plan)
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/"
    lines = plan.org.client("staf1").get(url, {"format": "csv"}).content.decode().splitlines()
    assert lines[0].startswith("nip,name,unit_code,unit_name,competency_code")
    assert len(lines) == 4
    assert all(plan.org.staf1.nip in line for line in lines[1:])
    xlsx = plan.org.client("admin_a").get(url, {"format": "xlsx", "sumber": NeedSource.GAP_CURRENT})
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert len(rows) == 6
    assert {r[4] for r in rows[1:]} == {"A.T.1", "M.1", "M.4"}


def test_need_home_redirects_to_the_newest_akpk(plan: Plan) -> None:
    response = plan.org.client("staf1").get("/kebutuhan/")
    assert response.status_code == 302
    assert response["Location"] == f"/akpk/{plan.akpk.pk}/kebutuhan/"
    Akpk.objects.all().delete()
    none = plan.org.client("staf1").get("/kebutuhan/")
    assert none.status_code == 200
    assert "Belum ada AKPK" in none.content.decode()


# --- proposal ---------------------------------------------------------------------------------------------------


def propose_url(plan: Plan) -> str:
    return f"/akpk/{plan.akpk.pk}/kebutuhan/usul/"


def test_pegawai_proposes_for_themself(plan: Plan) -> None:
    client = plan.org.client("staf2")
    form = client.get(propose_url(plan))
    assert form.status_code == 200
    assert [c[0] for c in form.context["form"].fields["employee"].choices] == [str(plan.org.staf2.pk)]
    response = client.post(
        propose_url(plan),
        {
            "employee": plan.org.staf2.pk,
            "competency": plan.m4.pk,
            "target_level": "4",
            "priority": "5",
            "note": "Untuk tugas baru",
        },
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.employee, need.competency, need.target_level, need.priority) == (plan.org.staf2, plan.m4, 4, 5)
    assert (need.source, need.status, need.note) == (NeedSource.PEGAWAI, NeedStatus.PROPOSED, "Untuk tugas baru")
    assert need.current_level == 2


def test_atasan_proposes_for_a_subordinate(plan: Plan) -> None:
    client = plan.org.client("kabid")
    choices = {c[0] for c in client.get(propose_url(plan)).context["form"].fields["employee"].choices}
    assert choices == {str(plan.org.kabid.pk), str(plan.org.staf1.pk), str(plan.org.staf2.pk)}
    response = client.post(
        propose_url(plan),
        {"employee": plan.org.staf1.pk, "competency": plan.t1.pk, "target_level": "3", "priority": "2"},
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.employee, need.source, need.status) == (
        plan.org.staf1,
        NeedSource.ATASAN,
        NeedStatus.APPROVED_BY_ATASAN,
    )


BAD_PROPOSALS: list[tuple[dict[str, Any], str, str]] = [
    ({"target_level": ""}, "target_level", "wajib diisi"),
    ({"target_level": "9"}, "target_level", "antara 1 dan 5"),
    ({"target_level": "1"}, "target_level", "di atas level saat ini"),
    ({"priority": "7"}, "priority", "Prioritas harus antara 1"),
    ({"note": "x" * 2001}, "note", "terlalu panjang"),
    ({"competency": ""}, "competency", ""),
    ({"competency": "999999"}, "competency", ""),
    ({"employee": "kasubag"}, "employee", ""),  # not in kabid's chain: not a choice
]


@pytest.mark.parametrize(("over", "field", "text"), BAD_PROPOSALS)
def test_bad_proposals_write_nothing(plan: Plan, over: dict[str, Any], field: str, text: str) -> None:
    data = {"employee": plan.org.staf1.pk, "competency": plan.m4.pk, "target_level": "3", "priority": "3"}
    if over.get("employee") == "kasubag":
        over = {"employee": plan.org.kasubag.pk}
    data.update(over)
    response = plan.org.client("kabid").post(propose_url(plan), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if text:
        assert text in " ".join(errors[field])
    assert not Need.objects.exists()
    assert not AuditEvent.objects.exists()


def test_proposal_for_another_instansis_teknis_is_refused(plan: Plan) -> None:
    response = plan.org.client("staf1").post(
        propose_url(plan), {"employee": plan.org.staf1.pk, "competency": plan.t_b.pk, "target_level": "3"}
    )
    assert response.status_code == 200 and "competency" in response.context["form"].errors
    assert not Need.objects.exists()


def test_proposal_page_refusals(plan: Plan) -> None:
    assert plan.org.client("admin_a").get(propose_url(plan)).status_code == 403  # no pegawai of their own
    assert plan.org.client("pegawai_b").get(propose_url(plan)).status_code == 404
    Akpk.objects.filter(pk=plan.akpk.pk).update(status=AkpkStatus.APPROVED, approved_at=plan.akpk.created_at)
    response = plan.org.client("staf1").post(
        propose_url(plan), {"employee": plan.org.staf1.pk, "competency": plan.m4.pk, "target_level": "3"}, follow=True
    )
    assert "sudah disetujui" in response.content.decode()
    assert not Need.objects.exists()


# --- review -------------------------------------------------------------------------------------------------------


def test_review_order_atasan_then_admin(plan: Plan) -> None:
    need = next(n for n in gathered(plan) if n.employee_id == plan.org.staf1.pk)
    url = f"/kebutuhan/{need.pk}/"
    admin = plan.org.client("admin_a")
    assert admin.get(url).context["can_review"] is False
    early = admin.post(url, {"decision": "approve"})
    assert "menunggu keputusan atasan" in early.content.decode()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.PROPOSED

    kabid = plan.org.client("kabid")
    assert kabid.get(url).context["can_review"] is True
    assert kabid.post(url, {"decision": "approve"}).status_code == 302
    assert Need.objects.get(pk=need.pk).status == NeedStatus.APPROVED_BY_ATASAN
    assert kabid.get(url).context["can_review"] is False
    assert admin.get(url).context["can_review"] is True
    assert admin.post(url, {"decision": "approve"}).status_code == 302
    assert Need.objects.get(pk=need.pk).status == NeedStatus.APPROVED


def test_rejection_needs_a_reason(plan: Plan) -> None:
    need = next(n for n in gathered(plan) if n.employee_id == plan.org.staf1.pk)
    url = f"/kebutuhan/{need.pk}/"
    kabid = plan.org.client("kabid")
    response = kabid.post(url, {"decision": "reject", "reason": "  "})
    assert response.status_code == 200
    assert "Alasan penolakan wajib diisi" in " ".join(response.context["form"].errors["reason"])
    bad = kabid.post(url, {"decision": "mungkin"})
    assert "decision" in bad.context["form"].errors
    assert Need.objects.get(pk=need.pk).status == NeedStatus.PROPOSED
    assert not AuditEvent.objects.filter(entity="planning.need").exists()
    assert kabid.post(url, {"decision": "reject", "reason": "Sudah ikut tahun lalu"}).status_code == 302
    rejected = Need.objects.get(pk=need.pk)
    assert (rejected.status, rejected.review_reason) == (NeedStatus.REJECTED, "Sudah ikut tahun lalu")


# --- bulk approval ----------------------------------------------------------------------------------------------


def test_bulk_approve_asks_for_confirmation_first(plan: Plan) -> None:
    staf1 = [n.pk for n in gathered(plan) if n.employee_id == plan.org.staf1.pk]
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/setujui/"
    kabid = plan.org.client("kabid")
    confirm = kabid.post(url, {"need": staf1})
    assert confirm.status_code == 200
    assert sorted(n.pk for n in confirm.context["needs"]) == sorted(staf1)
    assert not Need.objects.exclude(status=NeedStatus.PROPOSED).exists()
    done = kabid.post(url, {"need": staf1, "confirm": "1"})
    assert done.status_code == 302
    assert set(Need.objects.filter(pk__in=staf1).values_list("status", flat=True)) == {NeedStatus.APPROVED_BY_ATASAN}
    assert Akpk.objects.get(pk=plan.akpk.pk).status == AkpkStatus.IN_REVIEW


def test_bulk_approve_is_all_or_nothing(plan: Plan) -> None:
    needs = gathered(plan)
    staf1 = [n.pk for n in needs if n.employee_id == plan.org.staf1.pk]
    kabid_own = next(n.pk for n in needs if n.employee_id == plan.org.kabid.pk)  # kabid cannot decide their own
    response = plan.org.client("kabid").post(
        f"/akpk/{plan.akpk.pk}/kebutuhan/setujui/", {"need": [*staf1, kabid_own], "confirm": "1"}, follow=True
    )
    assert "Tidak ada kebutuhan yang disetujui" in response.content.decode()
    assert not Need.objects.exclude(status=NeedStatus.PROPOSED).exists()
    assert not AuditEvent.objects.filter(entity="planning.need").exists()


def test_bulk_approve_refuses_needs_out_of_scope(plan: Plan) -> None:
    needs = gathered(plan)
    kepala_need = next(n.pk for n in needs if n.employee_id == plan.org.kepala.pk)
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/setujui/"
    assert plan.org.client("kabid").post(url, {"need": [kepala_need], "confirm": "1"}).status_code == 404
    assert plan.org.client("admin_b").post(url, {"need": [kepala_need], "confirm": "1"}).status_code == 404
    assert plan.org.client("kabid").get(url).status_code == 405
    empty = plan.org.client("kabid").post(url, {"need": ["x"]}, follow=True)
    assert "Pilih paling sedikit satu kebutuhan" in empty.content.decode()
    assert not Need.objects.exclude(status=NeedStatus.PROPOSED).exists()


def test_admin_bulk_approves_what_atasan_approved(plan: Plan) -> None:
    needs = gathered(plan)
    staf1 = [n for n in needs if n.employee_id == plan.org.staf1.pk]
    for n in staf1:
        need_review(actor=plan.org.users["kabid"], need=n, approve=True)
    admin = plan.org.client("admin_a")
    listing = admin.get(f"/akpk/{plan.akpk.pk}/kebutuhan/")
    # kepala has no atasan: the admin decides their need straight away.
    kepala = next(n.pk for n in needs if n.employee_id == plan.org.kepala.pk)
    assert listing.context["reviewable"] == {*(n.pk for n in staf1), kepala}
    admin.post(f"/akpk/{plan.akpk.pk}/kebutuhan/setujui/", {"need": [n.pk for n in staf1], "confirm": "1"})
    assert set(Need.objects.filter(pk__in=[n.pk for n in staf1]).values_list("status", flat=True)) == {
        NeedStatus.APPROVED
    }


# --- aggregates ---------------------------------------------------------------------------------------------------


def test_aggregates_with_chart_and_downloads(plan: Plan, django_assert_max_num_queries: Any) -> None:
    gathered(plan)
    client = plan.org.client("admin_a")
    url = f"/akpk/{plan.akpk.pk}/kebutuhan/rekap/"
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert [(r.competency_code, r.employees) for r in response.context["rows"]] == [
        ("A.T.1", 2),
        ("M.1", 2),
        ("M.4", 1),
    ]
    body = response.content.decode()
    assert "<svg" in body and 'class="bar"' in body
    per_unit = client.get(url, {"per": "unit"})
    assert next((r.unit_code, r.competency_code) for r in per_unit.context["rows"]) == ("A-U0", "A.T.1")
    assert "Kebutuhan per unit kerja" in per_unit.content.decode()
    lines = client.get(url, {"format": "csv"}).content.decode().splitlines()
    assert lines[0] == "competency_code,competency_name,employees,needs,mean_gap"
    assert lines[1] == "A.T.1,Pengelolaan Anggaran,2,2,1.50"
    # A pegawai's aggregates are their own needs only.
    staf1 = plan.org.client("staf1").get(url)
    assert [(r.competency_code, r.employees) for r in staf1.context["rows"]] == [
        ("A.T.1", 1),
        ("M.1", 1),
        ("M.4", 1),
    ]


# --- AKPK approval -----------------------------------------------------------------------------------------------


def test_akpk_approval_page(plan: Plan) -> None:
    gathered(plan)
    url = f"/akpk/{plan.akpk.pk}/setujui/"
    admin = plan.org.client("admin_a")
    page = admin.get(url)
    assert page.status_code == 200 and page.context["pending"] == 5
    blocked = admin.post(url, follow=True)
    assert "belum diputuskan" in blocked.content.decode()
    assert Akpk.objects.get(pk=plan.akpk.pk).status == AkpkStatus.DRAFT
    done = admin.post(url, {"approve_pending": "1"})
    assert done.status_code == 302
    assert Akpk.objects.get(pk=plan.akpk.pk).status == AkpkStatus.APPROVED
    assert set(Need.objects.values_list("status", flat=True)) == {NeedStatus.APPROVED}


@pytest.mark.parametrize(("user", "status"), [("kabid", 403), ("staf1", 403), ("admin_b", 404), ("nasional", 403)])
def test_akpk_approval_is_for_the_admin_instansi(plan: Plan, user: str, status: int) -> None:
    client = plan.org.client(user)
    assert client.get(f"/akpk/{plan.akpk.pk}/setujui/").status_code == status
    assert client.post(f"/akpk/{plan.akpk.pk}/setujui/", {"approve_pending": "1"}).status_code == status
    assert Akpk.objects.get(pk=plan.akpk.pk).status == AkpkStatus.DRAFT


def test_page_query_counts_do_not_grow_with_rows(plan: Plan, django_assert_max_num_queries: Any) -> None:
    needs = gathered(plan)
    staf1_need = next(n for n in needs if n.employee_id == plan.org.staf1.pk)
    kabid = plan.org.client("kabid")
    with django_assert_max_num_queries(8):
        assert kabid.get(f"/kebutuhan/{staf1_need.pk}/").status_code == 200
    with django_assert_max_num_queries(9):
        assert kabid.get(propose_url(plan)).status_code == 200
    need_propose(actor=plan.org.users["staf2"], employee=plan.org.staf2, competency=plan.m4, target_level=4)
    need_propose(actor=plan.org.users["staf2"], employee=plan.org.staf2, competency=plan.t1, target_level=3)
    with django_assert_max_num_queries(11):
        response = kabid.get(f"/akpk/{plan.akpk.pk}/kebutuhan/")
    assert len(response.context["items"]) == 6


def test_bulk_confirmation_names_what_cannot_be_decided(plan: Plan) -> None:
    needs = gathered(plan)
    staf1 = [n.pk for n in needs if n.employee_id == plan.org.staf1.pk]
    kabid_own = next(n.pk for n in needs if n.employee_id == plan.org.kabid.pk)
    response = plan.org.client("kabid").post(f"/akpk/{plan.akpk.pk}/kebutuhan/setujui/", {"need": [*staf1, kabid_own]})
    assert response.status_code == 200
    assert [n.pk for n in response.context["blocked"]] == [kabid_own]
    body = response.content.decode()
    assert "bukan giliran Anda" in body and 'name="confirm"' not in body
    assert not Need.objects.exclude(status=NeedStatus.PROPOSED).exists()
