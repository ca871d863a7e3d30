"""Proposals, the review order (atasan, then admin instansi), AKPK approval and scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bangkom.audit.models import AuditEvent
from bangkom.planning.models import Akpk, AkpkStatus, Need, NeedSource, NeedStatus
from bangkom.planning.selectors import need_get, need_list
from bangkom.planning.services import (
    OutOfScope,
    RecordInvalid,
    akpk_approve,
    akpk_create,
    need_propose,
    need_review,
    needs_gather,
)
from tests.planning.conftest import Plan


def propose(plan: Plan, user: str, employee: str, **over: Any) -> Need:
    kw: dict[str, Any] = {"competency": plan.m4, "target_level": 4, "note": "perlu"}
    kw.update(over)
    return need_propose(actor=plan.org.users[user], employee=getattr(plan.org, employee), **kw)


REFUSALS: list[tuple[str, str, dict[str, Any], type[Exception], str]] = [
    ("staf1", "staf2", {}, OutOfScope, ""),  # a colleague
    ("staf1", "kabid", {}, OutOfScope, ""),  # one's own atasan
    ("kabid", "kasubag", {}, OutOfScope, ""),  # not in kabid's chain
    ("admin_b", "staf1", {}, OutOfScope, ""),  # admin of another instansi
    ("pegawai_b", "staf1", {}, OutOfScope, ""),
    ("staf1", "staf1", {"target_level": 0}, RecordInvalid, "target_level"),
    ("staf1", "staf1", {"target_level": 6}, RecordInvalid, "target_level"),
    ("staf1", "staf1", {"target_level": None}, RecordInvalid, "target_level"),
    ("staf1", "staf1", {"target_level": "tinggi"}, RecordInvalid, "target_level"),
    ("staf1", "staf1", {"target_level": 1}, RecordInvalid, "target_level"),  # not above the current level 1
    ("staf1", "staf1", {"competency": "X.99"}, RecordInvalid, "competency"),
    ("staf1", "staf1", {"competency": 999_999}, RecordInvalid, "competency"),
    ("staf1", "staf1", {"competency": None}, RecordInvalid, "competency"),
    ("kabid", "staf1", {"competency": "B.T.1"}, RecordInvalid, "competency"),  # another instansi's teknis
    ("staf1", "staf1", {"note": "x" * 2001}, RecordInvalid, "note"),
]


@pytest.mark.parametrize(("user", "employee", "over", "error", "field"), REFUSALS)
def test_refused_proposals_write_nothing(
    plan: Plan, user: str, employee: str, over: dict[str, Any], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as exc:
        propose(plan, user, employee, **over)
    if field:
        assert isinstance(exc.value, RecordInvalid)
        assert field in exc.value.errors
        assert all(m for m in exc.value.messages)
    assert not Need.objects.exists()
    assert not AuditEvent.objects.exists()


def test_no_open_akpk(plan: Plan) -> None:
    Akpk.objects.filter(pk=plan.akpk.pk).update(status=AkpkStatus.APPROVED, approved_at=plan.akpk.created_at)
    with pytest.raises(RecordInvalid) as exc:
        propose(plan, "staf1", "staf1")
    assert "AKPK" in exc.value.messages[0]
    assert not Need.objects.exists()


def test_akpk_of_another_instansi_is_out_of_scope(plan: Plan) -> None:
    other = Akpk.objects.create(agency=plan.org.agency_b, year=2026)
    with pytest.raises(OutOfScope):
        propose(plan, "staf1", "staf1", akpk=other)


def test_pegawai_and_atasan_propose(plan: Plan) -> None:
    own = propose(plan, "staf1", "staf1", competency="M.4", target_level="3")
    assert (own.source, own.status, own.current_level, own.target_level) == ("pegawai", "proposed", 1, 3)
    again = propose(plan, "staf1", "staf1", competency=plan.m4.pk, target_level=4)
    assert again.pk == own.pk and again.target_level == 4
    by_atasan = propose(plan, "kepala", "staf1", competency=plan.t1)  # indirect subordinate
    assert (by_atasan.source, by_atasan.status) == (NeedSource.ATASAN, NeedStatus.APPROVED_BY_ATASAN)
    assert by_atasan.atasan_reviewed_by == plan.org.users["kepala"]
    assert AuditEvent.objects.filter(entity="planning.need", action="propose").count() == 3


def test_review_order(plan: Plan) -> None:
    users = plan.org.users
    need = propose(plan, "staf1", "staf1")
    with pytest.raises(RecordInvalid, match="atasan"):
        need_review(actor=users["admin_a"], need=need, approve=True)
    with pytest.raises(RecordInvalid):
        need_review(actor=users["staf1"], need=need, approve=True)
    with pytest.raises(OutOfScope):
        need_review(actor=users["admin_b"], need=need, approve=True)
    with pytest.raises(OutOfScope):
        need_review(actor=users["kasubag"], need=need, approve=True)
    need.refresh_from_db()
    assert need.status == NeedStatus.PROPOSED

    need = need_review(actor=users["kabid"], need=need, approve=True)
    assert need.status == NeedStatus.APPROVED_BY_ATASAN
    assert need.atasan_reviewed_by == users["kabid"]
    plan.akpk.refresh_from_db()
    assert plan.akpk.status == AkpkStatus.IN_REVIEW
    with pytest.raises(RecordInvalid, match="admin instansi"):
        need_review(actor=users["kepala"], need=need, approve=True)
    with pytest.raises(OutOfScope):
        need_review(actor=users["admin_b"], need=need, approve=True)
    need = need_review(actor=users["admin_a"], need=need, approve=True)
    assert (need.status, need.reviewed_by) == (NeedStatus.APPROVED, users["admin_a"])
    with pytest.raises(RecordInvalid):
        need_review(actor=users["admin_a"], need=need, approve=False, reason="berubah pikiran")
    actions = list(AuditEvent.objects.filter(entity="planning.need").order_by("pk").values_list("action", flat=True))
    assert actions == ["propose", "approve_atasan", "approve_admin"]


def test_rejection_needs_a_reason_and_is_final(plan: Plan) -> None:
    users = plan.org.users
    need = propose(plan, "staf1", "staf1")
    with pytest.raises(RecordInvalid) as exc:
        need_review(actor=users["kabid"], need=need, approve=False, reason="  ")
    assert "reason" in exc.value.errors
    need = need_review(actor=users["kabid"], need=need, approve=False, reason="Sudah ada pelatihan serupa")
    assert (need.status, need.review_reason) == (NeedStatus.REJECTED, "Sudah ada pelatihan serupa")
    with pytest.raises(RecordInvalid):
        need_review(actor=users["admin_a"], need=need, approve=True)
    with pytest.raises(RecordInvalid):
        propose(plan, "staf1", "staf1")  # a decided proposal is not rewritten


def test_pegawai_without_atasan_goes_to_the_admin(plan: Plan) -> None:
    need = propose(plan, "kepala", "kepala", competency=plan.t1, target_level=2)
    need = need_review(actor=plan.org.users["admin_a"], need=need, approve=True)
    assert need.status == NeedStatus.APPROVED


def test_akpk_create_and_approve(plan: Plan) -> None:
    users = plan.org.users
    with pytest.raises(OutOfScope):
        akpk_create(actor=users["admin_b"], agency=plan.org.agency_a, year=2027)
    with pytest.raises(RecordInvalid):
        akpk_create(actor=users["admin_a"], agency=plan.org.agency_a, year=2026)  # exists
    new = akpk_create(actor=users["admin_a"], agency=plan.org.agency_a, year=2027)
    assert new.status == AkpkStatus.DRAFT

    needs_gather(actor=users["admin_a"], akpk=plan.akpk)
    with pytest.raises(OutOfScope):
        akpk_approve(actor=users["admin_b"], akpk=plan.akpk)
    with pytest.raises(OutOfScope):
        akpk_approve(actor=users["kepala"], akpk=plan.akpk)
    with pytest.raises(RecordInvalid, match="5"):
        akpk_approve(actor=users["admin_a"], akpk=plan.akpk)
    one = Need.objects.filter(akpk=plan.akpk, employee=plan.org.staf1).first()
    assert one is not None
    need_review(actor=users["kabid"], need=one, approve=False, reason="tidak relevan")
    akpk = akpk_approve(actor=users["admin_a"], akpk=plan.akpk, approve_pending=True)
    assert akpk.status == AkpkStatus.APPROVED and akpk.approved_by == users["admin_a"]
    assert Need.objects.filter(akpk=akpk, status=NeedStatus.APPROVED).count() == 4
    assert Need.objects.filter(akpk=akpk, status=NeedStatus.REJECTED).count() == 1
    with pytest.raises(RecordInvalid):
        akpk_approve(actor=users["admin_a"], akpk=akpk)
    with pytest.raises(RecordInvalid):
        need_review(actor=users["admin_a"], need=one, approve=True)


VISIBLE: list[tuple[str, Callable[[Plan], set[str]]]] = [
    ("staf1", lambda p: {"Staf Satu"}),
    ("kabid", lambda p: {"Kabid A", "Staf Satu"}),
    ("kepala", lambda p: {"Kepala A", "Kabid A", "Staf Satu"}),
    ("kasubag", lambda p: set()),
    ("admin_a", lambda p: {"Kepala A", "Kabid A", "Staf Satu"}),
    ("admin_b", lambda p: set()),
    ("nasional", lambda p: set()),
    ("pegawai_b", lambda p: set()),
]


@pytest.mark.parametrize(("user", "expected"), VISIBLE)
def test_needs_visible_to(plan: Plan, user: str, expected: Callable[[Plan], set[str]]) -> None:
    needs_gather(actor=plan.org.users["admin_a"], akpk=plan.akpk)
    names = {n.employee.name for n in need_list(plan.org.users[user], akpk=plan.akpk)}
    assert names == expected(plan)
    some = Need.objects.get(employee=plan.org.staf1, competency=plan.m1)
    assert (need_get(plan.org.users[user], some.pk) is not None) == ("Staf Satu" in expected(plan))


@pytest.mark.parametrize(
    ("user", "sees_a"),
    [
        ("staf1", True),
        ("admin_a", True),
        ("penyelenggara_a", True),
        ("nasional", True),
        ("admin_b", False),
        ("pegawai_b", False),
    ],
)
def test_akpk_list_follows_the_instansi_one_may_read(plan: Plan, user: str, sees_a: bool) -> None:
    from bangkom.planning.selectors import akpk_get, akpk_list

    assert (plan.akpk in list(akpk_list(plan.org.users[user]))) == sees_a
    assert (akpk_get(plan.org.users[user], plan.akpk.pk) is not None) == sees_a
