"""Writes of learning records and JP rules: the one place for their rules, used by pages, API and CLI.

Every change is audited. Bad input raises RecordInvalid with every problem found (messages in the active
language), and nothing is written; a pegawai the actor may not record for raises OutOfScope (callers answer
404, as for an id that does not exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bangkom.accounts.roles import roles_for
from bangkom.audit.services import record as audit
from bangkom.audit.services import record_change, snapshot
from bangkom.engine.hours import JP_UNITS, Credit, CreditError, credit_jp, format_jp
from bangkom.engine.textnum import plain_int
from bangkom.learning.evidence import EvidenceRefused, check_evidence, max_bytes
from bangkom.learning.models import AgencyJpRule, DevelopmentForm, JpUnit, LearningRecord, RecordStatus
from bangkom.learning.selectors import can_verify, duplicates_of, form_rule_for
from bangkom.org.models import Agency, Employee

JP_MAX = Decimal("9999.99")  # LearningRecord.jp holds 7 digits with 2 decimals


class RecordInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors

    @property
    def messages(self) -> list[str]:
        return [m for ms in self.errors.values() for m in ms]


class OutOfScope(Exception):
    """The actor may not act on this pegawai or record."""


@dataclass
class RecordData:
    form: DevelopmentForm | int | None
    title: str
    provider: str
    start_date: date | None
    end_date: date | None
    jp: Decimal | None = None
    quantity: Decimal | None = None
    certificate_no: str = ""
    planned: bool = False
    status: str | None = None  # asked for explicitly (API); None: the default for the actor
    evidence: UploadedFile | None = None


@dataclass
class Saved:
    record: LearningRecord
    credit: Credit
    notes: list[str] = field(default_factory=list)


def _h(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _fmt(d: date) -> str:
    return date_format(d, "SHORT_DATE_FORMAT")


def _add(errors: dict[str, list[str]], key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _resolve_form(value: DevelopmentForm | int | None, errors: dict[str, list[str]]) -> DevelopmentForm | None:
    if value is None or value == "":
        _add(errors, "form", _("Bentuk pengembangan wajib diisi."))
        return None
    if isinstance(value, DevelopmentForm):
        return value
    form_pk = plain_int(value)
    form = DevelopmentForm.objects.filter(pk=form_pk).first() if form_pk is not None else None
    if form is None:
        _add(
            errors, "form", _("Bentuk pengembangan %(form)s tidak dikenal (jenis diklat SIASN 1-25).") % {"form": value}
        )
    return form


_CREDIT_MESSAGES = {
    "jp_required": lambda unit: _("JP wajib diisi untuk bentuk ini (JP sesuai sertifikat atau modul)."),
    "quantity_required": lambda unit: _("Jumlah %(unit)s wajib diisi untuk bentuk ini.") % {"unit": unit},
    "negative": lambda unit: _("JP dan jumlah tidak boleh negatif."),
    "dates": lambda unit: _("Tanggal selesai tidak boleh sebelum tanggal mulai."),
}

_UNIT_NOUN = {"sesi": "sesi", "hari": "hari", "kegiatan": "kegiatan", "modul": "modul", "jp": "JP"}


def _evidence_error(code: str) -> str:
    if code == "too_large":
        return _("Berkas bukti terlalu besar: paling besar %(mb)s MB.") % {"mb": f"{max_bytes() / 1048576:g}"}
    if code == "empty":
        return _("Berkas bukti kosong.")
    return _("Berkas bukti harus PDF atau gambar (PNG, JPEG).")


def _target_status(actor: Any, employee: Employee, data: RecordData, errors: dict[str, list[str]]) -> str:
    verifier = can_verify(actor, employee)
    asked = data.status
    if data.planned or asked == RecordStatus.PLANNED:
        return RecordStatus.PLANNED
    if asked in (None, ""):
        return RecordStatus.VERIFIED if verifier else RecordStatus.SUBMITTED
    if asked == RecordStatus.SUBMITTED:
        return RecordStatus.SUBMITTED
    if asked == RecordStatus.VERIFIED:
        if not verifier:
            _add(errors, "status", _("Anda tidak berwenang memverifikasi catatan pegawai ini."))
        return RecordStatus.VERIFIED
    _add(
        errors,
        "status",
        _("Status %(status)s tidak dapat dipakai di sini (rencana, diajukan, terverifikasi).") % {"status": asked},
    )
    return RecordStatus.SUBMITTED


def may_record_for(actor: Any, employee: Employee) -> bool:
    return roles_for(actor).employee_id == employee.pk or can_verify(actor, employee)


@transaction.atomic
def record_save(
    *,
    actor: Any,
    employee: Employee,
    data: RecordData,
    record: LearningRecord | None = None,
    source: str = "web",
    today: date | None = None,
) -> Saved:
    """Create a record, or correct one (a rejected or submitted record goes back to the verification queue)."""
    if not may_record_for(actor, employee) or (record is not None and record.employee_id != employee.pk):
        raise OutOfScope
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if record is not None and record.status == RecordStatus.VERIFIED and not can_verify(actor, employee):
        _add(errors, "__all__", _("Catatan yang sudah terverifikasi tidak dapat diubah."))
    form = _resolve_form(data.form, errors)
    title, provider, cert = data.title.strip(), data.provider.strip(), data.certificate_no.strip()
    if not title:
        _add(errors, "title", _("Judul wajib diisi."))
    if not provider:
        _add(errors, "provider", _("Penyelenggara wajib diisi."))
    if data.start_date is None:
        _add(errors, "start_date", _("Tanggal mulai wajib diisi."))
    if data.end_date is None:
        _add(errors, "end_date", _("Tanggal selesai wajib diisi."))
    if data.jp is not None and (not data.jp.is_finite() or data.jp < 0):
        _add(errors, "jp", _("JP harus berupa angka tidak negatif."))
    if data.quantity is not None and (not data.quantity.is_finite() or data.quantity < 0):
        _add(errors, "quantity", _("Jumlah harus berupa angka tidak negatif."))
    status = _target_status(actor, employee, data, errors)
    credit: Credit | None = None
    if data.start_date and data.end_date:
        if data.end_date < data.start_date:
            _add(errors, "end_date", _CREDIT_MESSAGES["dates"](""))
        elif status != RecordStatus.PLANNED and data.end_date > today:
            _add(
                errors,
                "end_date",
                _("Tanggal selesai %(date)s belum lewat: simpan sebagai rencana, lalu ajukan setelah selesai.")
                % {"date": _fmt(data.end_date)},
            )
        elif form is not None and "jp" not in errors and "quantity" not in errors:
            rule = form_rule_for(form, employee.agency_id)
            try:
                credit = credit_jp(
                    rule, start=data.start_date, end=data.end_date, quantity=_h(data.quantity), stated_jp=_h(data.jp)
                )
            except CreditError as exc:
                _add(
                    errors,
                    "jp" if exc.code != "quantity_required" else "quantity",
                    _CREDIT_MESSAGES[exc.code](_UNIT_NOUN.get(rule.unit, rule.unit)),
                )
            else:
                if credit.jp > _h(JP_MAX):  # type: ignore[operator]
                    _add(errors, "jp", _("JP terlalu besar (paling banyak %(max)s).") % {"max": format_jp(999999)})
    evidence = None
    if data.evidence is not None:
        try:
            evidence = check_evidence(data.evidence, data.evidence.size or 0)
        except EvidenceRefused as exc:
            _add(errors, "evidence", _evidence_error(exc.code))
    if title and data.start_date and data.end_date:
        dup = duplicates_of(
            employee,
            title=title,
            start_date=data.start_date,
            end_date=data.end_date,
            certificate_no=cert,
            exclude_pk=record.pk if record else None,
        ).first()
        if dup is not None:
            _add(
                errors,
                "__all__",
                _(
                    "Kegiatan yang sama sudah tercatat: %(title)s (%(start)s s.d. %(end)s, "
                    "%(status)s). Perbaiki catatan itu, jangan mencatat dua kali."
                )
                % {
                    "title": dup.title,
                    "start": _fmt(dup.start_date),
                    "end": _fmt(dup.end_date),
                    "status": dup.get_status_display(),
                },
            )
    if errors or credit is None or form is None or data.start_date is None or data.end_date is None:
        raise RecordInvalid(errors or {"__all__": [_("Catatan tidak dapat disimpan.")]})

    before = snapshot(record) if record is not None else None
    obj = record or LearningRecord(employee=employee, source=source, submitted_by=actor)
    obj.form, obj.title, obj.provider, obj.certificate_no = form, title, provider, cert
    obj.start_date, obj.end_date = data.start_date, data.end_date
    obj.quantity = data.quantity
    obj.jp = Decimal(credit.jp) / 100
    obj.status = status
    obj.rejection_reason = ""
    obj.updated_at = timezone.now()
    if status == RecordStatus.VERIFIED:
        obj.verified_by, obj.verified_at = actor, timezone.now()
    else:
        obj.verified_by, obj.verified_at = None, None
    if evidence is not None and data.evidence is not None:
        if obj.evidence:
            obj.evidence.delete(save=False)
        obj.evidence.save(f"{uuid.uuid4().hex}.{evidence.extension}", data.evidence, save=False)
        obj.evidence_type = evidence.content_type
    obj.save()
    record_change(actor=actor, instance=obj, before=before, agency_id=employee.agency_id)
    notes = []
    if credit.capped:
        notes.append(
            _("JP dibatasi dari %(claimed)s menjadi %(jp)s sesuai aturan JP instansi untuk bentuk ini.")
            % {"claimed": format_jp(credit.claimed), "jp": format_jp(credit.jp)}
        )
    return Saved(obj, credit, notes)


def _check_decision(actor: Any, record: LearningRecord) -> None:
    if not can_verify(actor, record.employee):
        raise OutOfScope
    if record.status != RecordStatus.SUBMITTED:
        raise RecordInvalid({"__all__": [_("Hanya catatan berstatus Diajukan yang dapat diverifikasi atau ditolak.")]})


@transaction.atomic
def record_verify(*, actor: Any, record: LearningRecord) -> LearningRecord:
    record = LearningRecord.objects.select_for_update().select_related("employee").get(pk=record.pk)
    _check_decision(actor, record)
    before = snapshot(record)
    now = timezone.now()
    record.status, record.verified_by, record.verified_at, record.updated_at = RecordStatus.VERIFIED, actor, now, now
    record.rejection_reason = ""
    record.save()
    record_change(actor=actor, instance=record, before=before, agency_id=record.employee.agency_id, action="verify")
    return record


@transaction.atomic
def record_reject(*, actor: Any, record: LearningRecord, reason: str) -> LearningRecord:
    record = LearningRecord.objects.select_for_update().select_related("employee").get(pk=record.pk)
    _check_decision(actor, record)
    if not reason.strip():
        raise RecordInvalid({"reason": [_("Alasan penolakan wajib diisi: pegawai perlu tahu apa yang diperbaiki.")]})
    before = snapshot(record)
    record.status, record.rejection_reason, record.updated_at = RecordStatus.REJECTED, reason.strip(), timezone.now()
    record.save()
    record_change(actor=actor, instance=record, before=before, agency_id=record.employee.agency_id, action="reject")
    return record


@transaction.atomic
def record_delete(*, actor: Any, record: LearningRecord) -> None:
    """The pegawai may withdraw a record that is not verified; a verifier may delete any record of their scope."""
    own = roles_for(actor).employee_id == record.employee_id
    if not (can_verify(actor, record.employee) or (own and record.status != RecordStatus.VERIFIED)):
        if own:
            raise RecordInvalid({"__all__": [_("Catatan yang sudah terverifikasi tidak dapat dihapus.")]})
        raise OutOfScope
    before, pk, agency_id = snapshot(record), record.pk, record.employee.agency_id
    if record.evidence:
        record.evidence.delete(save=False)
    record.delete()
    audit(
        actor=actor,
        action="delete",
        entity="learning.learningrecord",
        object_id=pk,
        agency_id=agency_id,
        before=before,
        after=None,
    )


# --- JP rules per instansi ----------------------------------------------------------------------------------


@dataclass
class RuleData:
    form_id: int
    jp_unit: str
    jp_per_unit: Decimal | None
    max_units_per_month: int | None
    max_jp_per_day: Decimal | None


def _rule_errors(row: RuleData) -> list[str]:
    out = []
    if row.jp_unit not in JP_UNITS:
        out.append(_("Satuan %(unit)s tidak dikenal.") % {"unit": row.jp_unit})
    if row.jp_unit not in (JpUnit.JP, JpUnit.MODULE) and not row.jp_per_unit:
        out.append(_("JP per satuan wajib diisi dan lebih dari 0 untuk satuan ini."))
    if row.jp_unit == JpUnit.MODULE and not row.jp_per_unit:
        out.append(_("JP per modul wajib diisi (dipakai bila modul tidak menyebut JP-nya)."))
    for value in (row.jp_per_unit, row.max_jp_per_day):
        if value is not None and (value < 0 or value > Decimal("999.99")):
            out.append(_("JP harus antara 0 dan 999,99."))
            break
    if row.max_units_per_month is not None and not 0 < row.max_units_per_month <= 100:
        out.append(_("Batas satuan per bulan harus antara 1 dan 100."))
    if row.max_jp_per_day is not None and row.max_jp_per_day <= 0:
        out.append(_("Batas JP per hari harus lebih dari 0."))
    return out


@transaction.atomic
def jp_rules_save(*, actor: Any, agency: Agency, rows: Iterable[RuleData]) -> int:
    """Save the instansi's rule table in one go: every row valid, or nothing saved. A row equal to the national
    default is stored as no override, so later changes of the defaults still reach the instansi."""
    if agency.pk not in roles_for(actor).admin_agency_ids:
        raise OutOfScope
    rows = list(rows)
    forms = {f.pk: f for f in DevelopmentForm.objects.all()}
    errors: dict[str, list[str]] = {}
    for row in rows:
        if row.form_id not in forms:
            errors[str(row.form_id)] = [_("Bentuk pengembangan %(form)s tidak dikenal.") % {"form": row.form_id}]
            continue
        found = _rule_errors(row)
        if found:
            errors[str(row.form_id)] = [f"{forms[row.form_id].name}: {m}" for m in found]
    if errors:
        raise RecordInvalid(errors)
    changed = 0
    own = {r.form_id: r for r in AgencyJpRule.objects.filter(agency=agency)}
    for row in rows:
        form = forms[row.form_id]
        values = (row.jp_unit, row.jp_per_unit, row.max_units_per_month, row.max_jp_per_day)
        is_default = values == (form.jp_unit, form.jp_per_unit, form.max_units_per_month, form.max_jp_per_day)
        existing = own.get(row.form_id)
        if is_default:
            if existing is not None:
                before = snapshot(existing)
                existing.delete()
                audit(
                    actor=actor,
                    action="delete",
                    entity="learning.agencyjprule",
                    object_id=row.form_id,
                    agency_id=agency.pk,
                    before=before,
                    after=None,
                )
                changed += 1
            continue
        previous = snapshot(existing) if existing else None
        obj = existing or AgencyJpRule(agency=agency, form=form)
        obj.jp_unit, obj.jp_per_unit, obj.max_units_per_month, obj.max_jp_per_day = values
        obj.save()
        if record_change(actor=actor, instance=obj, before=previous, agency_id=agency.pk) is not None:
            changed += 1
    return changed
