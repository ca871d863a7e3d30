"""Pages of coaching and mentoring: the admin's programme, participants, proposal with reasons, edits, publish and
downloads; the pair's page where the mentee logs and the mentor confirms; and every page scoped."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.jobs.models import Job
from bangkom.learning.models import LearningRecord
from bangkom.mentoring.models import Pairing, PairingStatus, Participant, Programme, ProgrammeStatus, Session
from tests.conftest import Org


def _dates() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today - dt.timedelta(days=60), today + dt.timedelta(days=120)


def _form(**kw: Any) -> dict[str, Any]:
    start, end = _dates()
    return {
        "kind": "mentoring",
        "name": "Mentoring analis",
        "goal": "Analis menguasai penyusunan kebijakan",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "unit": "",
        "sessions_per_month": "2",
        "unit_rule": "any",
        "allow_direct_atasan": "1",
        "mentor_min_level": "4",
        **kw,
    }


def _competencies(org: Org) -> None:
    m1, m4 = Competency.objects.get(code="M.1"), Competency.objects.get(code="M.4")
    for comp in (m1, m4):
        Requirement.objects.create(position=org.pos_a_staff, competency=comp, required_level=3)
    day = dt.date(2025, 6, 1)
    for emp, comp, level in (
        (org.staf1, m1, 1),
        (org.staf1, m4, 2),
        (org.staf2, m1, 2),
        (org.staf2, m4, 3),
        (org.kabid, m1, 5),
        (org.kabid, m4, 4),
        (org.kasubag, m1, 4),
    ):
        Assessment.objects.create(employee=emp, competency=comp, level=level, assessed_on=day, method="uji_kompetensi")


def _create(org: Org, **kw: Any) -> Programme:
    r = org.client("admin_a").post("/program/baru/", _form(**kw))
    prog = Programme.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/program/{prog.pk}/"
    return prog


def _participants(org: Org, prog: Programme) -> None:
    r = org.client("admin_a").post(
        f"/program/{prog.pk}/peserta/",
        {
            "mentees": f"{org.staf1.nip}\n{org.staf2.nip}\n",
            "mentors": f"{org.kabid.nip};1\n{org.kasubag.nip};1\n{org.kepala.nip};2",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]


def _running(org: Org) -> Pairing:
    """kabid mentors staf1 in a published programme, set up through the pages."""
    prog = _create(org)
    admin = org.client("admin_a")
    assert (
        admin.post(
            f"/program/{prog.pk}/peserta/", {"mentees": org.staf1.nip, "mentors": f"{org.kabid.nip};2"}
        ).status_code
        == 302
    )
    assert admin.post(f"/program/{prog.pk}/mentee/{org.staf1.pk}/", {"mentor": org.kabid.pk}).status_code == 302
    assert admin.post(f"/program/{prog.pk}/umumkan/").status_code == 302
    return Pairing.objects.get(programme=prog)


def test_admin_creates_a_programme_and_bad_input_writes_nothing(org: Org) -> None:
    admin = org.client("admin_a")
    assert admin.get("/program/baru/").status_code == 200
    bad = admin.post(
        "/program/baru/",
        _form(kind="kuliah", name=" ", start_date="31/13/2026", sessions_per_month="9", mentor_min_level="0"),
    )
    assert bad.status_code == 422 and not Programme.objects.exists()
    body = bad.content.decode()
    for text in (
        "Pilih coaching atau mentoring",
        "Nama program wajib diisi",
        "Tanggal tidak dapat dibaca",
        "Sesi per bulan harus antara 1 dan 8",
        "Level minimal mentor harus antara 1 dan 5",
    ):
        assert text in body
    assert "31/13/2026" in body  # the input is kept
    empty = admin.post("/program/baru/", _form(end_date="2020-01-01"))
    assert empty.status_code == 422 and "Tanggal selesai tidak boleh sebelum tanggal mulai" in empty.content.decode()
    assert not Programme.objects.exists()
    prog = _create(org, unit=str(org.unit_a2.pk), same_location="1")
    nothing = admin.post(f"/program/{prog.pk}/umumkan/", follow=True).content.decode()
    assert "Belum ada pasangan untuk diumumkan" in nothing
    assert Programme.objects.get().status == ProgrammeStatus.DRAFT
    bad_edit = admin.post(f"/program/{prog.pk}/ubah/", _form(name="", sessions_per_month="x"))
    assert bad_edit.status_code == 422 and Programme.objects.get().name == "Mentoring analis"
    assert (prog.kind, prog.unit_id, prog.same_location, prog.allow_direct_atasan) == (
        "mentoring",
        org.unit_a2.pk,
        True,
        True,
    )
    edit = admin.post(f"/program/{prog.pk}/ubah/", _form(name="Mentoring analis 2026", unit=""))
    assert edit.status_code == 302
    prog.refresh_from_db()
    assert prog.name == "Mentoring analis 2026" and not prog.same_location and prog.unit_id is None
    listing = admin.get("/program/?q=analis").content.decode()
    assert "Mentoring analis 2026" in listing and "Program baru" in listing
    assert "Mentoring analis" not in admin.get("/program/?q=coaching").content.decode()


def test_admin_sets_participants_proposes_reads_reasons_edits_and_publishes(org: Org) -> None:
    _competencies(org)
    prog = _create(org)
    admin = org.client("admin_a")
    page = admin.get(f"/program/{prog.pk}/peserta/?q=Staf").content.decode()
    assert org.staf1.nip in page and org.staf2.nip in page and org.pegawai_b.nip not in page

    bad = admin.post(
        f"/program/{prog.pk}/peserta/",
        {"mentees": f"{org.staf1.nip}\n{org.pegawai_b.nip}", "mentors": f"{org.kabid.nip};25\n{org.kasubag.nip}"},
    )
    assert bad.status_code == 422 and not Participant.objects.exists()
    body = bad.content.decode()
    assert "tidak ditemukan di instansi ini" in body and "NIP;kapasitas" in body
    bad = admin.post(f"/program/{prog.pk}/peserta/", {"mentees": org.staf1.nip, "mentors": f"{org.kabid.nip};25"})
    assert bad.status_code == 422 and "Kapasitas mentor harus antara 1 dan 20" in bad.content.decode()
    assert not Participant.objects.exists()

    _participants(org, prog)
    assert prog.participants.count() == 5
    form = admin.get(f"/program/{prog.pk}/peserta/").content.decode()
    assert f"{org.kabid.nip};1" in form  # the current list is shown for editing

    r = admin.post(f"/program/{prog.pk}/usulan/")
    job = Job.objects.get(kind="mentoring_match")
    assert r.status_code == 302 and r["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == "succeeded"
    assert admin.get(r["Location"]).status_code == 200
    pairs = {p.mentee_id: p for p in Pairing.objects.filter(programme=prog)}
    assert pairs[org.staf1.pk].mentor == org.kabid and pairs[org.staf2.pk].mentor == org.kasubag

    dash = admin.get(f"/program/{prog.pk}/").content.decode()
    assert 'class="chart bars"' in dash
    assert "M.1: kesenjangan 2 level, level mentor 5" in dash and "unit kerja yang sama" in dash
    assert "Semua mentee sudah berpasangan" in dash

    # The admin gives staf2 to kepala instead; the pair then says it was chosen by the admin.
    choose = admin.get(f"/program/{prog.pk}/mentee/{org.staf2.pk}/").content.decode()
    assert "Kepala A" in choose and "0 dari 2 mentee" in choose
    full = admin.post(f"/program/{prog.pk}/mentee/{org.staf2.pk}/", {"mentor": org.kabid.pk})
    assert full.status_code == 422 and "Kapasitas mentor ini sudah penuh" in full.content.decode()
    assert admin.post(f"/program/{prog.pk}/mentee/{org.staf2.pk}/", {"mentor": org.kepala.pk}).status_code == 302
    pair = Pairing.objects.get(programme=prog, mentee=org.staf2)
    assert pair.mentor == org.kepala
    assert "dipilih admin" in admin.get(f"/program/{prog.pk}/").content.decode()

    # Until it is announced a proposal is the admin's draft: the pair does not see it.
    for user in ("staf1", "kabid"):
        assert org.client(user).get(f"/pasangan/{pairs[org.staf1.pk].pk}/").status_code == 404
    assert "Kabid A" not in org.client("staf1").get(f"/program/{prog.pk}/").content.decode()

    # Removing a proposal asks first.
    ask = admin.get(f"/pasangan/{pair.pk}/akhiri/")
    assert ask.status_code == 200 and "Hapus usulan pasangan?" in ask.content.decode()
    assert Pairing.objects.filter(pk=pair.pk).exists()
    assert admin.post(f"/pasangan/{pair.pk}/akhiri/").status_code == 302
    assert not Pairing.objects.filter(pk=pair.pk).exists()
    dash = admin.get(f"/program/{prog.pk}/").content.decode()
    assert "Mentee tanpa pasangan" in dash and f"/program/{prog.pk}/mentee/{org.staf2.pk}/" in dash

    ask = admin.get(f"/program/{prog.pk}/umumkan/")
    assert ask.status_code == 200 and "Ya, umumkan" in ask.content.decode()
    assert Programme.objects.get().status == ProgrammeStatus.DRAFT
    assert admin.post(f"/program/{prog.pk}/umumkan/").status_code == 302
    assert Programme.objects.get().status == ProgrammeStatus.PUBLISHED
    assert Pairing.objects.get(programme=prog).status == PairingStatus.ACTIVE

    # Downloads: the same pairs, with reasons.
    rows = list(csv.reader(io.StringIO(admin.get(f"/program/{prog.pk}/?format=csv").content.decode())))
    assert rows[0][:2] == ["mentee_nip", "mentee_name"]
    assert [(r[1], r[4]) for r in rows[1:]] == [("Staf Satu", "Kabid A")] and "M.1" in rows[1][8]
    xlsx = admin.get(f"/program/{prog.pk}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "mentee_nip" and values[1][1] == "Staf Satu"


def test_mentee_logs_a_session_the_mentor_confirms_and_jp_appears(org: Org) -> None:
    pair = _running(org)
    staf1, kabid = org.client("staf1"), org.client("kabid")
    mine = staf1.get("/program/saya/").content.decode()
    assert "Mentoring analis" in mine and "Kabid A" in mine
    assert "Staf Satu" in kabid.get("/program/saya/").content.decode()

    page = staf1.get(f"/pasangan/{pair.pk}/").content.decode()
    assert "Analis menguasai penyusunan kebijakan" in page and "Refleksi saya" in page and "Catatan mentor" not in page
    day = timezone.localdate() - dt.timedelta(days=1)
    bad = staf1.post(f"/pasangan/{pair.pk}/", {"date": "kemarin", "topic": "", "duration_minutes": "2"})
    assert bad.status_code == 422 and not Session.objects.exists()
    assert "Tanggal tidak dapat dibaca" in bad.content.decode() and "Topik sesi wajib diisi" in bad.content.decode()
    r = staf1.post(
        f"/pasangan/{pair.pk}/",
        {
            "date": day.isoformat(),
            "topic": "Menyusun naskah kebijakan",
            "duration_minutes": "90",
            "reflection": "Paham",
        },
    )
    assert r.status_code == 302
    session = Session.objects.get()
    assert session.status == "held" and session.reflection == "Paham"
    assert "Konfirmasi sesi" not in staf1.get(f"/pasangan/{pair.pk}/").content.decode()
    assert staf1.post(f"/sesi/{session.pk}/konfirmasi/").status_code == 403

    mentor_page = kabid.get(f"/pasangan/{pair.pk}/").content.decode()
    assert "Konfirmasi sesi" in mentor_page and "Paham" in mentor_page and "Catatan mentor" in mentor_page
    done = kabid.post(f"/sesi/{session.pk}/konfirmasi/", follow=True).content.decode()
    assert "Sesi dikonfirmasi" in done
    session.refresh_from_db()
    assert session.status == "confirmed" and session.jp > 0
    record = LearningRecord.objects.get(employee=org.staf1)
    assert record.jp == session.jp and record.status == "verified"
    assert f"{session.jp.normalize():f}" in done

    # The mentor's notes are the mentor's: the mentee never sees them; a confirmed session is not edited again.
    assert org.client("staf1").get(f"/sesi/{session.pk}/").status_code == 302
    assert "tidak dapat diubah" in staf1.get(f"/sesi/{session.pk}/", follow=True).content.decode()

    # A confirmed session cannot be cancelled; a new one can.
    assert staf1.post(f"/sesi/{session.pk}/batal/").status_code == 302
    assert Session.objects.get(pk=session.pk).status == "confirmed"
    staf1.post(f"/pasangan/{pair.pk}/", {"date": day.isoformat(), "topic": "Lanjutan", "duration_minutes": "60"})
    second = Session.objects.exclude(pk=session.pk).get()
    edit = kabid.get(f"/sesi/{second.pk}/").content.decode()
    assert "Ubah sesi" in edit and 'value="Lanjutan"' in edit
    r = kabid.post(
        f"/sesi/{second.pk}/",
        {"date": day.isoformat(), "topic": "Lanjutan", "duration_minutes": "60", "mentor_notes": "Perlu latihan data"},
    )
    assert r.status_code == 302 and Session.objects.get(pk=second.pk).mentor_notes == "Perlu latihan data"
    assert "Perlu latihan data" in kabid.get(f"/pasangan/{pair.pk}/").content.decode()
    assert "Perlu latihan data" not in staf1.get(f"/pasangan/{pair.pk}/").content.decode()
    assert kabid.post(f"/sesi/{second.pk}/batal/").status_code == 302
    assert Session.objects.get(pk=second.pk).status == "cancelled"

    # The admin reads the pair, without the private texts and without the buttons.
    admin_page = org.client("admin_a").get(f"/pasangan/{pair.pk}/").content.decode()
    assert "Menyusun naskah kebijakan" in admin_page and "Paham" not in admin_page
    assert "Konfirmasi sesi" not in admin_page and "Simpan sesi" not in admin_page
    assert org.client("admin_a").post(f"/pasangan/{pair.pk}/", {"topic": "x"}).status_code == 403
    dash = org.client("admin_a").get(f"/program/{pair.programme_id}/").content.decode()
    assert "JP dikreditkan" in dash

    # The admin ends the running pair: its sessions stay, nobody logs new ones.
    admin = org.client("admin_a")
    ask = admin.get(f"/pasangan/{pair.pk}/akhiri/").content.decode()
    assert "Akhiri pasangan?" in ask and "2 sesi" in ask
    assert admin.post(f"/pasangan/{pair.pk}/akhiri/").status_code == 302
    assert Pairing.objects.get(pk=pair.pk).status == PairingStatus.ENDED and Session.objects.count() == 2
    assert "Simpan sesi" not in staf1.get(f"/pasangan/{pair.pk}/").content.decode()
    ended = admin.get(f"/program/{pair.programme_id}/?status=ended").content.decode()
    assert "Staf Satu" in ended and "Berakhir" in ended


def test_a_scheduled_session_is_logged_as_held_once_its_day_has_come(org: Org) -> None:
    pair = _running(org)
    soon = timezone.localdate() + dt.timedelta(days=3)
    org.client("kabid").post(
        f"/pasangan/{pair.pk}/", {"date": soon.isoformat(), "topic": "Rencana aksi", "duration_minutes": "45"}
    )
    session = Session.objects.get()
    assert session.status == "scheduled"
    assert "Catat sudah berlangsung" not in org.client("kabid").get(f"/pasangan/{pair.pk}/").content.decode()
    Session.objects.filter(pk=session.pk).update(date=timezone.localdate())
    page = org.client("staf1").get(f"/pasangan/{pair.pk}/").content.decode()
    assert "Catat sudah berlangsung" in page and "Konfirmasi sesi" not in page
    r = org.client("staf1").post(
        f"/sesi/{session.pk}/",
        {"date": timezone.localdate().isoformat(), "topic": "Rencana aksi", "duration_minutes": "45"},
    )
    assert r.status_code == 302
    session.refresh_from_db()
    assert session.status == "held" and session.topic == "Rencana aksi" and session.duration_minutes == 45


def test_the_monthly_cap_is_said_when_it_gives_zero_jp(org: Org) -> None:
    pair = _running(org)
    day = timezone.localdate() - dt.timedelta(days=1)
    LearningRecord.objects.create(
        employee=org.staf1,
        form_id=15,
        title="Mentoring lain",
        provider="P",
        start_date=day,
        end_date=day,
        jp=2,
        quantity=100,
        status="verified",
    )
    org.client("staf1").post(f"/pasangan/{pair.pk}/", {"date": day.isoformat(), "topic": "T", "duration_minutes": "60"})
    session = Session.objects.get()
    body = org.client("kabid").post(f"/sesi/{session.pk}/konfirmasi/", follow=True).content.decode()
    session.refresh_from_db()
    assert session.status == "confirmed" and session.jp == 0
    assert "0 JP" in body and "batas JP bulanan" in body


def test_outside_the_programme_everything_is_404_and_wrong_roles_403(org: Org) -> None:
    pair = _running(org)
    day = timezone.localdate() - dt.timedelta(days=1)
    org.client("staf1").post(f"/pasangan/{pair.pk}/", {"date": day.isoformat(), "topic": "T", "duration_minutes": "60"})
    session = Session.objects.get()
    prog = pair.programme
    for user in ("staf2", "kasubag", "kepala", "pegawai_b", "admin_b"):
        c = org.client(user)
        assert c.get(f"/program/{prog.pk}/").status_code == 404, user
        assert c.get(f"/program/{prog.pk}/?format=csv").status_code == 404
        assert c.get(f"/program/{prog.pk}/peserta/").status_code == 404
        assert c.post(f"/program/{prog.pk}/umumkan/").status_code == 404
        assert c.get(f"/pasangan/{pair.pk}/").status_code == 404
        assert c.post(f"/pasangan/{pair.pk}/akhiri/").status_code == 404
        assert c.get(f"/sesi/{session.pk}/").status_code == 404
        assert c.post(f"/sesi/{session.pk}/konfirmasi/").status_code == 404
        assert c.post(f"/sesi/{session.pk}/batal/").status_code == 404
        assert c.post(f"/program/{prog.pk}/mentee/{org.staf1.pk}/", {"mentor": org.kepala.pk}).status_code == 404
        assert "Mentoring analis" not in c.get("/program/").content.decode()
    assert Session.objects.get().status == "held"
    # Participants see the programme's page for them, but not the admin's pages.
    staf1 = org.client("staf1")
    page = staf1.get(f"/program/{prog.pk}/")
    assert page.status_code == 200 and "Mentor Anda: Kabid A" in page.content.decode()
    assert staf1.get(f"/program/{prog.pk}/peserta/").status_code == 403
    assert staf1.get(f"/program/{prog.pk}/ubah/").status_code == 403
    assert staf1.post(f"/program/{prog.pk}/usulan/").status_code == 403
    assert staf1.get(f"/pasangan/{pair.pk}/akhiri/").status_code == 403
    assert staf1.get("/program/baru/").status_code == 403
    assert org.client("admin_a").get("/program/saya/").status_code == 403
    for user in ("nasional", "penyelenggara_a"):
        assert org.client(user).get("/program/").status_code == 403
        assert org.client(user).get("/program/baru/").status_code == 403
    mine = staf1.get("/program/").content.decode()
    assert "Mentoring analis" in mine and "Mentee" in mine and "Program baru" not in mine


def test_overdue_pairs_are_flagged(org: Org) -> None:
    pair = _running(org)
    Programme.objects.filter(pk=pair.programme_id).update(published_at=timezone.now() - dt.timedelta(days=50))
    mine = org.client("staf1").get("/program/saya/").content.decode()
    assert "sudah lewat waktunya" in mine and "Kabid A" in mine
    assert "sudah lewat waktunya" in org.client("kabid").get(f"/pasangan/{pair.pk}/").content.decode()
    assert "sudah lewat waktunya" not in org.client("admin_a").get(f"/pasangan/{pair.pk}/").content.decode()


def test_pages_pin_their_query_count(org: Org, django_assert_num_queries: Any) -> None:
    _competencies(org)
    prog = _create(org)
    _participants(org, prog)
    admin = org.client("admin_a")
    admin.post(f"/program/{prog.pk}/usulan/")
    admin.post(f"/program/{prog.pk}/umumkan/")
    pair = Pairing.objects.get(programme=prog, mentee=org.staf1)
    staf1 = org.client("staf1")
    day = timezone.localdate() - dt.timedelta(days=1)
    for topic in ("Satu", "Dua", "Tiga"):
        staf1.post(f"/pasangan/{pair.pk}/", {"date": day.isoformat(), "topic": topic, "duration_minutes": "60"})
    pages = [
        (admin, f"/program/{prog.pk}/", 12),
        (admin, f"/program/{prog.pk}/?format=csv", 5),
        (admin, "/program/", 5),
        (admin, f"/program/{prog.pk}/peserta/?q=Staf", 6),
        (admin, f"/pasangan/{pair.pk}/", 5),
        (staf1, "/program/", 8),
        (staf1, f"/program/{prog.pk}/", 7),
        (staf1, f"/pasangan/{pair.pk}/", 8),
        (staf1, "/program/saya/", 7),
    ]
    for client, url, n in pages:
        client.get(url)  # warm the session
        with django_assert_num_queries(n, info=url):
            assert client.get(url).status_code == 200, url
