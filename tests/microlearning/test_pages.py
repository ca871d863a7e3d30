"""Authoring pages of the admin instansi and the atasan's reflection pages: flows, scoping by id (404), roles
(403) and pinned query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bangkom.learning.models import LearningRecord
from bangkom.microlearning.models import Attempt, AttemptStatus, Module, ModuleStatus
from bangkom.microlearning.services import apply_events
from tests.conftest import Org
from tests.microlearning.conftest import complete_events, make_module

pytestmark = pytest.mark.django_db


def submitted(org: Org, module: Module, who: str = "staf1") -> Attempt:
    apply_events(user=org.users[who], events=complete_events(module))
    return Attempt.objects.get(module=module, employee=getattr(org, who))


def test_admin_creates_and_publishes_a_module(org: Org) -> None:
    c = org.client("admin_a")
    r = c.post(
        reverse("module_create"),
        {"title": "Etika ASN", "summary": "", "jp": "", "task": "Amati rapat.", "reflection_prompt": "Apa?"},
    )
    m = Module.objects.get()
    assert r.status_code == 302 and m.agency == org.agency_a and str(m.jp) == "3.00"
    c.post(reverse("module_page_create", args=[m.pk]), {"title": "Nilai dasar", "body": "BerAKHLAK."})
    c.post(
        reverse("module_question_create", args=[m.pk]),
        {"text": "Nilai pertama?", "choices": "Berorientasi pelayanan\nAkuntabel", "correct": "1"},
    )
    assert m.questions.get().correct == 0
    html = c.get(reverse("module_publish", args=[m.pk])).content.decode()
    assert "Ya, terbitkan" in html
    c.post(reverse("module_publish", args=[m.pk]))
    m.refresh_from_db()
    assert m.status == ModuleStatus.PUBLISHED and m.version == 1


def test_bad_input_is_shown_on_the_form(org: Org) -> None:
    c = org.client("admin_a")
    html = c.post(reverse("module_create"), {"title": "", "jp": "nol"}).content.decode()
    assert "Judul modul wajib diisi." in html and "JP harus angka" in html
    m = make_module(org, publish=False)
    html = c.post(
        reverse("module_question_create", args=[m.pk]), {"text": "Soal", "choices": "Satu", "correct": "1"}
    ).content.decode()
    assert "2 sampai 6 pilihan" in html
    questions = m.questions.count()
    for correct in ("²", "9" * 5000):  # digits that int() refuses or cannot hold (were a 500)
        r = c.post(
            reverse("module_question_create", args=[m.pk]), {"text": "Soal", "choices": "Satu\nDua", "correct": correct}
        )
        assert r.status_code == 200 and m.questions.count() == questions
    assert not Module.objects.exclude(pk=m.pk).exists()


def test_module_list_search_and_paging(org: Org, django_assert_num_queries: Any) -> None:
    make_module(org, title="Nota dinas")
    make_module(org, title="Surat edaran")
    make_module(org, agency="b", title="Nota dinas B")
    c = org.client("admin_a")
    with django_assert_num_queries(5):  # session, user, grants, count, page
        html = c.get(reverse("module_list"), {"q": "nota"}).content.decode()
    assert "Nota dinas" in html and "Surat edaran" not in html and "Nota dinas B" not in html


@pytest.mark.parametrize(
    "name",
    [
        "module_detail",
        "module_edit",
        "module_publish",
        "module_package",
        "module_page_create",
        "module_question_create",
    ],
)
def test_other_instansi_module_is_404(org: Org, name: str) -> None:
    foreign = make_module(org, agency="b", title="Modul B")
    assert org.client("admin_a").get(reverse(name, args=[foreign.pk])).status_code == 404
    assert org.client("admin_b").get(reverse(name, args=[foreign.pk])).status_code == 200


def test_parts_of_another_module_are_404(org: Org, module: Module) -> None:
    foreign = make_module(org, agency="b", title="Modul B")
    page_b, q_b = foreign.pages.first(), foreign.questions.first()
    assert page_b is not None and q_b is not None
    c = org.client("admin_a")
    assert c.get(reverse("module_page_edit", args=[module.pk, page_b.pk])).status_code == 404
    assert c.get(reverse("module_question_edit", args=[module.pk, q_b.pk])).status_code == 404
    assert c.post(reverse("module_part_delete", args=[module.pk, "halaman", page_b.pk])).status_code == 404
    assert c.post(reverse("module_archive", args=[foreign.pk])).status_code == 404
    assert foreign.pages.count() == 2


def test_module_detail_query_count(org: Org, module: Module, django_assert_num_queries: Any) -> None:
    submitted(org, module)
    c = org.client("admin_a")
    with django_assert_num_queries(9):  # session, user, grants, module, counts, pages, questions, 2x publish check
        assert c.get(reverse("module_detail", args=[module.pk])).status_code == 200


def test_pegawai_cannot_author(org: Org, module: Module) -> None:
    c = org.client("staf1")
    assert c.get(reverse("module_list")).status_code == 403
    assert c.get(reverse("module_detail", args=[module.pk])).status_code == 403


def test_atasan_confirms_from_the_page(org: Org, module: Module, django_assert_num_queries: Any) -> None:
    attempt = submitted(org, module)
    submitted(org, make_module(org, title="Modul kedua"))
    kabid = org.client("kabid")
    with django_assert_num_queries(7):  # session, user, grants, pegawai, atasan?, count, page
        html = kabid.get(reverse("reflection_list")).content.decode()
    assert "Staf Satu" in html and "Modul kedua" in html
    with django_assert_num_queries(7):  # session, user, grants, pegawai, atasan?, attempt, questions
        html = kabid.get(reverse("reflection_detail", args=[attempt.pk])).content.decode()
    assert "Skor soal: 2 dari 2" in html and "Saya akan menulis lebih ringkas." in html
    kabid.post(reverse("reflection_confirm", args=[attempt.pk]))
    kabid.post(reverse("reflection_confirm", args=[attempt.pk]))
    assert LearningRecord.objects.filter(employee=org.staf1, form_id=16).count() == 1


@pytest.mark.parametrize("who", ["kepala", "kasubag", "staf2", "admin_a", "pegawai_b", "staf1"])
def test_attempt_of_someone_not_a_direct_subordinate_is_404(org: Org, module: Module, who: str) -> None:
    attempt = submitted(org, module)
    c = org.client(who)
    for name in ("reflection_detail",):
        assert c.get(reverse(name, args=[attempt.pk])).status_code in (403, 404)
    for name in ("reflection_confirm", "reflection_return"):
        assert c.post(reverse(name, args=[attempt.pk]), {"reason": "x"}).status_code in (403, 404)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and not LearningRecord.objects.exists()


def test_return_needs_reason(org: Org, module: Module) -> None:
    attempt = submitted(org, module)
    kabid = org.client("kabid")
    r = kabid.post(reverse("reflection_return", args=[attempt.pk]), {"reason": ""}, follow=True)
    assert "Tuliskan alasan" in r.content.decode()
    kabid.post(reverse("reflection_return", args=[attempt.pk]), {"reason": "Tambahkan contoh."})
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.RETURNED


def test_navigation_links(org: Org) -> None:
    assert reverse("module_list") in org.client("admin_a").get(reverse("home")).content.decode()
    assert reverse("reflection_list") in org.client("kabid").get(reverse("home")).content.decode()
    assert reverse("reflection_list") not in org.client("staf1").get(reverse("home")).content.decode()


def test_admin_of_two_instansi_chooses_one(org: Org) -> None:
    from bangkom.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=org.users["admin_a"], role=Role.ADMIN_INSTANSI, agency=org.agency_b)
    c = org.client("admin_a")
    assert 'name="agency"' in c.get(reverse("module_create")).content.decode()
    c.post(reverse("module_create"), {"agency": str(org.agency_b.pk), "title": "Untuk B"})
    assert Module.objects.get().agency == org.agency_b


def test_admin_decides_for_a_pegawai_without_atasan(org: Org, module: Module) -> None:
    # The kepala has no direct atasan: the admin instansi confirms; no one else, and not the kepala.
    attempt = submitted(org, module, "kepala")
    of_staff = submitted(org, make_module(org, title="Modul kedua"))
    for who in ("admin_b", "kabid", "kasubag", "kepala"):
        assert org.client(who).get(reverse("reflection_detail", args=[attempt.pk])).status_code in (403, 404), who
    admin = org.client("admin_a")
    assert reverse("reflection_list") in admin.get(reverse("home")).content.decode()
    html = admin.get(reverse("reflection_list")).content.decode()
    assert "Kepala A" in html and "Modul kedua" not in html and "tidak memiliki atasan langsung" in html
    assert admin.get(reverse("reflection_detail", args=[of_staff.pk])).status_code == 404
    admin.post(reverse("reflection_confirm", args=[attempt.pk]))
    record = LearningRecord.objects.get(employee=org.kepala, form_id=16)
    assert record.verified_by == org.users["admin_a"]
    of_staff.refresh_from_db()
    assert of_staff.status == AttemptStatus.SUBMITTED
