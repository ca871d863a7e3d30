"""Kirkpatrick evaluation of an offering: rules (L1 once, L3 only by the atasan chain, who manages), scoping of
the pages (404 outside, 403 for a participant), the aggregates of a small case, and level 4 (too few on a tiny
group; a planted effect recovered on a synthetic instansi)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from bangkom.competency.loading import load_mapping
from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.evaluation import kirkpatrick as k
from bangkom.evaluation.models import BehaviourRating, EvaluationParticipant, PerformanceRating, ReactionResponse
from bangkom.org.models import Employee
from bangkom.planning.models import Offering
from tests.conftest import Org, next_nip

DONE = dt.date(2025, 6, 1)
GOOD = {"q1": "5", "q2": "4", "q3": "4", "q4": "5"}
RATE = {"s1": "4", "s2": "3", "s3": "5", "s4": "4"}


def _offering(org: Org, **kw: Any) -> Offering:
    return Offering.objects.create(
        agency=kw.pop("agency", org.agency_a),
        title=kw.pop("title", "Pelatihan Analisis Kebijakan"),
        provider="BPSDM",
        form_id=1,
        jp=Decimal("24"),
        modality="offline",
        **kw,
    )


def _join(org: Org, offering: Offering, *emps: Employee, on: dt.date = DONE) -> list[EvaluationParticipant]:
    return [k.participant_add(actor=org.users["admin_a"], offering=offering, employee=e, completed_on=on) for e in emps]


# --- rules ---------------------------------------------------------------------------------------------------


def test_participants_managed_by_admin_or_penyelenggara_of_the_instansi(org: Org) -> None:
    off = _offering(org)
    with pytest.raises(k.OutOfScope):
        k.participant_add(actor=org.users["admin_b"], offering=off, employee=org.staf1, completed_on=DONE)
    with pytest.raises(k.OutOfScope):
        k.participant_add(actor=org.users["kabid"], offering=off, employee=org.staf1, completed_on=DONE)
    k.participant_add(actor=org.users["penyelenggara_a"], offering=off, employee=org.staf1, completed_on=DONE)
    with pytest.raises(k.RecordInvalid) as exc:
        k.participant_add(actor=org.users["admin_a"], offering=off, employee=org.staf1, completed_on=DONE)
    assert "sudah terdaftar" in exc.value.messages[0]
    with pytest.raises(k.RecordInvalid) as exc:
        k.participant_add(actor=org.users["admin_a"], offering=off, employee=org.pegawai_b, completed_on=None)
    assert set(exc.value.errors) == {"employee", "completed_on"}
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(k.RecordInvalid):
        k.participant_add(actor=org.users["admin_a"], offering=off, employee=org.staf2, completed_on=future)
    assert EvaluationParticipant.objects.count() == 1
    national = _offering(org, agency=None)
    with pytest.raises(k.OutOfScope):
        k.participant_add(actor=org.users["admin_a"], offering=national, employee=org.staf2, completed_on=DONE)


def test_test_scores_range_and_scope(org: Org) -> None:
    (p,) = _join(org, _offering(org), org.staf1)
    with pytest.raises(k.RecordInvalid) as exc:
        k.test_scores_set(actor=org.users["admin_a"], participant=p, pre="40", post="101")
    assert "0 sampai 100" in exc.value.messages[0]
    p.refresh_from_db()
    assert (p.pre_score, p.post_score) == (None, None)
    with pytest.raises(k.OutOfScope):
        k.test_scores_set(actor=org.users["admin_b"], participant=p, pre="40", post="80")
    k.test_scores_set(actor=org.users["penyelenggara_a"], participant=p, pre="40", post=" 80 ")
    p.refresh_from_db()
    assert (p.pre_score, p.post_score) == (40, 80)


def test_reaction_only_own_and_once(org: Org) -> None:
    p1, _p2 = _join(org, _offering(org), org.staf1, org.staf2)
    with pytest.raises(k.OutOfScope):
        k.reaction_submit(actor=org.users["staf2"], participant=p1, answers=GOOD)
    with pytest.raises(k.OutOfScope):
        k.reaction_submit(actor=org.users["admin_a"], participant=p1, answers=GOOD)
    with pytest.raises(k.RecordInvalid) as exc:
        k.reaction_submit(actor=org.users["staf1"], participant=p1, answers={**GOOD, "q3": "6", "q4": ""})
    assert set(exc.value.errors) == {"q3", "q4"}
    assert not ReactionResponse.objects.exists()
    k.reaction_submit(actor=org.users["staf1"], participant=p1, answers=GOOD, comment=" Bagus ")
    with pytest.raises(k.RecordInvalid) as exc:
        k.reaction_submit(actor=org.users["staf1"], participant=p1, answers=GOOD)
    assert "sudah Anda isi" in exc.value.messages[0]
    r = ReactionResponse.objects.get()
    assert (r.q1, r.q2, r.q3, r.q4, r.comment) == (5, 4, 4, 5, "Bagus")


def test_behaviour_only_by_the_atasan_chain_once_after_completion(org: Org) -> None:
    p1, p2 = _join(org, _offering(org), org.staf1, org.staf2)
    for who in ("staf1", "staf2", "kasubag", "pegawai_b", "admin_a"):
        with pytest.raises(k.OutOfScope):
            k.behaviour_rate(actor=org.users[who], participant=p1, answers=RATE)
    with pytest.raises(k.RecordInvalid):
        k.behaviour_rate(actor=org.users["kabid"], participant=p1, answers={**RATE, "s1": "0"})
    with pytest.raises(k.RecordInvalid) as exc:
        k.behaviour_rate(actor=org.users["kabid"], participant=p1, answers=RATE, today=DONE - dt.timedelta(days=1))
    assert "setelah kegiatan selesai" in exc.value.messages[0]
    assert not BehaviourRating.objects.exists()
    k.behaviour_rate(actor=org.users["kabid"], participant=p1, answers=RATE)
    k.behaviour_rate(actor=org.users["kepala"], participant=p2, answers=RATE)  # indirect atasan
    with pytest.raises(k.RecordInvalid):
        k.behaviour_rate(actor=org.users["kepala"], participant=p1, answers=RATE)
    assert BehaviourRating.objects.get(participant=p1).rater_id == org.kabid.pk


def test_behaviour_due_list(org: Org) -> None:
    off = _offering(org)
    today = dt.date(2026, 3, 1)
    p1, p2 = _join(org, off, org.staf1, org.staf2, on=dt.date(2025, 6, 1))  # due 2025-08-30: overdue
    p3 = _join(org, _offering(org), org.staf1, on=dt.date(2025, 12, 15))[0]  # due 2026-03-15: upcoming
    p4 = _join(org, _offering(org), org.staf1, on=dt.date(2025, 11, 20))[0]  # due 2026-02-18: due
    k.behaviour_rate(actor=org.users["kabid"], participant=p2, answers=RATE)
    due = k.behaviour_due_for(org.users["kabid"], today)
    assert [(d.participant.pk, d.status) for d in due] == [(p1.pk, "overdue"), (p4.pk, "due"), (p3.pk, "upcoming")]
    assert [d.participant.pk for d in k.behaviour_due_for(org.users["kepala"], today)] == [p1.pk, p4.pk, p3.pk]
    assert k.behaviour_due_for(org.users["staf1"], today) == []
    assert k.behaviour_due_for(org.users["kasubag"], today) == []
    org.agency_a.settings = {"kirkpatrick_l3_days": 300}
    org.agency_a.save()
    assert [d.status for d in k.behaviour_due_for(org.users["kabid"], today)] == ["upcoming"] * 3


# --- aggregates -------------------------------------------------------------------------------------------


def test_report_aggregates_small_case(org: Org) -> None:
    off = _offering(org)
    p1, p2, p3 = _join(org, off, org.staf1, org.staf2, org.kasubag)
    admin = org.users["admin_a"]
    k.test_scores_set(actor=admin, participant=p1, pre="40", post="80")
    k.test_scores_set(actor=admin, participant=p2, pre="60", post="70")
    k.test_scores_set(actor=admin, participant=p3, pre="", post="90")
    k.reaction_submit(actor=org.users["staf1"], participant=p1, answers={"q1": 5, "q2": 4, "q3": 3, "q4": 5})
    k.reaction_submit(actor=org.users["staf2"], participant=p2, answers={"q1": 3, "q2": 4, "q3": 3, "q4": 1})
    k.behaviour_rate(actor=org.users["kabid"], participant=p1, answers={"s1": 4, "s2": 4, "s3": 2, "s4": 2})
    rep = k.offering_report(off)
    assert rep.participants == 3
    assert rep.reaction_n == 2
    assert [i.mean for i in rep.reaction] == [4.0, 4.0, 3.0, 3.0]
    assert rep.reaction[0].counts == (0, 0, 1, 0, 1)
    assert rep.reaction[3].counts == (1, 0, 0, 0, 1)
    assert rep.reaction_mean == pytest.approx(28 / 8)
    t = rep.tests
    assert (t.n_pre, t.n_post, t.n_paired) == (2, 3, 2)
    assert t.mean_pre == 50 and t.mean_post == 80 and t.mean_gain == 25
    assert rep.behaviour_n == 1 and rep.behaviour_mean == 3.0
    assert [i.counts for i in rep.behaviour][2] == (0, 1, 0, 0, 0)
    assert rep.impact.result.verdict == "too_few"


# --- level 4 ----------------------------------------------------------------------------------------------


def test_level4_too_few_on_a_tiny_group(org: Org) -> None:
    off = _offering(org)
    _join(org, off, org.staf1, org.staf2)
    for emp, (h0, p0), (h1, p1) in (
        (org.staf1, ("sesuai", "sesuai"), ("di_atas", "di_atas")),
        (org.staf2, ("di_bawah", "sesuai"), ("sesuai", "sesuai")),
        (org.kabid, ("sesuai", "sesuai"), ("sesuai", "sesuai")),
        (org.kasubag, ("di_bawah", "sesuai"), ("di_bawah", "sesuai")),
    ):
        PerformanceRating.objects.create(employee=emp, year=2024, hasil_kerja=h0, perilaku_kerja=p0)
        PerformanceRating.objects.create(employee=emp, year=2025, hasil_kerja=h1, perilaku_kerja=p1)
    level4 = k.impact_of(off)
    assert level4.year == 2025
    assert level4.result.verdict == "too_few" and not level4.shown
    assert level4.verdict_text == "Data belum cukup untuk menyimpulkan"
    assert level4.result.n_treated == 2


def test_level4_gap_is_the_total_skj_gap(org: Org) -> None:
    m1, m4 = Competency.objects.get(code="M.1"), Competency.objects.get(code="M.4")
    for comp in (m1, m4):
        Requirement.objects.create(position=org.pos_a_staff, competency=comp, required_level=3)
    for emp, comp, level in ((org.staf1, m1, 1), (org.staf2, m1, 4), (org.staf2, m4, 2)):
        Assessment.objects.create(employee=emp, competency=comp, level=level, assessed_on=DONE, method="uji_kompetensi")
    data = load_mapping(agency_ids=[org.agency_a.pk])
    gaps = dict(zip(data.employee_ids.tolist(), k._total_gaps(data).tolist(), strict=True))
    # staf1: 3-1 on M.1, M.4 unassessed counts 1; staf2: 0 + 1; no SKJ: 0
    assert (gaps[org.staf1.pk], gaps[org.staf2.pk], gaps[org.kabid.pk]) == (3.0, 1.0, 0.0)


# (hasil, perilaku) of each predicate, and one step up / down on the ordinal scale
PAIR = {
    "sangat_kurang": ("di_bawah", "di_bawah"),
    "butuh_perbaikan": ("di_bawah", "sesuai"),
    "baik": ("sesuai", "sesuai"),
    "sangat_baik": ("di_atas", "di_atas"),
}
UP = {"butuh_perbaikan": "baik", "baik": "sangat_baik"}
DOWN = {"butuh_perbaikan": "sangat_kurang", "baik": "butuh_perbaikan"}


def test_level4_recovers_a_planted_effect(org: Org) -> None:
    """40 participants among 200 analysts: each participant rises one predicate step (butuh perbaikan -> baik
    +2, baik -> sangat baik +1); everyone else moves up or down a step with probability 0.2 each (mean change
    +0.2 from butuh perbaikan, -0.2 from baik). True effect on the treated: 1.8 and 1.2 by starting predicate."""
    rng = np.random.default_rng(7)
    off = _offering(org)
    n, n_treated = 200, 40
    emps = Employee.objects.bulk_create(
        Employee(
            nip=next_nip(),
            name=f"Analis {i}",
            agency=org.agency_a,
            unit=org.unit_a2 if i % 3 else org.unit_a,
            position=org.pos_a_staff,
            employment_type="pns",
            supervisor=org.kabid,
        )
        for i in range(n)
    )
    ratings, parts, truth = [], [], []
    for i, emp in enumerate(emps):
        start = "butuh_perbaikan" if i % 2 else "baik"
        if i < n_treated:
            end = UP[start]
            parts.append(EvaluationParticipant(offering=off, employee=emp, completed_on=DONE))
            truth.append(1.8 if start == "butuh_perbaikan" else 1.2)
        else:
            u = rng.random()
            end = UP[start] if u < 0.2 else DOWN[start] if u < 0.4 else start
        for year, pred in ((2024, start), (2025, end)):
            h, p = PAIR[pred]
            ratings.append(PerformanceRating(employee=emp, year=year, hasil_kerja=h, perilaku_kerja=p))
    PerformanceRating.objects.bulk_create(ratings)
    EvaluationParticipant.objects.bulk_create(parts)
    level4 = k.impact_of(off)
    r = level4.result
    assert r.n_treated == n_treated and r.n_matched == n_treated
    assert r.verdict == "improved" and level4.shown
    # Predicate scores tie a lot, so the treated of one (before, unit) cell share their k nearest controls:
    # the estimate is noisier than 40 treated suggest, and the interval (which counts the reuse) says so.
    assert r.ci_low <= float(np.mean(truth)) <= r.ci_high
    assert r.estimate == pytest.approx(float(np.mean(truth)), abs=0.5)
    assert r.ci_low > 0.5
    assert r.naive == pytest.approx(1.525)  # realised: treated +1.5, controls +0.1 / -0.15
    body = org.client("admin_a").get(f"/evaluasi/penawaran/{off.pk}/").content.decode()
    assert "Kinerja peserta meningkat dibanding pegawai serupa yang tidak ikut" in body
    assert "Selang kepercayaan 95 persen" in body and "Kinerja 2024 dibandingkan dengan 2025." in body


# --- pages --------------------------------------------------------------------------------------------------


def test_offering_page_scoped_and_shows_all_levels(org: Org, django_assert_num_queries: Any) -> None:
    off = _offering(org)
    p1, _p2 = _join(org, off, org.staf1, org.staf2)
    k.reaction_submit(actor=org.users["staf1"], participant=p1, answers=GOOD)
    url = f"/evaluasi/penawaran/{off.pk}/"
    assert org.client("admin_b").get(url).status_code == 404
    assert org.client("kabid").get(url).status_code == 404
    assert org.client("staf1").get(url).status_code == 403
    assert org.client("admin_a").get("/evaluasi/penawaran/999999/").status_code == 404
    c = org.client("penyelenggara_a")
    c.get(url)  # warm the session and role caches out of the count
    with django_assert_num_queries(15):
        r = c.get(url)
    assert r.status_code == 200
    body = r.content.decode()
    for text in ("Level 1", "Level 2", "Level 3", "Level 4", "Data belum cukup untuk menyimpulkan", "Staf Dua"):
        assert text in body
    assert body.count('class="chart bars"') == 8


def test_participant_and_scores_pages(org: Org) -> None:
    off = _offering(org)
    c = org.client("admin_a")
    url = f"/evaluasi/penawaran/{off.pk}/peserta/"
    r = c.post(url, {"nip": org.staf1.nip, "completed_on": DONE.isoformat()}, follow=True)
    assert "Peserta ditambahkan" in r.content.decode()
    p = EvaluationParticipant.objects.get()
    r = c.post(url, {"nip": org.pegawai_b.nip, "completed_on": DONE.isoformat()}, follow=True)
    assert "tidak ditemukan" in r.content.decode()
    assert org.client("admin_b").post(url, {"nip": org.pegawai_b.nip, "completed_on": "2025-01-01"}).status_code == 404
    scores = f"/evaluasi/penawaran/{off.pk}/peserta/{p.pk}/nilai/"
    r = c.post(scores, {"pre_score": "55", "post_score": "abc"}, follow=True)
    assert "0 sampai 100" in r.content.decode()
    c.post(scores, {"pre_score": "55", "post_score": "85"})
    p.refresh_from_db()
    assert (p.pre_score, p.post_score) == (55, 85)
    other = _offering(org)
    assert c.post(f"/evaluasi/penawaran/{other.pk}/peserta/{p.pk}/nilai/", {"pre_score": "1"}).status_code == 404


def test_reaction_and_behaviour_pages(org: Org) -> None:
    off = _offering(org)
    (p1,) = _join(org, off, org.staf1)
    reaction = f"/evaluasi/peserta/{p1.pk}/reaksi/"
    assert org.client("staf2").get(reaction).status_code == 404
    assert org.client("kabid").get(reaction).status_code == 404
    staf1 = org.client("staf1")
    assert off.title in staf1.get("/evaluasi/").content.decode()
    r = staf1.post(reaction, {**GOOD, "q2": "9"}, follow=True)
    assert "Pilih nilai 1 sampai 5" in r.content.decode()
    assert staf1.post(reaction, GOOD).status_code == 302
    assert "sudah Anda isi" in staf1.get(reaction).content.decode()
    staf1.post(reaction, {**GOOD, "q1": "1"})
    assert ReactionResponse.objects.get().q1 == 5

    behaviour = f"/evaluasi/peserta/{p1.pk}/perilaku/"
    for who in ("staf1", "staf2", "kasubag", "admin_a"):
        assert org.client(who).get(behaviour).status_code == 404
    kabid = org.client("kabid")
    assert "Staf Satu" in kabid.get("/evaluasi/").content.decode()
    assert kabid.post(behaviour, RATE).status_code == 302
    assert "sudah dinilai" in kabid.get(behaviour).content.decode()
    assert "Staf Satu" not in kabid.get("/evaluasi/").content.decode()
    assert BehaviourRating.objects.get().rater_id == org.kabid.pk


def test_participant_remove_only_without_answers(org: Org) -> None:
    off = _offering(org)
    p1, p2 = _join(org, off, org.staf1, org.staf2)
    k.reaction_submit(actor=org.users["staf1"], participant=p1, answers=GOOD)
    base = f"/evaluasi/penawaran/{off.pk}/peserta/"
    assert org.client("admin_b").post(f"{base}{p2.pk}/hapus/").status_code == 404
    assert org.client("staf2").post(f"{base}{p2.pk}/hapus/").status_code == 403
    c = org.client("penyelenggara_a")
    r = c.post(f"{base}{p1.pk}/hapus/", follow=True)
    assert "tidak dapat dihapus" in r.content.decode()
    c.post(f"{base}{p2.pk}/hapus/")
    assert list(EvaluationParticipant.objects.values_list("pk", flat=True)) == [p1.pk]


def test_tasks_page_lists_offerings_for_their_managers(org: Org, django_assert_num_queries: Any) -> None:
    off = _offering(org)
    _join(org, off, org.staf1, org.staf2)
    _offering(org, title="Tanpa peserta")
    c = org.client("admin_a")
    c.get("/evaluasi/")
    with django_assert_num_queries(4):
        body = c.get("/evaluasi/").content.decode()
    assert off.title in body and "2 peserta" in body and "Tanpa peserta" not in body
    assert off.title not in org.client("admin_b").get("/evaluasi/").content.decode()
    kabid = org.client("kabid")
    kabid.get("/evaluasi/")
    with django_assert_num_queries(7):  # 2 open ratings; constant in their number
        assert "Staf Dua" in kabid.get("/evaluasi/").content.decode()


def test_home_reminds_of_open_surveys_and_behaviour_ratings_due(org: Org) -> None:
    _join(org, _offering(org), org.staf1, on=dt.date(2025, 6, 1))  # L3 due 90 days later: long overdue today
    staf1 = org.client("staf1").get("/").content.decode()
    assert "1 survei reaksi menunggu jawaban Anda" in staf1
    kabid = org.client("kabid").get("/").content.decode()
    assert "1 penilaian perilaku bawahan sudah jatuh tempo" in kabid
    assert "Evaluasi pembelajaran" not in org.client("kasubag").get("/").content.decode()
