"""Pages of learning records and the yearly JP. Views parse, call a selector or service, and render."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.accounts.roles import roles_for
from bangkom.engine.hours import MIX_CATEGORIES, format_jp, mix_shares
from bangkom.engine.textnum import plain_int
from bangkom.learning.compliance import agency_compliance
from bangkom.learning.forms import RecordForm, RejectForm, RuleFormSet
from bangkom.learning.ledger import JpSummary, load_year_ledger, summary_at, year_summary
from bangkom.learning.models import LearningRecord, Mix702010, RecordStatus
from bangkom.learning.selectors import (
    can_verify,
    employee_records,
    jp_rule_table,
    record_get,
    verification_queue,
)
from bangkom.learning.services import (
    OutOfScope,
    RecordInvalid,
    RuleData,
    jp_rules_save,
    may_record_for,
    record_delete,
    record_reject,
    record_save,
    record_verify,
)
from bangkom.learning.templatetags.jp import jp_display
from bangkom.org.models import Agency, Employee
from bangkom.org.selectors import employee_get, subordinates_of
from bangkom.web.downloads import FORMATS, table_response
from bangkom.web.paging import querystring_base
from bangkom.web.scope import administered_agency

PAGE_SIZE = 50
MIX_COLOURS = {"70": "#2f6f4f", "20": "#3b6ea8", "10": "#c58a1a"}


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("tahun", "")
    year = plain_int(raw) or timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _mix_label(code: str) -> str:
    return str(Mix702010(code).label)


def _status_label(name: str) -> str:
    return {"kurang": _("kurang"), "memenuhi": _("memenuhi"), "melebihi": _("melebihi batas")}[name]


def _apply_errors(form: RecordForm, exc: RecordInvalid) -> None:
    for key, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(key if key in form.fields else None, m)


@login_required
def my_jp(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if roles.employee_id is None:
        if roles.is_admin_instansi:
            return redirect("jp_compliance")
        raise Http404
    url = reverse("jp_employee", args=[roles.employee_id])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


@login_required
def jp_employee(request: HttpRequest, pk: int) -> HttpResponse:
    employee = employee_get(request.user, pk)
    if employee is None:
        raise Http404
    year = _year(request)
    today = timezone.localdate()
    jp = year_summary(employee, year, today)
    shares = mix_shares(np.array(jp.mix))
    mix = [
        {
            "code": c,
            "label": _mix_label(c),
            "jp": jp_display(jp.mix[k]),
            "percent": round(100 * float(shares[k])),
            "colour": MIX_COLOURS[c],
        }
        for k, c in enumerate(MIX_CATEGORIES)
    ]
    records = list(employee_records(request.user, employee, year=year))
    own = roles_for(request.user).employee_id == employee.pk
    return render(
        request,
        "learning/jp_employee.html",
        {
            "employee": employee,
            "own": own,
            "year": year,
            "years": list(range(today.year + 1, today.year - 5, -1)),
            "total": jp_display(jp.total),
            "minimum": jp_display(jp.minimum),
            "has_minimum": jp.minimum > 0,
            "maximum": jp_display(jp.maximum) if jp.maximum >= 0 else "",
            "percent": jp.percent,
            "status": jp.status,
            "status_label": _status_label(jp.status),
            "shortfall": jp_display(jp.shortfall),
            "pending": jp_display(jp.pending),
            "planned": jp_display(jp.planned),
            "projected": jp_display(jp.projected),
            "forecast_below": jp.forecast_below,
            "is_current_year": year == today.year,
            "mix": mix,
            "records": records,
            "can_add": may_record_for(request.user, employee),
            "recap_url": reverse("recap_pdf", args=[employee.pk, year]),
            "can_verify": can_verify(request.user, employee),
        },
    )


def _record_form(request: HttpRequest, employee: Employee, record: LearningRecord | None) -> HttpResponse:
    """New record or correction (resubmission): one form, one service call, one way back to the JP page."""
    initial = {}
    if record is not None:
        initial = {
            "form": record.form,
            "title": record.title,
            "provider": record.provider,
            "start_date": record.start_date,
            "end_date": record.end_date,
            "jp": record.jp if record.quantity is None else None,
            "quantity": record.quantity,
            "certificate_no": record.certificate_no,
            "planned": record.status == RecordStatus.PLANNED,
        }
    form = RecordForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = record_save(actor=request.user, employee=employee, data=form.record_data(), record=record)
        except RecordInvalid as exc:
            _apply_errors(form, exc)
        except OutOfScope as exc:
            raise Http404 from exc
        else:
            for note in saved.notes:
                messages.warning(request, note)
            messages.success(
                request,
                _("Catatan tersimpan: %(title)s (%(jp)s JP, %(status)s).")
                % {
                    "title": saved.record.title,
                    "jp": jp_display(saved.credit.jp),
                    "status": saved.record.get_status_display(),
                },
            )
            return redirect(f"{reverse('jp_employee', args=[employee.pk])}?tahun={saved.record.end_date.year}")
    return render(
        request,
        "learning/record_form.html",
        {"form": form, "employee": employee, "record": record, "rules": jp_rule_table(employee.agency)},
    )


@login_required
def record_create(request: HttpRequest, pk: int) -> HttpResponse:
    employee = employee_get(request.user, pk)
    if employee is None or not may_record_for(request.user, employee):
        raise Http404
    return _record_form(request, employee, None)


@login_required
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_get(request.user, pk)
    if record is None or not may_record_for(request.user, record.employee):
        raise Http404
    return _record_form(request, record.employee, record)


@login_required
def record_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_get(request.user, pk)
    if record is None:
        raise Http404
    if request.method == "POST":
        employee_pk, year = record.employee_id, record.end_date.year
        try:
            record_delete(actor=request.user, record=record)
        except OutOfScope as exc:
            raise Http404 from exc
        except RecordInvalid as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Catatan dihapus."))
        return redirect(f"{reverse('jp_employee', args=[employee_pk])}?tahun={year}")
    return render(request, "learning/record_delete.html", {"record": record})


@login_required
def record_evidence(request: HttpRequest, pk: int) -> FileResponse:
    record = record_get(request.user, pk)
    if record is None or not record.evidence:
        raise Http404
    ext = record.evidence.name.rsplit(".", 1)[-1]
    response = FileResponse(
        record.evidence.open("rb"),
        content_type=record.evidence_type or "application/octet-stream",
        filename=f"bukti-{record.employee.nip}-{record.pk}.{ext}",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def verification_list(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_atasan or roles.is_admin_instansi):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(verification_queue(request.user, search=q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/verification.html",
        {"page_obj": page, "q": q, "reject_form": RejectForm(), "querystring_base": querystring_base(request)},
    )


@login_required
@require_POST
def record_decide(request: HttpRequest, pk: int) -> HttpResponse:
    record = record_get(request.user, pk)
    if record is None:
        raise Http404
    action = request.POST.get("action")
    try:
        if action == "verify":
            record_verify(actor=request.user, record=record)
            messages.success(
                request,
                _("Diverifikasi: %(title)s (%(name)s).") % {"title": record.title, "name": record.employee.name},
            )
        elif action == "reject":
            record_reject(actor=request.user, record=record, reason=request.POST.get("reason", ""))
            messages.success(
                request,
                _("Ditolak: %(title)s (%(name)s); pegawai dapat memperbaiki dan mengajukan ulang.")
                % {"title": record.title, "name": record.employee.name},
            )
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
    except OutOfScope as exc:
        raise Http404 from exc
    except RecordInvalid as exc:
        for m in exc.messages:
            messages.error(request, m)
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else reverse("jp_verification"))


@dataclass(frozen=True)
class TeamRow:
    employee: Employee
    jp: JpSummary
    status_label: str


@login_required
def team_jp(request: HttpRequest) -> HttpResponse:
    """The atasan's whole chain (direct and indirect) with this year's JP, most short first."""
    roles = roles_for(request.user)
    if not roles.is_atasan or roles.employee_id is None:
        raise PermissionDenied
    year = _year(request)
    team = subordinates_of(request.user)
    me = employee_get(request.user, roles.employee_id)
    if me is None:
        raise Http404
    data = load_year_ledger(me.agency, year, timezone.localdate(), employees=team)
    people = {e.pk: e for e in team.select_related("unit", "position")}
    rows = []
    for i, pk in enumerate(data.employee_ids.tolist()):
        jp = summary_at(data, i)
        rows.append(TeamRow(employee=people[int(pk)], jp=jp, status_label=_status_label(jp.status)))
    rows.sort(key=lambda r: (r.jp.status != "kurang", r.jp.total - r.jp.minimum, r.employee.name))
    if request.GET.get("format") in FORMATS:
        return table_response(
            f"jp-tim-{year}",
            [
                "nip",
                "name",
                "unit",
                "employment_type",
                "jp_total",
                "jp_minimum",
                "status",
                "jp_waiting",
                "jp_projected",
            ],
            (
                [
                    r.employee.nip,
                    r.employee.name,
                    r.employee.unit.name,
                    r.employee.employment_type,
                    format_jp(r.jp.total),
                    format_jp(r.jp.minimum),
                    r.jp.status,
                    format_jp(r.jp.pending),
                    format_jp(r.jp.projected),
                ]
                for r in rows
            ),
            request.GET["format"],
        )
    today = timezone.localdate()
    return render(
        request,
        "learning/team.html",
        {"rows": rows, "year": year, "years": list(range(today.year + 1, today.year - 5, -1))},
    )


def _admin_agency(request: HttpRequest) -> tuple[Agency, list[Agency]]:
    scope = administered_agency(request)  # one rule for which instansi an admin is looking at (web.scope)
    return scope.agency, scope.agencies


def _pct(share: float | None) -> str:
    return "" if share is None else f"{100 * share:.1f}"


@login_required
def compliance_view(request: HttpRequest) -> HttpResponse:
    agency, agencies = _admin_agency(request)
    year = _year(request)
    q = request.GET.get("q", "").strip()[:100]
    unit_raw = request.GET.get("unit", "")
    result = agency_compliance(
        agency, year, timezone.localdate(), search=q, unit_id=plain_int(unit_raw)
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        if request.GET.get("tabel") == "pegawai":
            return table_response(
                f"kekurangan-jp-{agency.code}-{year}",
                [
                    "nip",
                    "name",
                    "unit",
                    "employment_type",
                    "jp_total",
                    "jp_minimum",
                    "shortfall",
                    "jp_projected",
                    "status",
                    "forecast_below_minimum",
                ],
                (
                    [
                        p.nip,
                        p.name,
                        p.unit_name,
                        p.employment_type,
                        format_jp(p.total),
                        format_jp(p.minimum),
                        format_jp(p.shortfall),
                        format_jp(p.projected),
                        p.status,
                        "ya" if p.forecast_below else "tidak",
                    ]
                    for p in result.people_at_risk[:]
                ),
                fmt,
            )
        return table_response(
            f"kepatuhan-jp-{agency.code}-{year}",
            [
                "unit_code",
                "unit_name",
                "obliged",
                "meeting",
                "share_meeting_percent",
                "short",
                "forecast_short",
                "over_maximum",
                "jp_total",
                "mix_70_percent",
                "mix_20_percent",
                "mix_10_percent",
            ],
            (
                [
                    r.unit.code,
                    r.unit.name,
                    r.obliged,
                    r.meeting,
                    _pct(r.share_meeting),
                    r.short,
                    r.forecast_short,
                    r.over_maximum,
                    format_jp(r.total),
                    *[f"{100 * s:.1f}" for s in r.mix],
                ]
                for r in result.units
            ),
            fmt,
        )
    page = Paginator(result.people_at_risk, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/compliance.html",
        {
            "agency": agency,
            "agencies": agencies,
            "year": year,
            "years": list(range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1)),
            "result": result,
            "units": sorted(result.units, key=lambda r: r.unit.name),
            "mix_colours": [MIX_COLOURS[c] for c in MIX_CATEGORIES],
            "mix_labels": [_mix_label(c) for c in MIX_CATEGORIES],
            "page_obj": page,
            "q": q,
            "unit_filter": unit_raw,
            "querystring_base": querystring_base(request),
        },
    )


@login_required
def rules_view(request: HttpRequest) -> HttpResponse:
    agency, agencies = _admin_agency(request)
    table = jp_rule_table(agency)
    initial = [
        {
            "form_id": row.form.pk,
            "jp_unit": row.rule.jp_unit,
            "jp_per_unit": row.rule.jp_per_unit,
            "max_units_per_month": row.rule.max_units_per_month,
            "max_jp_per_day": row.rule.max_jp_per_day,
        }
        for row in table
    ]
    formset = RuleFormSet(request.POST or None, initial=initial)
    errors: list[str] = []
    if request.method == "POST":
        if formset.is_valid():
            rule_rows = [
                RuleData(
                    form_id=f.cleaned_data["form_id"],
                    jp_unit=f.cleaned_data["jp_unit"],
                    jp_per_unit=f.cleaned_data.get("jp_per_unit"),
                    max_units_per_month=f.cleaned_data.get("max_units_per_month"),
                    max_jp_per_day=f.cleaned_data.get("max_jp_per_day"),
                )
                for f in formset.forms
                if f.cleaned_data  # an unchanged row the formset counts as extra (a tampered INITIAL_FORMS) is skipped
            ]
            try:
                changed = jp_rules_save(actor=request.user, agency=agency, rows=rule_rows)
            except RecordInvalid as exc:
                errors = exc.messages
            except OutOfScope as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Aturan JP tersimpan (%(n)s baris berubah).") % {"n": changed})
                return redirect(f"{reverse('jp_rules')}?instansi={agency.pk}")
        else:
            errors = [_("Periksa isian yang ditandai: angka tidak valid.")]
    rows = list(zip(table, formset.forms, strict=False))
    usage = dict(LearningRecord.objects.filter(employee__agency=agency).values_list("form_id").annotate(n=Count("id")))
    return render(
        request,
        "learning/rules.html",
        {"agency": agency, "agencies": agencies, "formset": formset, "rows": rows, "errors": errors, "usage": usage},
    )
