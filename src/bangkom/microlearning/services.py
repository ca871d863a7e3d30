"""Writes of micro-learning: authoring modules (admin instansi), applying the offline events of a pegawai, and the
atasan's confirmation that credits the module's JP exactly once.

apply_events is the one place where work done on a device reaches the database, whether it comes from the
/belajar/ app (sync), or from a results file of the zip package (import_results). It is idempotent by event
id and merges devices by rule:
- pages seen: the union of every device;
- an answer, the task note, the reflection: the one written last on its device (latest client time) wins;
- submission is monotonic: once submitted, the answers, task and reflection no longer change (until the atasan
  returns it), and a later "submit" changes nothing.

Bad input raises RecordInvalid (every problem, in the active language) and writes nothing; an actor outside
scope raises OutOfScope (callers answer 404).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record as audit
from bangkom.audit.services import record_change, snapshot
from bangkom.competency.models import Competency
from bangkom.engine.jsontext import unstorable_path
from bangkom.learning.models import DevelopmentForm, LearningRecord, RecordStatus
from bangkom.learning.services import OutOfScope, RecordInvalid
from bangkom.microlearning.models import (
    ELEARNING_FORM_ID,
    Attempt,
    AttemptStatus,
    EventKind,
    Module,
    ModulePage,
    ModuleStatus,
    Question,
    SyncEvent,
)
from bangkom.microlearning.selectors import confirmer_scope
from bangkom.org.models import Agency, Employee

__all__ = ["OutOfScope", "RecordInvalid"]

TITLE_MAX = 255
TEXT_MAX = 20000
NOTE_MAX = 4000
CHOICES_MIN, CHOICES_MAX = 2, 6
JP_MAX = Decimal("100")
IMAGE_MAX_BYTES = 512 * 1024  # kept small: modules are read on phones and copied onto flash disks
MAX_EVENTS = 500
DEVICE_MAX = 64
MODULE_ID_MAX = 2**63 - 1
# Events older than this are a device clock gone wrong (or a crafted file), not learning done.
EARLIEST_EVENT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LOCKED_STATUSES = (AttemptStatus.SUBMITTED, AttemptStatus.CONFIRMED)


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def is_admin_of(actor: Any, agency_id: int) -> bool:
    return agency_id in roles_for(actor).admin_agency_ids


def _require_admin(actor: Any, module: Module) -> None:
    if not is_admin_of(actor, module.agency_id):
        raise OutOfScope


def _audit_create(actor: Any, obj: Any, agency_id: int, entity: str) -> None:
    audit(actor=actor, action="create", entity=entity, object_id=obj.pk, agency_id=agency_id, after=snapshot(obj))


def _attnames(obj: Any, fields: list[str]) -> set[str]:
    return {f.attname for f in obj._meta.concrete_fields if f.name in fields}


def _bump(module: Module) -> None:
    """A change to a published module's content is live: the version tells devices to refresh."""
    if module.status == ModuleStatus.PUBLISHED:
        module.version += 1
        module.save(update_fields=["version", "updated_at"])


# --- authoring ------------------------------------------------------------------------------------------------


@dataclass
class ModuleData:
    title: str
    summary: str = ""
    jp: Any = None  # empty: the default 3 JP
    competency: Competency | int | None = None
    task: str = ""
    reflection_prompt: str = ""


def _parse_jp(value: Any) -> Decimal | None:
    if value in (None, ""):
        return Decimal("3.00")
    try:
        jp = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not jp.is_finite() or jp <= 0 or jp > JP_MAX or jp != jp.quantize(Decimal("0.01")):
        return None
    return jp.quantize(Decimal("0.01"))


@transaction.atomic
def module_save(*, actor: Any, agency: Agency, data: ModuleData, module: Module | None = None) -> Module:
    if not is_admin_of(actor, agency.pk) or (module is not None and module.agency_id != agency.pk):
        raise OutOfScope
    errors: dict[str, list[str]] = {}
    title = (data.title or "").strip()
    if not title:
        _add(errors, "title", _("Judul modul wajib diisi."))
    elif len(title) > TITLE_MAX:
        _add(errors, "title", _("Judul terlalu panjang (paling banyak 255 karakter)."))
    jp = _parse_jp(data.jp)
    if jp is None:
        _add(errors, "jp", _("JP harus angka lebih dari 0 dan paling banyak 100, dengan paling banyak 2 desimal."))
    texts = {k: (getattr(data, k) or "").strip() for k in ("summary", "task", "reflection_prompt")}
    for key, value in texts.items():
        if len(value) > NOTE_MAX:
            _add(errors, key, _("Teks terlalu panjang (paling banyak 4000 karakter)."))
    competency = None
    if data.competency not in (None, ""):
        cid = data.competency.pk if isinstance(data.competency, Competency) else data.competency
        try:
            competency = Competency.objects.filter(pk=int(str(cid))).first()
        except ValueError:
            competency = None
        if competency is None or competency.agency_id not in (None, agency.pk):
            _add(errors, "competency", _("Kompetensi tidak ditemukan."))
    if errors:
        raise RecordInvalid(errors)
    before = snapshot(module) if module is not None else None
    obj = module or Module(agency=agency, created_by=actor)
    obj.title, obj.jp, obj.competency = title, jp, competency  # type: ignore[assignment]
    obj.summary, obj.task, obj.reflection_prompt = texts["summary"], texts["task"], texts["reflection_prompt"]
    obj.save()
    if before is None:
        _audit_create(actor, obj, agency.pk, "microlearning.module")
    else:
        fields = ["title", "summary", "jp", "competency", "task", "reflection_prompt"]
        if snapshot(obj, fields) != {k: v for k, v in before.items() if k in _attnames(obj, fields)}:
            record_change(actor=actor, instance=obj, before=before, agency_id=agency.pk)
            _bump(obj)
    return obj


@dataclass
class PageData:
    title: str
    body: str
    order: Any = None  # empty: after the last page
    image: UploadedFile | None = None
    clear_image: bool = False


def _order(value: Any, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(str(value).strip())
    except ValueError:
        n = -1
    if not 1 <= n <= 999:
        _add(errors, "order", _("Urutan harus angka 1 sampai 999."))
        return None
    return n


def _next_order(qs: Any) -> int:
    last = qs.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def page_save(*, actor: Any, module: Module, data: PageData, page: ModulePage | None = None) -> ModulePage:
    _require_admin(actor, module)
    if page is not None and page.module_id != module.pk:
        raise OutOfScope
    errors: dict[str, list[str]] = {}
    title = (data.title or "").strip()
    body = (data.body or "").replace("\r\n", "\n").strip()
    if not title:
        _add(errors, "title", _("Judul halaman wajib diisi."))
    elif len(title) > TITLE_MAX:
        _add(errors, "title", _("Judul terlalu panjang (paling banyak 255 karakter)."))
    if not body:
        _add(errors, "body", _("Isi halaman wajib diisi."))
    elif len(body) > TEXT_MAX:
        _add(errors, "body", _("Isi halaman terlalu panjang (paling banyak 20000 karakter)."))
    order = _order(data.order, errors)
    if data.image is not None:
        if (data.image.size or 0) > IMAGE_MAX_BYTES:
            _add(errors, "image", _("Gambar terlalu besar (paling besar 512 KB). Perkecil dahulu."))
        elif (data.image.name or "").rsplit(".", 1)[-1].lower() not in ("png", "jpg", "jpeg", "gif", "webp"):
            _add(errors, "image", _("Gambar harus berkas PNG, JPG, GIF atau WebP."))
    if errors:
        raise RecordInvalid(errors)
    before = snapshot(page) if page is not None else None
    obj = page or ModulePage(module=module)
    obj.title, obj.body = title, body
    obj.order = order if order is not None else (obj.order if page is not None else _next_order(module.pages))
    if data.clear_image and obj.image:
        obj.image.delete(save=False)
        obj.image = ""
    if data.image is not None:
        # A name of ours: the browser's may be long, dotted or a path (Django's storage refused some: a bare 400).
        extension = (data.image.name or "").rsplit(".", 1)[-1].lower()
        obj.image.save(f"{uuid.uuid4().hex}.{extension}", data.image, save=False)
    obj.save()
    if before is None:
        _audit_create(actor, obj, module.agency_id, "microlearning.modulepage")
        _bump(module)
    elif record_change(actor=actor, instance=obj, before=before, agency_id=module.agency_id) is not None:
        _bump(module)
    return obj


@dataclass
class QuestionData:
    text: str
    choices: list[str]
    correct: Any  # index into choices (0-based)
    explanation: str = ""
    order: Any = None


@transaction.atomic
def question_save(*, actor: Any, module: Module, data: QuestionData, question: Question | None = None) -> Question:
    _require_admin(actor, module)
    if question is not None and question.module_id != module.pk:
        raise OutOfScope
    errors: dict[str, list[str]] = {}
    text = (data.text or "").strip()
    if not text:
        _add(errors, "text", _("Teks soal wajib diisi."))
    elif len(text) > NOTE_MAX:
        _add(errors, "text", _("Teks terlalu panjang (paling banyak 4000 karakter)."))
    choices = [str(c).strip() for c in (data.choices or []) if str(c).strip()]
    if not CHOICES_MIN <= len(choices) <= CHOICES_MAX:
        _add(errors, "choices", _("Soal harus memiliki 2 sampai 6 pilihan jawaban."))
    elif len(set(choices)) != len(choices):
        _add(errors, "choices", _("Pilihan jawaban tidak boleh sama."))
    elif any(len(c) > 500 for c in choices):
        _add(errors, "choices", _("Pilihan jawaban terlalu panjang (paling banyak 500 karakter)."))
    try:
        correct = int(str(data.correct).strip())
    except ValueError:
        correct = -1
    if not 0 <= correct < max(len(choices), 1) or not choices:
        _add(errors, "correct", _("Pilih jawaban yang benar di antara pilihan yang ada."))
    explanation = (data.explanation or "").strip()
    if len(explanation) > NOTE_MAX:
        _add(errors, "explanation", _("Teks terlalu panjang (paling banyak 4000 karakter)."))
    order = _order(data.order, errors)
    if errors:
        raise RecordInvalid(errors)
    before = snapshot(question) if question is not None else None
    obj = question or Question(module=module)
    obj.text, obj.choices, obj.correct, obj.explanation = text, choices, correct, explanation
    obj.order = order if order is not None else (obj.order if question is not None else _next_order(module.questions))
    obj.save()
    if before is None:
        _audit_create(actor, obj, module.agency_id, "microlearning.question")
        _bump(module)
    elif record_change(actor=actor, instance=obj, before=before, agency_id=module.agency_id) is not None:
        _bump(module)
    return obj


@transaction.atomic
def part_delete(*, actor: Any, module: Module, part: ModulePage | Question) -> None:
    """Remove a page or a question. Answers and pages seen of it stay in attempts but no longer count."""
    _require_admin(actor, module)
    if part.module_id != module.pk:
        raise OutOfScope
    if module.status == ModuleStatus.PUBLISHED and (
        (isinstance(part, ModulePage) and module.pages.count() <= 1)
        or (isinstance(part, Question) and module.questions.count() <= 1)
    ):
        raise RecordInvalid({"__all__": [_("Modul terbit harus tetap memiliki paling sedikit satu halaman dan soal.")]})
    before, pk = snapshot(part), part.pk
    if isinstance(part, ModulePage) and part.image:
        part.image.delete(save=False)
    part.delete()
    audit(
        actor=actor,
        action="delete",
        entity=part._meta.label_lower,
        object_id=pk,
        agency_id=module.agency_id,
        before=before,
    )
    _bump(module)


def publish_problems(module: Module) -> list[str]:
    """What keeps a module from being published (empty: ready)."""
    out = []
    if not module.pages.exists():
        out.append(_("Modul belum memiliki halaman."))
    if not module.questions.exists():
        out.append(_("Modul belum memiliki soal."))
    if not module.task.strip():
        out.append(_("Tugas praktik belum diisi."))
    if not module.reflection_prompt.strip():
        out.append(_("Pertanyaan refleksi belum diisi."))
    return out


@transaction.atomic
def module_publish(*, actor: Any, module: Module) -> Module:
    _require_admin(actor, module)
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.status == ModuleStatus.PUBLISHED:
        raise RecordInvalid({"__all__": [_("Modul sudah terbit.")]})
    problems = publish_problems(module)
    if problems:
        raise RecordInvalid({"__all__": problems})
    before = snapshot(module)
    module.status, module.version, module.published_at = ModuleStatus.PUBLISHED, module.version + 1, timezone.now()
    module.save(update_fields=["status", "version", "published_at", "updated_at"])
    record_change(actor=actor, instance=module, before=before, agency_id=module.agency_id, action="publish")
    return module


@transaction.atomic
def module_archive(*, actor: Any, module: Module) -> Module:
    """Withdraw a module from the pegawai; attempts and the records already credited stay."""
    _require_admin(actor, module)
    module = Module.objects.select_for_update().get(pk=module.pk)
    if module.status == ModuleStatus.ARCHIVED:
        raise RecordInvalid({"__all__": [_("Modul sudah diarsipkan.")]})
    before = snapshot(module)
    module.status = ModuleStatus.ARCHIVED
    module.save(update_fields=["status", "updated_at"])
    record_change(actor=actor, instance=module, before=before, agency_id=module.agency_id, action="archive")
    return module


# --- offline events -------------------------------------------------------------------------------------------


@dataclass
class ApplyResult:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)
    attempts: dict[int, Attempt] = field(default_factory=dict)  # module id -> resulting attempt


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def read_device_json(data: bytes) -> Any:
    """JSON written by a device (the offline app's sync, a results file) that can be stored as it is: RFC 8259
    (no NaN or Infinity) and engine.jsontext's rule (no NUL, no lone surrogate, finite numbers, bounded depth).
    ValueError when it is not."""
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
    where = unstorable_path(value)
    if where is not None:
        raise ValueError(f"cannot be stored: {where}")
    return value


@dataclass(frozen=True)
class _Event:
    id: uuid.UUID
    module_id: int
    kind: str
    payload: dict[str, Any]
    at: dt.datetime
    seq: int


def _parse_event(raw: Any, seq: int, now: dt.datetime) -> _Event | str:
    """One event as sent by a device, or why it cannot be read."""
    if not isinstance(raw, Mapping):
        return _("Peristiwa harus berupa objek JSON.")
    try:
        eid = uuid.UUID(str(raw.get("id", "")))
    except ValueError:
        return _("ID peristiwa harus UUID.")
    module_id = raw.get("module_id")
    if isinstance(module_id, bool) or not isinstance(module_id, int) or not 0 < module_id <= MODULE_ID_MAX:
        return _("module_id harus bilangan bulat.")
    kind = raw.get("kind")
    if kind not in EventKind.values:
        return _("Jenis peristiwa tidak dikenal.")
    payload = raw.get("payload", {})
    if not isinstance(payload, Mapping):
        return _("payload harus berupa objek JSON.")
    try:
        at = parse_datetime(raw["at"]) if isinstance(raw.get("at"), str) else None
    except ValueError:  # well formed but not a moment: 2024-02-30, hour 25, offset +24:00
        at = None
    if at is None:
        return _("Waktu peristiwa (at) harus berformat ISO 8601.")
    try:
        at = timezone.make_aware(at, dt.UTC) if timezone.is_naive(at) else at.astimezone(dt.UTC)
    except OverflowError:
        at = EARLIEST_EVENT - dt.timedelta(days=1)
    if at < EARLIEST_EVENT:
        return _("Waktu peristiwa (at) tidak masuk akal: periksa jam perangkat.")
    # A device clock ahead of the server cannot put work in the future.
    return _Event(eid, module_id, str(kind), dict(payload), min(at, now), seq)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 18:  # not "²", not 5,000 digits
        return int(value.strip())
    return None


def _text(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key, "")
    return value.strip() if isinstance(value, str) else None


def _later(at: dt.datetime, stored: str | dt.datetime | None) -> bool:
    if stored is None:
        return True
    if isinstance(stored, str):
        parsed = parse_datetime(stored)
        if parsed is None:
            return True
        stored = parsed
    return at >= stored


def submit_problems(attempt: Attempt, page_ids: set[int], question_ids: set[int]) -> list[str]:
    """What is still missing before the attempt can be submitted."""
    out = []
    if not page_ids <= set(attempt.pages_seen):
        out.append(_("Masih ada halaman yang belum dibaca."))
    if not question_ids <= {int(k) for k in attempt.answers}:
        out.append(_("Masih ada soal yang belum dijawab."))
    if attempt.task_done_at is None:
        out.append(_("Tugas praktik belum ditandai selesai."))
    if not attempt.reflection.strip():
        out.append(_("Refleksi belum ditulis."))
    return out


def _apply_one(attempt: Attempt, ev: _Event, pages: set[int], questions: dict[int, int]) -> str | None:
    """Apply one event to the attempt in memory; the reason when it is rejected."""
    locked = attempt.status in LOCKED_STATUSES
    p = ev.payload
    if ev.kind == EventKind.PAGE:
        page_id = _int_or_none(p.get("page_id"))
        if page_id not in pages:
            return _("Halaman tidak ditemukan di modul ini.")
        if page_id not in attempt.pages_seen:
            attempt.pages_seen = sorted({*attempt.pages_seen, page_id})
        return None
    if ev.kind == EventKind.SUBMIT:
        if locked:
            return None  # monotonic: already submitted, nothing changes
        if attempt.returned_at is not None and ev.at <= attempt.returned_at:
            # A device that was offline when the atasan returned the module must not undo the return.
            return _("Pengiriman ini dibuat sebelum modul dikembalikan atasan; perbaiki lalu kirim lagi.")
        problems = submit_problems(attempt, pages, set(questions))
        if problems:
            return " ".join(problems)
        # The submission date becomes the learning record's date: never before the module was published.
        at = max(ev.at, attempt.module.published_at) if attempt.module.published_at else ev.at
        attempt.status, attempt.submitted_at, attempt.return_reason = AttemptStatus.SUBMITTED, at, ""
        return None
    if locked:
        return _("Modul sudah dikirim ke atasan; perubahan ini tidak diterapkan.")
    if ev.kind == EventKind.ANSWER:
        qid, choice = _int_or_none(p.get("question_id")), _int_or_none(p.get("choice"))
        if qid not in questions:
            return _("Soal tidak ditemukan di modul ini.")
        if choice is None or not 0 <= choice < questions[qid]:
            return _("Pilihan jawaban tidak ada.")
        if _later(ev.at, (attempt.answers.get(str(qid)) or {}).get("at")):
            attempt.answers = {**attempt.answers, str(qid): {"choice": choice, "at": ev.at.isoformat()}}
        return None
    key = "note" if ev.kind == EventKind.TASK else "text"
    text = _text(p, key)
    if text is None or len(text) > NOTE_MAX:
        return _("Teks paling banyak 4000 karakter.")
    if ev.kind == EventKind.TASK:
        if _later(ev.at, attempt.task_done_at):
            attempt.task_done_at, attempt.task_note = ev.at, text
        return None
    if _later(ev.at, attempt.reflection_at):
        attempt.reflection, attempt.reflection_at = text, ev.at
    return None


def module_takeable(employee: Employee) -> Any:
    """Modules a pegawai may take: the published modules of their own instansi."""
    return Module.objects.filter(agency_id=employee.agency_id, status=ModuleStatus.PUBLISHED)


def _employee_for(user: Any, employee: Employee | None) -> Employee:
    roles = roles_for(user)
    if employee is None:
        if roles.employee_id is None:
            raise OutOfScope
        return Employee.objects.get(pk=roles.employee_id)
    if employee.pk != roles.employee_id and employee.agency_id not in roles.admin_agency_ids:
        raise OutOfScope
    return employee


def _attempt_locked(module: Module, employee: Employee) -> tuple[Attempt, bool]:
    """The one attempt of this pegawai on this module, locked for the rest of the transaction, and whether
    this call made it."""
    created = False
    try:
        with transaction.atomic():
            created = Attempt.objects.get_or_create(module=module, employee=employee)[1]
    except IntegrityError:
        pass  # another request created it at the same moment: the unique constraint kept it one
    return Attempt.objects.select_for_update().get(module=module, employee=employee), created


@transaction.atomic
def apply_events(
    *,
    user: Any,
    events: Iterable[Any],
    device_id: str = "",
    employee: Employee | None = None,
    now: dt.datetime | None = None,
) -> ApplyResult:
    """Apply a device's events to the pegawai's attempts (the user's own, or, for an admin instansi importing a
    results file, those of a pegawai of their instansi). See the module docstring for the merge rules."""
    emp = _employee_for(user, employee)
    raw = list(events)
    if len(raw) > MAX_EVENTS:
        raise RecordInvalid({"events": [_("Paling banyak 500 peristiwa dalam satu kiriman.")]})
    if not isinstance(device_id, str) or len(device_id) > DEVICE_MAX:
        raise RecordInvalid({"device_id": [_("ID perangkat harus teks paling banyak 64 karakter.")]})
    now = now or timezone.now()
    out = ApplyResult()
    parsed: list[_Event] = []
    for seq, item in enumerate(raw):
        ev = _parse_event(item, seq, now)
        if isinstance(ev, str):
            rid = str(item.get("id", "")) if isinstance(item, Mapping) else ""
            out.rejected.append({"id": rid, "message": ev})
        else:
            parsed.append(ev)
    # Content first, submissions last; within each, in the order the devices made them.
    parsed.sort(key=lambda e: (e.kind == EventKind.SUBMIT, e.at, e.seq))
    modules = {m.pk: m for m in module_takeable(emp).filter(pk__in={e.module_id for e in parsed})}
    # Lock this pegawai's attempts first, then read the log: a concurrent sync of the same events waits here
    # and then sees them as duplicates.
    attempts: dict[int, Attempt] = {
        a.module_id: a
        for a in Attempt.objects.select_for_update().filter(employee=emp, module_id__in=modules).order_by("pk")
    }
    seen = dict(SyncEvent.objects.filter(pk__in=[e.id for e in parsed]).values_list("pk", "attempt__employee_id"))
    content: dict[int, tuple[set[int], dict[int, int]]] = {mid: (set(), {}) for mid in modules}
    for pid, mid in ModulePage.objects.filter(module_id__in=modules).values_list("pk", "module_id"):
        content[mid][0].add(pid)
    for qid, mid, choices in Question.objects.filter(module_id__in=modules).values_list("pk", "module_id", "choices"):
        content[mid][1][qid] = len(choices or [])
    for mid, a in attempts.items():
        a.module = modules[mid]
    status_before = {mid: a.status for mid, a in attempts.items()}
    changed: set[int] = set()
    logged: list[SyncEvent] = []
    batch: set[uuid.UUID] = set()
    made: set[int] = set()  # modules whose attempt this sync made (dropped again if no event of it holds)
    for ev in parsed:
        sid = str(ev.id)
        if ev.id in seen or ev.id in batch:
            if ev.id in batch or seen[ev.id] == emp.pk:
                out.duplicates.append(sid)
            else:
                out.rejected.append({"id": sid, "message": _("ID peristiwa sudah dipakai.")})
            continue
        module = modules.get(ev.module_id)
        if module is None:
            out.rejected.append({"id": sid, "message": _("Modul tidak ditemukan atau tidak tersedia untuk Anda.")})
            continue
        attempt = attempts.get(module.pk)
        if attempt is None:
            attempt, created = _attempt_locked(module, emp)
            attempts[module.pk] = attempt
            attempt.module = module
            if created:
                made.add(module.pk)
            status_before[module.pk] = attempt.status
        before = snapshot(attempt)
        reason = _apply_one(attempt, ev, *content[module.pk])
        if reason is not None:
            out.rejected.append({"id": sid, "message": reason})
            continue
        if snapshot(attempt) != before:
            changed.add(module.pk)
        batch.add(ev.id)
        out.accepted.append(sid)
        logged.append(
            SyncEvent(
                id=ev.id,
                attempt=attempt,
                device_id=device_id,
                kind=ev.kind,
                payload=ev.payload,
                client_at=ev.at,
            )
        )
    for mid in sorted(changed):
        attempt = attempts[mid]
        attempt.updated_at = now
        attempt.save()
        if attempt.status != status_before[mid]:
            audit(
                actor=user,
                action="submit",
                entity="microlearning.attempt",
                object_id=attempt.pk,
                agency_id=emp.agency_id,
                before={"status": status_before[mid]},
                after={"status": attempt.status, "device": device_id},
            )
    # The attempt lock makes a clash unlikely; should one happen, the event is already applied: keep the first.
    SyncEvent.objects.bulk_create(logged, ignore_conflicts=True)
    kept = {event.attempt.module_id for event in logged}
    for mid in sorted(made - kept):  # every event of it was refused: no attempt was begun
        attempts.pop(mid).delete()
    out.attempts = attempts
    return out


# --- confirmation by the atasan -------------------------------------------------------------------------------


def _require_confirmer(actor: Any, attempt: Attempt) -> None:
    """The direct atasan, or the admin instansi for a pegawai without one (selectors.confirmer_scope)."""
    scope = confirmer_scope(actor)
    if scope is None or not Attempt.objects.filter(scope, pk=attempt.pk).exists():
        raise OutOfScope


@transaction.atomic
def attempt_confirm(*, actor: Any, attempt: Attempt) -> LearningRecord:
    """The direct atasan (the admin instansi for a pegawai without one) confirms the reflection: one verified
    E-Learning record with the module's JP, once."""
    attempt = (
        Attempt.objects.select_for_update(of=("self",)).select_related("module__agency", "employee").get(pk=attempt.pk)
    )
    _require_confirmer(actor, attempt)
    if attempt.status == AttemptStatus.CONFIRMED or attempt.learning_record_id is not None:
        raise RecordInvalid({"__all__": [_("Refleksi ini sudah dikonfirmasi; JP-nya sudah dicatat.")]})
    if attempt.status != AttemptStatus.SUBMITTED or attempt.submitted_at is None:
        raise RecordInvalid({"__all__": [_("Hanya modul yang sudah dikirim yang dapat dikonfirmasi.")]})
    module = attempt.module
    day = timezone.localdate(attempt.submitted_at)
    try:
        with transaction.atomic():
            record = LearningRecord.objects.create(
                employee=attempt.employee,
                form=DevelopmentForm.objects.get(pk=ELEARNING_FORM_ID),
                title=module.title,
                provider=module.agency.name[:255],
                start_date=day,
                end_date=day,
                jp=module.jp,
                quantity=Decimal(1),
                status=RecordStatus.VERIFIED,
                source="modul",
                verified_by=actor,
                verified_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise RecordInvalid(
            {"__all__": [_("Pegawai sudah memiliki catatan pembelajaran dengan judul dan tanggal yang sama.")]}
        ) from exc
    before = snapshot(attempt)
    attempt.status, attempt.confirmed_by, attempt.confirmed_at = AttemptStatus.CONFIRMED, actor, timezone.now()
    attempt.learning_record = record
    attempt.updated_at = timezone.now()
    attempt.save()
    record_change(actor=actor, instance=attempt, before=before, agency_id=module.agency_id, action="confirm")
    return record


@transaction.atomic
def attempt_return(*, actor: Any, attempt: Attempt, reason: str) -> Attempt:
    """The direct atasan (or admin, see attempt_confirm) sends the reflection back with a reason; the pegawai
    revises and submits again."""
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("module", "employee").get(pk=attempt.pk)
    _require_confirmer(actor, attempt)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        _add(errors, "reason", _("Tuliskan alasan pengembalian agar pegawai tahu apa yang perlu diperbaiki."))
    elif len(reason) > NOTE_MAX:
        _add(errors, "reason", _("Teks terlalu panjang (paling banyak 4000 karakter)."))
    if attempt.status != AttemptStatus.SUBMITTED:
        _add(errors, "__all__", _("Hanya modul yang sudah dikirim dan belum dikonfirmasi yang dapat dikembalikan."))
    if errors:
        raise RecordInvalid(errors)
    before = snapshot(attempt)
    attempt.status, attempt.return_reason = AttemptStatus.RETURNED, reason
    attempt.returned_at = attempt.updated_at = timezone.now()
    attempt.save()
    record_change(actor=actor, instance=attempt, before=before, agency_id=attempt.module.agency_id, action="return")
    return attempt
