"""Programmes, participants, pairs and sessions: rules, capacity, JP credited exactly once within the monthly
cap, and who may see what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bangkom.learning.models import LearningRecord
from bangkom.mentoring.models import Pairing, PairingStatus, Participant, Programme, Session, SessionStatus
from bangkom.mentoring.selectors import (
    overdue_for,
    pairing_get,
    programme_get,
    programme_stats,
    session_get,
    sessions_visible_to,
)
from bangkom.mentoring.services import (
    OutOfScope,
    ProgrammeData,
    RecordInvalid,
    SessionData,
    location_map,
    pairing_set,
    participants_set,
    programme_publish,
    programme_save,
    session_confirm,
    session_save,
)
from tests.conftest import Org

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def programme(org: Org, **kw: Any) -> Programme:
    data = ProgrammeData(
        **{"kind": "coaching", "name": "Coaching pimpinan", "start_date": START, "end_date": END, **kw}
    )
    return programme_save(actor=org.users["admin_a"], agency=org.agency_a, data=data)


def running(org: Org, **kw: Any) -> Pairing:
    """kabid coaches staf1 in a published programme."""
    prog = programme(org, **kw)
    participants_set(actor=org.users["admin_a"], programme=prog, mentees=[org.staf1.pk], mentors={org.kabid.pk: 2})
    pair = pairing_set(actor=org.users["admin_a"], programme=prog, mentee=org.staf1, mentor=org.kabid)
    programme_publish(actor=org.users["admin_a"], programme=prog)
    pair.refresh_from_db()
    return pair


def log(org: Org, pair: Pairing, day: dt.date, user: str = "staf1", **kw: Any) -> Session:
    data = SessionData(**{"date": day, "topic": "Menyusun SKP", "goal": "SKP tepat waktu", **kw})
    return session_save(actor=org.users[user], pairing=pair, data=data, today=dt.date(2026, 12, 1))


def test_programme_validation_and_scope(org: Org) -> None:
    with pytest.raises(RecordInvalid) as exc:
        programme(org, kind="kuliah", name=" ", end_date=dt.date(2025, 1, 1), sessions_per_month=9, mentor_min_level=0)
    assert set(exc.value.errors) == {"kind", "name", "end_date", "sessions_per_month", "mentor_min_level"}
    for user in ("admin_b", "kabid", "staf1"):
        with pytest.raises(OutOfScope):
            programme_save(
                actor=org.users[user],
                agency=org.agency_a,
                data=ProgrammeData(kind="coaching", name="x", start_date=START, end_date=END),
            )
    assert not Programme.objects.exists()
    prog = programme(org, kind="mentoring")
    assert prog.form_id == 15 and prog.sessions_per_month == 2


@pytest.mark.parametrize(
    ("mentees", "mentors", "field"),
    [
        (["staf1"], {"staf1": 2}, "mentors"),  # both roles
        (["pegawai_b"], {"kabid": 2}, "__all__"),  # another instansi
        (["staf1"], {"kabid": 0}, "mentors"),  # capacity below 1
        (["staf1"], {"kabid": 21}, "mentors"),  # capacity above 20
    ],
)
def test_participants_refused_write_nothing(org: Org, mentees: list[str], mentors: dict[str, int], field: str) -> None:
    prog = programme(org)
    emp = {"staf1": org.staf1, "kabid": org.kabid, "pegawai_b": org.pegawai_b}
    with pytest.raises(RecordInvalid) as exc:
        participants_set(
            actor=org.users["admin_a"],
            programme=prog,
            mentees=[emp[m].pk for m in mentees],
            mentors={emp[k].pk: v for k, v in mentors.items()},
        )
    assert field in exc.value.errors
    assert not Participant.objects.exists()


def test_unit_programme_takes_mentees_of_its_unit_only(org: Org) -> None:
    prog = programme(org, unit=org.unit_a2.pk)
    with pytest.raises(RecordInvalid, match="unit penyelenggara"):
        participants_set(actor=org.users["admin_a"], programme=prog, mentees=[org.kasubag.pk], mentors={})
    participants_set(actor=org.users["admin_a"], programme=prog, mentees=[org.staf1.pk], mentors={org.kepala.pk: 1})
    assert prog.participants.count() == 2


@pytest.mark.parametrize(
    ("rules", "mentee", "mentor", "ok"),
    [
        ({}, "staf1", "kabid", True),
        ({"allow_direct_atasan": False}, "staf1", "kabid", False),  # kabid is staf1's direct atasan
        ({"allow_direct_atasan": False}, "staf1", "kepala", True),  # two levels up is not the direct atasan
        ({"unit_rule": "within"}, "staf1", "kepala", False),  # A-U1 vs A-U0
        ({"unit_rule": "within"}, "staf1", "kabid", True),
        ({"unit_rule": "across"}, "staf1", "kabid", False),
        ({"unit_rule": "across"}, "staf1", "kasubag", True),
        ({"same_location": True}, "staf1", "kasubag", True),  # no location recorded: one instansi, one place
    ],
)
def test_pair_rules(org: Org, rules: dict[str, Any], mentee: str, mentor: str, ok: bool) -> None:
    prog = programme(org, **rules)
    emps = {"staf1": org.staf1, "kabid": org.kabid, "kepala": org.kepala, "kasubag": org.kasubag}
    participants_set(
        actor=org.users["admin_a"], programme=prog, mentees=[emps[mentee].pk], mentors={emps[mentor].pk: 1}
    )
    if ok:
        pairing_set(actor=org.users["admin_a"], programme=prog, mentee=emps[mentee], mentor=emps[mentor])
        assert Pairing.objects.filter(programme=prog).count() == 1
    else:
        with pytest.raises(RecordInvalid):
            pairing_set(actor=org.users["admin_a"], programme=prog, mentee=emps[mentee], mentor=emps[mentor])
        assert not Pairing.objects.exists()


def test_location_is_inherited_from_the_nearest_unit_that_has_one() -> None:
    # 1 (Kota A) -> 2 -> 4; 1 -> 3 (Kab B) -> 6; 5 (nothing)
    units = {1: (None, "Kota A"), 2: (1, ""), 3: (1, "Kab B"), 4: (2, " "), 5: (None, ""), 6: (3, "")}
    assert location_map(units) == {1: "Kota A", 2: "Kota A", 3: "Kab B", 4: "Kota A", 5: "", 6: "Kab B"}


def test_same_location_rule_reads_the_units_location(org: Org) -> None:
    from bangkom.org.models import Unit

    Unit.objects.filter(pk=org.unit_a.pk).update(location="Kota A")
    Unit.objects.filter(pk=org.unit_a2.pk).update(location="Kecamatan Timur")
    prog = programme(org, same_location=True)
    participants_set(actor=org.users["admin_a"], programme=prog, mentees=[org.staf1.pk], mentors={org.kasubag.pk: 1})
    with pytest.raises(RecordInvalid, match="lokasi"):
        pairing_set(actor=org.users["admin_a"], programme=prog, mentee=org.staf1, mentor=org.kasubag)


def test_capacity_holds_when_the_admin_edits(org: Org) -> None:
    prog = programme(org)
    participants_set(
        actor=org.users["admin_a"], programme=prog, mentees=[org.staf1.pk, org.staf2.pk], mentors={org.kepala.pk: 1}
    )
    pairing_set(actor=org.users["admin_a"], programme=prog, mentee=org.staf1, mentor=org.kepala)
    with pytest.raises(RecordInvalid, match="Kapasitas mentor"):
        pairing_set(actor=org.users["admin_a"], programme=prog, mentee=org.staf2, mentor=org.kepala)
    # Re-assigning the same mentee to the same mentor does not count them twice.
    pairing_set(actor=org.users["admin_a"], programme=prog, mentee=org.staf1, mentor=org.kepala)
    assert Pairing.objects.filter(programme=prog).count() == 1


def test_confirmed_session_credits_jp_once_within_the_monthly_cap(org: Org) -> None:
    pair = running(org)
    assert pair.status == PairingStatus.ACTIVE
    first = log(org, pair, dt.date(2026, 3, 2), reflection="Saya paham cara menyusun indikator")
    assert first.status == SessionStatus.HELD and first.reflection.startswith("Saya")
    with pytest.raises(RecordInvalid, match="Hanya mentor"):
        session_confirm(actor=org.users["staf1"], session=first, today=dt.date(2026, 12, 1))
    with pytest.raises(OutOfScope):
        session_confirm(actor=org.users["kepala"], session=first, today=dt.date(2026, 12, 1))
    done = session_confirm(actor=org.users["kabid"], session=first, today=dt.date(2026, 12, 1))
    assert done.jp == Decimal(2) and not done.capped
    record = LearningRecord.objects.get(employee=org.staf1)
    assert (record.form_id, record.jp, record.status, record.source) == (14, Decimal("2.00"), "verified", "mentoring")
    with pytest.raises(RecordInvalid, match="sudah dikonfirmasi"):
        session_confirm(actor=org.users["kabid"], session=first, today=dt.date(2026, 12, 1))
    assert LearningRecord.objects.filter(employee=org.staf1).count() == 1

    # Coaching: 2 JP a session, at most 2 sessions a month, counted over every coaching record of the month.
    LearningRecord.objects.create(
        employee=org.staf1,
        form_id=14,
        title="Coaching lain",
        provider="P",
        start_date=dt.date(2026, 3, 20),
        end_date=dt.date(2026, 3, 20),
        jp=Decimal(2),
        quantity=Decimal(1),
        status="verified",
    )
    third = log(org, pair, dt.date(2026, 3, 25))
    capped = session_confirm(actor=org.users["kabid"], session=third, today=dt.date(2026, 12, 1))
    assert capped.jp == 0 and capped.capped and capped.session.record is None
    april = session_confirm(
        actor=org.users["kabid"], session=log(org, pair, dt.date(2026, 4, 1)), today=dt.date(2026, 12, 1)
    )
    assert april.jp == 2
    assert sum(r.jp for r in LearningRecord.objects.filter(employee=org.staf1)) == Decimal(6)
    stats = programme_stats(pair.programme, today=dt.date(2026, 4, 10))
    assert (stats.pairs, stats.sessions_confirmed, stats.jp_credited, stats.pairs_met_this_month) == (1, 3, 4, 1)


def test_session_input_is_checked(org: Org) -> None:
    pair = running(org)
    with pytest.raises(RecordInvalid) as exc:
        log(org, pair, dt.date(2027, 1, 5), topic="", duration_minutes=2)
    assert set(exc.value.errors) == {"date", "topic", "duration_minutes"}
    future = log(org, pair, dt.date(2026, 12, 20))
    assert future.status == SessionStatus.SCHEDULED
    with pytest.raises(RecordInvalid, match="sudah berlangsung"):
        session_confirm(actor=org.users["kabid"], session=future, today=dt.date(2026, 12, 1))
    with pytest.raises(OutOfScope):
        log(org, pair, dt.date(2026, 3, 2), user="staf2")
    assert Session.objects.count() == 1


def test_each_side_writes_only_its_own_text(org: Org) -> None:
    pair = running(org)
    s = log(org, pair, dt.date(2026, 3, 2), reflection="refleksi", mentor_notes="diabaikan")
    assert (s.reflection, s.mentor_notes) == ("refleksi", "")
    s = session_save(
        actor=org.users["kabid"],
        pairing=pair,
        session=s,
        data=SessionData(date=s.date, topic=s.topic, mentor_notes="catatan", reflection="bukan miliknya"),
        today=dt.date(2026, 12, 1),
    )
    assert (s.reflection, s.mentor_notes) == ("refleksi", "catatan")


def test_outside_the_programme_nobody_sees_its_sessions(org: Org) -> None:
    pair = running(org)
    s = log(org, pair, dt.date(2026, 3, 2))
    for user in ("staf1", "kabid", "admin_a"):
        assert session_get(org.users[user], s.pk) == s
        assert programme_get(org.users[user], pair.programme_id) is not None
    for user in ("staf2", "kepala", "kasubag", "admin_b", "pegawai_b", "nasional"):
        assert session_get(org.users[user], s.pk) is None
        assert pairing_get(org.users[user], pair.pk) is None
        assert not sessions_visible_to(org.users[user]).exists()
        assert programme_get(org.users[user], pair.programme_id) is None


def test_overdue_reminders(org: Org) -> None:
    pair = running(org)
    Programme.objects.filter(pk=pair.programme_id).update(published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    late = overdue_for(org.users["staf1"], today=dt.date(2026, 3, 1))
    assert [(o.pairing.pk, o.role, o.last) for o in late] == [(pair.pk, "mentee", None)]
    assert [o.role for o in overdue_for(org.users["kabid"], today=dt.date(2026, 3, 1))] == ["mentor"]
    log(org, pair, dt.date(2026, 2, 25))
    assert overdue_for(org.users["staf1"], today=dt.date(2026, 3, 1)) == []
    assert overdue_for(org.users["staf2"], today=dt.date(2026, 3, 1)) == []


def test_home_shows_overdue_sessions_and_the_job_page_links_back(org: Org) -> None:
    pair = running(org)
    from django.utils import timezone

    today = timezone.localdate()  # the home page reads today's date: the programme runs around it
    Programme.objects.filter(pk=pair.programme_id).update(
        published_at=timezone.now() - dt.timedelta(days=60),
        start_date=today - dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=60),
    )
    home = org.client("staf1").get("/").content.decode()
    assert "Sesi coaching/mentoring terlambat" in home and f"/pasangan/{pair.pk}/" in home
    assert "Sesi coaching/mentoring terlambat" not in org.client("staf2").get("/").content.decode()
    from bangkom.mentoring.services import matching_start

    job = matching_start(actor=org.users["admin_a"], programme=pair.programme)
    page = org.client("admin_a").get(f"/pekerjaan/{job.pk}/").content.decode()
    assert f'href="/program/{pair.programme_id}/"' in page and "Kembali ke program" in page
