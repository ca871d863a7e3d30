"""Authoring rules, the offline merge rules (table-driven), idempotency and the atasan's confirmation, which
credits the module's JP exactly once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bangkom.audit.models import AuditEvent
from bangkom.learning.models import LearningRecord, RecordStatus
from bangkom.microlearning.models import Attempt, AttemptStatus, Module, ModuleStatus, SyncEvent
from bangkom.microlearning.services import (
    ModuleData,
    OutOfScope,
    PageData,
    QuestionData,
    RecordInvalid,
    apply_events,
    attempt_confirm,
    attempt_return,
    module_archive,
    module_publish,
    module_save,
    page_save,
    question_save,
)
from tests.conftest import Org
from tests.microlearning.conftest import T0, complete_events, ev, make_module

pytestmark = pytest.mark.django_db


# --- authoring ------------------------------------------------------------------------------------------------


def test_module_defaults_to_three_jp_and_publish_bumps_version(org: Org) -> None:
    m = make_module(org, publish=False)
    assert m.jp == Decimal(3) and m.status == ModuleStatus.DRAFT and m.version == 0
    m = module_publish(actor=org.users["admin_a"], module=m)
    assert m.status == ModuleStatus.PUBLISHED and m.version == 1
    page_save(actor=org.users["admin_a"], module=m, data=PageData(title="Tambahan", body="Isi"))
    m.refresh_from_db()
    assert m.version == 2
    # Saving unchanged content is no change: no new version.
    module_save(
        actor=org.users["admin_a"],
        agency=org.agency_a,
        module=m,
        data=ModuleData(title=m.title, summary=m.summary, jp="3", task=m.task, reflection_prompt=m.reflection_prompt),
    )
    m.refresh_from_db()
    assert m.version == 2
    assert AuditEvent.objects.filter(entity="microlearning.module", action="publish").count() == 1


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": "Ok", "jp": "0"}, "jp"),
        ({"title": "Ok", "jp": "abc"}, "jp"),
        ({"title": "Ok", "jp": "1.234"}, "jp"),
        ({"title": "Ok", "jp": "101"}, "jp"),
        ({"title": "Ok", "competency": 999999}, "competency"),
    ],
)
def test_module_save_refuses_bad_input_and_writes_nothing(org: Org, data: dict[str, Any], key: str) -> None:
    with pytest.raises(RecordInvalid) as info:
        module_save(actor=org.users["admin_a"], agency=org.agency_a, data=ModuleData(**data))
    assert key in info.value.errors
    assert not Module.objects.exists()


@pytest.mark.parametrize(
    ("choices", "correct", "key"),
    [
        (["Satu"], 0, "choices"),
        (["A", "A"], 0, "choices"),
        (["A", "B"], 2, "correct"),
        (["A", "B"], "x", "correct"),
        ([f"P{i}" for i in range(7)], 0, "choices"),
    ],
)
def test_question_validation(org: Org, choices: list[str], correct: Any, key: str) -> None:
    m = make_module(org, publish=False)
    before = m.questions.count()
    with pytest.raises(RecordInvalid) as info:
        question_save(
            actor=org.users["admin_a"], module=m, data=QuestionData(text="Soal", choices=choices, correct=correct)
        )
    assert key in info.value.errors
    assert m.questions.count() == before


def test_page_needs_title_and_body(org: Org) -> None:
    m = make_module(org, publish=False)
    with pytest.raises(RecordInvalid) as info:
        page_save(actor=org.users["admin_a"], module=m, data=PageData(title="", body=" "))
    assert set(info.value.errors) == {"title", "body"}


def test_publish_needs_content(org: Org) -> None:
    m = module_save(actor=org.users["admin_a"], agency=org.agency_a, data=ModuleData(title="Kosong"))
    with pytest.raises(RecordInvalid) as info:
        module_publish(actor=org.users["admin_a"], module=m)
    assert len(info.value.messages) == 4


def test_other_instansi_admin_cannot_author(org: Org, module: Module) -> None:
    with pytest.raises(OutOfScope):
        page_save(actor=org.users["admin_b"], module=module, data=PageData(title="X", body="Y"))
    with pytest.raises(OutOfScope):
        module_save(actor=org.users["admin_b"], agency=org.agency_a, data=ModuleData(title="X"), module=module)
    with pytest.raises(OutOfScope):
        module_publish(actor=org.users["staf1"], module=module)


# --- events ---------------------------------------------------------------------------------------------------


def _attempt(org: Org, module: Module, who: str = "staf1") -> Attempt:
    return Attempt.objects.get(module=module, employee=getattr(org, who))


def test_complete_run_submits(org: Org, module: Module) -> None:
    out = apply_events(user=org.users["staf1"], events=complete_events(module), device_id="hp")
    assert len(out.accepted) == 7 and not out.rejected and not out.duplicates
    a = _attempt(org, module)
    assert a.status == AttemptStatus.SUBMITTED
    assert a.submitted_at == T0.replace(minute=12)
    assert SyncEvent.objects.filter(attempt=a).count() == 7


def test_same_events_twice_change_nothing(org: Org, module: Module) -> None:
    events = complete_events(module)
    apply_events(user=org.users["staf1"], events=events)
    before = Attempt.objects.values().get()
    again = apply_events(user=org.users["staf1"], events=events)
    assert again.accepted == [] and sorted(again.duplicates) == sorted(e["id"] for e in events)
    assert Attempt.objects.values().get() == before
    assert SyncEvent.objects.count() == len(events)


def test_duplicate_ids_within_one_batch(org: Org, module: Module) -> None:
    page = module.pages.first()
    assert page is not None
    e = ev(module, "page", page_id=page.pk)
    out = apply_events(user=org.users["staf1"], events=[e, e])
    assert out.accepted == [e["id"]] and out.duplicates == [e["id"]]


def _q(module: Module, k: int = 0) -> int:
    return list(module.questions.order_by("order").values_list("pk", flat=True))[k]


# Each row: events of device A, events of device B (applied after A), and the expected state.
MERGE_CASES = [
    pytest.param([("answer", 1, {"choice": 0})], [("answer", 2, {"choice": 1})], {"answer": 1}, id="answer-later-wins"),
    pytest.param(
        [("answer", 5, {"choice": 0})], [("answer", 2, {"choice": 1})], {"answer": 0}, id="answer-older-loses"
    ),
    pytest.param([("page", 1, {"page": 0})], [("page", 2, {"page": 1})], {"pages": 2}, id="pages-union"),
    pytest.param([("page", 1, {"page": 0})], [("page", 2, {"page": 0})], {"pages": 1}, id="pages-same-page"),
    pytest.param(
        [("reflection", 9, {"text": "A"})], [("reflection", 3, {"text": "B"})], {"reflection": "A"}, id="refl-a"
    ),
    pytest.param(
        [("reflection", 3, {"text": "A"})], [("reflection", 9, {"text": "B"})], {"reflection": "B"}, id="refl-b"
    ),
    pytest.param([("task", 3, {"note": "A"})], [("task", 4, {"note": "B"})], {"task": "B"}, id="task-later-wins"),
]


@pytest.mark.parametrize(("dev_a", "dev_b", "expected"), MERGE_CASES)
def test_merge_two_devices(
    org: Org, module: Module, dev_a: list[Any], dev_b: list[Any], expected: dict[str, Any]
) -> None:
    pages = list(module.pages.order_by("order").values_list("pk", flat=True))

    def events(rows: list[Any]) -> list[dict[str, Any]]:
        out = []
        for kind, minute, p in rows:
            if kind == "answer":
                out.append(ev(module, kind, minute, question_id=_q(module), choice=p["choice"]))
            elif kind == "page":
                out.append(ev(module, kind, minute, page_id=pages[p["page"]]))
            else:
                out.append(ev(module, kind, minute, **p))
        return out

    apply_events(user=org.users["staf1"], events=events(dev_a), device_id="A")
    apply_events(user=org.users["staf1"], events=events(dev_b), device_id="B")
    assert Attempt.objects.count() == 1
    a = _attempt(org, module)
    if "answer" in expected:
        assert a.answers[str(_q(module))]["choice"] == expected["answer"]
    if "pages" in expected:
        assert len(a.pages_seen) == expected["pages"]
    if "reflection" in expected:
        assert a.reflection == expected["reflection"]
    if "task" in expected:
        assert a.task_note == expected["task"]


def test_submit_is_monotonic_and_freezes_answers(org: Org, module: Module) -> None:
    apply_events(user=org.users["staf1"], events=complete_events(module), device_id="A")
    late = [
        ev(module, "answer", 30, question_id=_q(module), choice=1),
        ev(module, "reflection", 31, text="Ganti"),
        ev(module, "submit", 32),
    ]
    out = apply_events(user=org.users["staf1"], events=late, device_id="B")
    assert [r["id"] for r in out.rejected] == [late[0]["id"], late[1]["id"]]
    assert out.accepted == [late[2]["id"]]
    a = _attempt(org, module)
    assert a.status == AttemptStatus.SUBMITTED and a.reflection == "Saya akan menulis lebih ringkas."
    assert a.answers[str(_q(module))]["choice"] == 0


def test_submit_needs_everything(org: Org, module: Module) -> None:
    page = module.pages.first()
    assert page is not None
    out = apply_events(
        user=org.users["staf1"], events=[ev(module, "page", 1, page_id=page.pk), ev(module, "submit", 2)]
    )
    assert len(out.rejected) == 1
    message = out.rejected[0]["message"]
    assert "halaman" in message and "soal" in message and "Tugas" in message and "Refleksi" in message
    assert _attempt(org, module).status == AttemptStatus.IN_PROGRESS


@pytest.mark.parametrize(
    "event",
    [
        {"id": "bukan-uuid", "module_id": 1, "kind": "page", "payload": {}, "at": "2026-03-02T08:00:00Z"},
        {"id": "3f1c0a5e-0000-4000-8000-000000000001", "module_id": "1", "kind": "page", "at": "2026-03-02"},
        {"id": "3f1c0a5e-0000-4000-8000-000000000002", "module_id": 1, "kind": "hapus", "at": "2026-03-02T08:00Z"},
        {"id": "3f1c0a5e-0000-4000-8000-000000000003", "module_id": 1, "kind": "page", "at": "kemarin"},
        {"id": "3f1c0a5e-0000-4000-8000-000000000004", "module_id": 1, "kind": "page", "payload": [], "at": "x"},
        "teks",
    ],
)
def test_malformed_events_rejected(org: Org, event: Any) -> None:
    out = apply_events(user=org.users["staf1"], events=[event])
    assert len(out.rejected) == 1 and out.rejected[0]["message"]
    assert not Attempt.objects.exists() and not SyncEvent.objects.exists()


def test_bad_payloads_rejected(org: Org, module: Module) -> None:
    other = make_module(org, title="Modul lain")
    foreign_q = _q(other)
    events = [
        ev(module, "answer", question_id=foreign_q, choice=0),
        ev(module, "answer", question_id=_q(module), choice=7),
        ev(module, "page", page_id=999999),
        ev(module, "reflection", text=123),
        ev(module, "task", note="x" * 5000),
    ]
    out = apply_events(user=org.users["staf1"], events=events)
    assert len(out.rejected) == 5 and not out.accepted


def test_modules_user_may_not_take_are_rejected(org: Org, module: Module) -> None:
    draft = make_module(org, publish=False, title="Draf")
    foreign = make_module(org, agency="b", title="Modul B")
    page_b = foreign.pages.first()
    assert page_b is not None
    events = [ev(draft, "task", note="x"), ev(foreign, "page", page_id=page_b.pk), ev(999999, "task", note="x")]
    out = apply_events(user=org.users["staf1"], events=events)
    assert len(out.rejected) == 3 and not Attempt.objects.exists()
    module_archive(actor=org.users["admin_a"], module=module)
    out = apply_events(user=org.users["staf1"], events=[ev(module, "task", note="x")])
    assert len(out.rejected) == 1


def test_event_id_of_another_pegawai_is_not_reused(org: Org, module: Module) -> None:
    e = ev(module, "task", note="x")
    apply_events(user=org.users["staf1"], events=[e])
    out = apply_events(user=org.users["staf2"], events=[e])
    assert out.rejected and not out.duplicates


def test_too_many_events(org: Org, module: Module) -> None:
    with pytest.raises(RecordInvalid):
        apply_events(user=org.users["staf1"], events=[ev(module, "task", note="x")] * 501)


def test_account_without_pegawai_cannot_sync(org: Org, module: Module) -> None:
    with pytest.raises(OutOfScope):
        apply_events(user=org.users["admin_a"], events=[ev(module, "task", note="x")])
    with pytest.raises(OutOfScope):
        apply_events(user=org.users["admin_b"], events=[], employee=org.staf1)


# --- confirmation ---------------------------------------------------------------------------------------------


def test_two_devices_then_confirm_once(org: Org, module: Module) -> None:
    events = complete_events(module)
    apply_events(user=org.users["staf1"], events=events[:4], device_id="hp")
    apply_events(user=org.users["staf1"], events=events, device_id="laptop")
    apply_events(user=org.users["staf1"], events=events, device_id="hp")
    assert Attempt.objects.count() == 1
    attempt = _attempt(org, module)
    record = attempt_confirm(actor=org.users["kabid"], attempt=attempt)
    assert record.status == RecordStatus.VERIFIED and record.form_id == 16 and record.jp == Decimal(3)
    assert record.source == "modul" and record.title == module.title
    assert record.start_date == record.end_date == T0.date()
    with pytest.raises(RecordInvalid):
        attempt_confirm(actor=org.users["kabid"], attempt=attempt)
    assert LearningRecord.objects.filter(employee=org.staf1).count() == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.CONFIRMED and attempt.learning_record_id == record.pk


@pytest.mark.parametrize("who", ["kepala", "staf2", "admin_a", "kasubag", "staf1"])
def test_only_direct_atasan_confirms(org: Org, module: Module, who: str) -> None:
    apply_events(user=org.users["staf1"], events=complete_events(module))
    with pytest.raises(OutOfScope):
        attempt_confirm(actor=org.users[who], attempt=_attempt(org, module))
    assert not LearningRecord.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"), [("admin_a", True), ("admin_b", False), ("kabid", False), ("kepala", False)]
)
def test_a_pegawai_without_atasan_is_confirmed_by_the_admin(org: Org, module: Module, who: str, allowed: bool) -> None:
    apply_events(user=org.users["kepala"], events=complete_events(module))
    attempt = _attempt(org, module, "kepala")
    if allowed:
        assert attempt_confirm(actor=org.users[who], attempt=attempt).employee_id == org.kepala.pk
    else:
        with pytest.raises(OutOfScope):
            attempt_confirm(actor=org.users[who], attempt=attempt)
        with pytest.raises(OutOfScope):
            attempt_return(actor=org.users[who], attempt=attempt, reason="Tambahkan contoh.")
    assert LearningRecord.objects.filter(employee=org.kepala).count() == (1 if allowed else 0)


def test_return_then_resubmit(org: Org, module: Module) -> None:
    apply_events(user=org.users["staf1"], events=complete_events(module))
    attempt = _attempt(org, module)
    with pytest.raises(RecordInvalid):
        attempt_return(actor=org.users["kabid"], attempt=attempt, reason=" ")
    attempt_return(actor=org.users["kabid"], attempt=attempt, reason="Lebih konkret.")
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.RETURNED
    # A device that was offline during the return still holds an older submission: it does not undo the return.
    stale = apply_events(user=org.users["staf1"], events=[ev(module, "submit", 13)])
    assert len(stale.rejected) == 1 and "dikembalikan" in stale.rejected[0]["message"]
    later = (timezone.now() - T0).total_seconds() // 60 + 1
    out = apply_events(
        user=org.users["staf1"],
        events=[ev(module, "reflection", int(later), text="Konkret"), ev(module, "submit", int(later) + 1)],
        now=timezone.now() + dt.timedelta(minutes=5),
    )
    assert len(out.accepted) == 2, out.rejected
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.reflection == "Konkret" and not attempt.return_reason
    attempt_confirm(actor=org.users["kabid"], attempt=attempt)
    assert LearningRecord.objects.count() == 1


def test_confirm_needs_submission(org: Org, module: Module) -> None:
    apply_events(user=org.users["staf1"], events=complete_events(module)[:2])
    with pytest.raises(RecordInvalid):
        attempt_confirm(actor=org.users["kabid"], attempt=_attempt(org, module))


def test_submission_is_never_dated_before_publication(org: Org, module: Module) -> None:
    published = T0.replace(month=4)
    Module.objects.filter(pk=module.pk).update(published_at=published)
    apply_events(user=org.users["staf1"], events=complete_events(module))
    assert _attempt(org, module).submitted_at == published


def test_big_image_refused(org: Org, module: Module) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("besar.png", b"0" * (512 * 1024 + 1))
    with pytest.raises(RecordInvalid) as info:
        page_save(actor=org.users["admin_a"], module=module, data=PageData(title="X", body="Y", image=big))
    assert "image" in info.value.errors and module.pages.count() == 2


@pytest.mark.parametrize(
    "name",
    ["." * 100 + "gambar.png", "a." * 150 + "png", "x" * 400 + ".png", "../../etc/passwd.png", "gambar modul (1).PNG"],
)
def test_any_image_name_is_stored_under_a_name_of_ours(org: Org, module: Module, name: str, settings: Any) -> None:
    """The name a browser sends is not kept (a long or dotted one made Django's storage refuse it: a bare 400)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    image = SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
    page = page_save(actor=org.users["admin_a"], module=module, data=PageData(title="X", body="Y", image=image))
    stored = page.image.name
    assert stored.startswith("microlearning/") and stored.lower().endswith(".png") and ".." not in stored
    assert len(stored) <= 200 and page.image.storage.exists(stored)
