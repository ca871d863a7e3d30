"""The flows people use, in a real headless Chromium: login, own profile, language switch, import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from ..conftest import PASSWORD, Org, restore_reference_rows

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows_after"),
]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_pegawai_logs_in_sees_profile_and_switches_language(org: Org, live_server: Any, page: Any) -> None:
    base = live_server.url
    _login(page, base, "staf1")
    assert "Selamat datang" in page.content()
    page.click("text=Profil saya")
    page.wait_for_url(f"{base}/profil/")
    assert org.staf1.nip in page.content()
    with page.expect_navigation():
        page.select_option("#lang", "en")
    assert "My profile" in page.content()
    page.set_viewport_size({"width": 360, "height": 740})  # a phone: nothing wider than the screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_wrong_password_shows_indonesian_error(org: Org, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", "staf1")
    page.fill("#id_password", "bukan-sandinya")
    page.click("button[type=submit]")
    assert "Nama pengguna atau kata sandi salah" in page.content()


def test_admin_imports_a_file_and_sees_the_result(org: Org, live_server: Any, page: Any, tmp_path: Path) -> None:
    csv = tmp_path / "units.csv"
    csv.write_text("agency_code;code;name;parent_code\nA;A-U5;Bidang Lima;A-U0\nA;A-U6;Salah;TIDAK-ADA\n")
    with override_settings(VAR_DIR=tmp_path):
        _login(page, live_server.url, "admin_a")
        page.click("text=Impor")
        page.set_input_files("input[type=file]", str(csv))
        page.click("text=Mulai impor")
        page.wait_for_selector("progress")
        html = page.content()
    assert "units.csv:3:" in html
    assert "Unduh laporan kesalahan" in html


def test_pegawai_records_learning_and_atasan_verifies_it(
    org: Org, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    restore_reference_rows()
    import datetime as dt
    import io

    from django.utils import timezone
    from PIL import Image

    day = timezone.localdate() - dt.timedelta(days=2)
    evidence = tmp_path / "sertifikat.png"
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buf, format="PNG")
    evidence.write_bytes(buf.getvalue())
    base = live_server.url

    pegawai = browser.new_context(locale="id-ID").new_page()
    _login(pegawai, base, "staf1")
    pegawai.click("text=JP saya")
    pegawai.click("text=Catat pembelajaran")
    pegawai.select_option("#id_form", "14")  # coaching: 2 JP a session, at most 2 a month
    pegawai.fill("#id_title", "Coaching penyusunan SKP")
    pegawai.fill("#id_provider", "Kabid A")
    pegawai.fill("#id_start_date", day.isoformat())
    pegawai.fill("#id_end_date", day.isoformat())
    pegawai.fill("#id_quantity", "3")
    pegawai.set_input_files("#id_evidence", str(evidence))
    pegawai.click("button:has-text('Simpan')")
    pegawai.wait_for_selector("text=Catatan tersimpan")
    html = pegawai.content()
    assert "JP dibatasi dari 6 menjadi 4" in html  # the monthly cap, explained to the pegawai
    assert "Diajukan" in html and "4 JP menunggu verifikasi" in html

    atasan = browser.new_context(locale="id-ID").new_page()
    _login(atasan, base, "kabid")
    atasan.click("text=Verifikasi JP")
    assert "Coaching penyusunan SKP" in atasan.content()
    atasan.click("button:has-text('Verifikasi')")
    atasan.wait_for_selector("text=Diverifikasi:")
    assert "Tidak ada catatan yang menunggu verifikasi" in atasan.content()

    pegawai.reload()
    assert "Terverifikasi" in pegawai.content()
    assert "0 JP menunggu verifikasi" in pegawai.content()


def test_admin_plans_within_a_budget_and_the_atasan_approves_the_idp(org: Org, live_server: Any, browser: Any) -> None:
    restore_reference_rows()
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from bangkom.competency.models import Competency
    from bangkom.planning.models import Akpk, Need, Offering, OfferingCompetency, PlanRun

    comp = Competency.objects.create(code="A.T.9", name="Analisis Kebijakan", type="teknis", agency=org.agency_a)
    akpk = Akpk.objects.create(
        agency=org.agency_a, year=timezone.localdate().year, status="approved", approved_at=dt.datetime.now(dt.UTC)
    )
    for emp in (org.staf1, org.kasubag):
        Need.objects.create(
            akpk=akpk,
            employee=emp,
            competency=comp,
            source="gap_current",
            current_level=1,
            target_level=2,
            status="approved",
        )
    off = Offering.objects.create(
        title="Pelatihan Analis Kebijakan",
        provider="LAN",
        form_id=1,
        jp=Decimal("32"),
        cost_per_participant=4_000_000,
        seats=5,
        modality="offline",
    )
    OfferingCompetency.objects.create(offering=off, competency=comp, level_increase=1)
    base = live_server.url

    admin = browser.new_context(locale="id-ID").new_page()
    _login(admin, base, "admin_a")
    admin.click("text=AKPK")
    admin.click("text=Rencana pengembangan (optimasi anggaran)")
    admin.fill("#budget", "lima juta")
    admin.click("button:has-text('Hitung rencana')")
    assert "Anggaran harus berupa bilangan rupiah" in admin.content()
    admin.fill("#budget", "5.000.000")  # one participant only
    admin.fill("#time_limit", "5")
    admin.click("button:has-text('Hitung rencana')")
    admin.wait_for_selector("text=Kebutuhan tertutup")
    html = admin.content()
    assert "1 / 2" in html and "Rp 4.000.000" in html and 'class="chart line"' in html
    assert "Anggaran tidak cukup" in html  # why the second pegawai was left out
    admin.click("text=Tetapkan sebagai rencana AKPK")
    admin.click("button:has-text('Ya, tetapkan')")
    admin.wait_for_selector("text=Ditetapkan sebagai rencana AKPK")
    served = PlanRun.objects.get().items.get().employee

    atasan_name = "kabid" if served == org.staf1 else "kepala"
    atasan = browser.new_context(locale="id-ID").new_page()
    _login(atasan, base, atasan_name)
    atasan.click("text=Persetujuan IDP")
    assert served.name in atasan.content()
    atasan.click("button:has-text('Setujui')")
    atasan.wait_for_selector("text=disetujui")

    pegawai = browser.new_context(locale="id-ID").new_page()
    _login(pegawai, base, "staf1" if served == org.staf1 else "kasubag")
    pegawai.click("text=IDP saya")
    assert "Pelatihan Analis Kebijakan" in pegawai.content() and "Disetujui atasan" in pegawai.content()


def test_mentee_logs_a_coaching_session_and_the_mentor_confirms_it(org: Org, live_server: Any, browser: Any) -> None:
    restore_reference_rows()
    import datetime as dt

    from django.utils import timezone

    from bangkom.learning.models import LearningRecord
    from bangkom.mentoring.services import (
        ProgrammeData,
        pairing_set,
        participants_set,
        programme_publish,
        programme_save,
    )

    today = timezone.localdate()
    admin = org.users["admin_a"]
    prog = programme_save(
        actor=admin,
        agency=org.agency_a,
        data=ProgrammeData(
            kind="coaching",
            name="Coaching kinerja",
            start_date=today - dt.timedelta(days=30),
            end_date=today + dt.timedelta(days=60),
        ),
    )
    participants_set(actor=admin, programme=prog, mentees=[org.staf1.pk], mentors={org.kabid.pk: 2})
    pair = pairing_set(actor=admin, programme=prog, mentee=org.staf1, mentor=org.kabid)
    programme_publish(actor=admin, programme=prog)
    base = live_server.url

    mentee = browser.new_context(locale="id-ID").new_page()
    _login(mentee, base, "staf1")
    mentee.click("text=Coaching/mentoring")
    mentee.goto(f"{base}/pasangan/{pair.pk}/")
    mentee.fill("#date", (today - dt.timedelta(days=1)).isoformat())
    mentee.fill("#topic", "Menyusun rencana aksi SKP")
    mentee.fill("#goal", "SKP triwulan selesai tepat waktu")
    mentee.fill("#will", "Menyusun draf indikator minggu ini")
    mentee.fill("#reflection", "Saya jadi tahu indikator mana yang terukur")
    mentee.click("button:has-text('Simpan sesi')")
    mentee.wait_for_selector("text=Menyusun rencana aksi SKP")

    mentor = browser.new_context(locale="id-ID").new_page()
    _login(mentor, base, "kabid")
    mentor.goto(f"{base}/pasangan/{pair.pk}/")
    assert "Saya jadi tahu indikator mana yang terukur" in mentor.content()  # the mentee's reflection
    mentor.click("button:has-text('Konfirmasi sesi')")
    mentor.wait_for_selector("text=2 JP")
    record = LearningRecord.objects.get(employee=org.staf1)
    assert (record.form_id, record.jp, record.status) == (14, 2, "verified")

    outsider = browser.new_context(locale="id-ID").new_page()
    _login(outsider, base, "staf2")
    response = outsider.goto(f"{base}/pasangan/{pair.pk}/")
    assert response is not None and response.status == 404
