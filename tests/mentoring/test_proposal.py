"""The matching proposal on the database: gaps from the SKJ, strengths from assessments, the programme's rules
as hard rules, reasons stored with each pair, capacity counted with the pairs already running."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bangkom.competency.models import Assessment, Competency, Requirement
from bangkom.jobs.models import Job
from bangkom.mentoring.models import Pairing, PairingStatus, Programme
from bangkom.mentoring.proposal import matching_propose, unmatched_mentees
from bangkom.mentoring.services import (
    OutOfScope,
    ProgrammeData,
    RecordInvalid,
    matching_start,
    pairing_set,
    participants_set,
    programme_publish,
    programme_save,
)
from tests.conftest import Org


def _world(org: Org, **rules: Any) -> Programme:
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
        (org.kepala, m4, 2),
    ):
        Assessment.objects.create(employee=emp, competency=comp, level=level, assessed_on=day, method="uji_kompetensi")
    prog = programme_save(
        actor=org.users["admin_a"],
        agency=org.agency_a,
        data=ProgrammeData(
            kind="mentoring", name="Mentoring", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31), **rules
        ),
    )
    participants_set(
        actor=org.users["admin_a"],
        programme=prog,
        mentees=[org.staf1.pk, org.staf2.pk],
        mentors={org.kabid.pk: 1, org.kasubag.pk: 1, org.kepala.pk: 3},
    )
    return prog


def test_proposal_pairs_every_mentee_with_a_strong_mentor_and_says_why(org: Org) -> None:
    prog = _world(org)
    result = matching_propose(actor=org.users["admin_a"], programme=prog)
    pairs = {p.mentee_id: p for p in Pairing.objects.filter(programme=prog)}
    assert result.proposed == 2 and result.unmatched == {}
    # staf1 lacks M.1 (2 levels) and M.4: kabid (5 and 4) covers both; staf2 lacks only M.1: kasubag (4).
    assert pairs[org.staf1.pk].mentor == org.kabid and pairs[org.staf2.pk].mentor == org.kasubag
    why = pairs[org.staf1.pk].reasons
    assert sorted((c["code"], c["gap"], c["mentor_level"]) for c in why["competencies"]) == [
        ("M.1", 2, 5),
        ("M.4", 1, 4),
    ]
    assert why["same_unit"] is True and pairs[org.staf1.pk].status == PairingStatus.PROPOSED
    assert result.total_fit == pytest.approx(sum(p.fit for p in pairs.values()))


def test_rules_hold_and_the_unmatched_are_named(org: Org) -> None:
    prog = _world(org, allow_direct_atasan=False)  # kabid is both mentees' direct atasan
    result = matching_propose(actor=org.users["admin_a"], programme=prog)
    pairs = list(Pairing.objects.filter(programme=prog))
    assert [p.mentor for p in pairs] == [org.kasubag] and result.proposed == 1
    assert sum(result.unmatched.values()) == 1
    assert [e.pk for e in unmatched_mentees(prog)] == [({org.staf1.pk, org.staf2.pk} - {pairs[0].mentee_id}).pop()]


def test_running_pairs_are_kept_and_use_capacity(org: Org) -> None:
    prog = _world(org)
    pairing_set(actor=org.users["admin_a"], programme=prog, mentee=org.staf2, mentor=org.kabid)
    programme_publish(actor=org.users["admin_a"], programme=prog)
    result = matching_propose(actor=org.users["admin_a"], programme=prog)
    assert result.kept == 1 and result.proposed == 1
    new = Pairing.objects.get(programme=prog, mentee=org.staf1)
    assert new.mentor == org.kasubag and new.status == PairingStatus.ACTIVE  # kabid is full; programme runs


def test_only_the_admin_proposes_and_bad_setups_are_explained(org: Org) -> None:
    prog = _world(org)
    for user in ("kabid", "admin_b", "staf1"):
        with pytest.raises(OutOfScope):
            matching_propose(actor=org.users[user], programme=prog)
    participants_set(actor=org.users["admin_a"], programme=prog, mentees=[org.staf1.pk], mentors={})
    with pytest.raises(RecordInvalid, match="Tambahkan mentee"):
        matching_propose(actor=org.users["admin_a"], programme=prog)
    assert not Pairing.objects.exists()


def test_proposal_runs_as_a_job(org: Org) -> None:
    prog = _world(org)
    job = matching_start(actor=org.users["admin_a"], programme=prog)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["proposed"] == 2
    assert Job.objects.get(pk=job.pk).kind == "mentoring_match"
