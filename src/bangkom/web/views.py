"""Pages. Each view parses the request, calls a selector or service, and renders."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from bangkom.accounts.roles import Roles, roles_for
from bangkom.audit.models import AuditEvent
from bangkom.audit.selectors import audit_events_visible_to
from bangkom.competency.selectors import requirements_of_position, skj_lines
from bangkom.jobs.models import Job
from bangkom.jobs.selectors import jobs_visible_to
from bangkom.org.models import Employee
from bangkom.org.selectors import (
    agencies_visible_to,
    employee_get,
    employee_list,
    position_get,
    position_list,
    subordinates_of,
)
from bangkom.web.forms import ImportForm
from bangkom.web.services import start_import

PAGE_SIZE = 50


def _page(request: HttpRequest, items: Any) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_base(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    encoded = q.urlencode()
    return f"{encoded}&" if encoded else ""


def _require_admin_instansi(request: HttpRequest) -> Roles:
    roles = roles_for(request.user)
    if not roles.is_admin_instansi:
        raise PermissionDenied
    return roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    me = employee_get(request.user, roles.employee_id) if roles.employee_id else None
    ctx: dict[str, Any] = {"me": me, "role_labels": roles.names()}
    if roles.is_atasan:
        ctx["team_size"] = subordinates_of(request.user).count()
    if roles.is_admin_instansi:
        ctx["agency_employee_count"] = Employee.objects.filter(agency_id__in=roles.admin_agency_ids).count()
    if roles.is_admin_nasional:
        ctx["agency_stats"] = agencies_visible_to(request.user).annotate(
            n_employees=Count("employees", distinct=True), n_positions=Count("positions", distinct=True)
        )
    return render(request, "web/home.html", ctx)


def _employee_page(request: HttpRequest, employee: Employee) -> HttpResponse:
    lines = skj_lines(employee)
    summary = {
        "total": len(lines),
        "met": sum(1 for line in lines if line.meets),
        "unassessed": sum(1 for line in lines if line.current_level is None),
    }
    is_self = employee.pk == roles_for(request.user).employee_id
    return render(
        request,
        "web/employee_detail.html",
        {"employee": employee, "lines": lines, "summary": summary, "is_self": is_self},
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    employee = employee_get(request.user, roles.employee_id) if roles.employee_id else None
    if employee is None:
        raise Http404
    return _employee_page(request, employee)


@login_required
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = employee_get(request.user, pk)
    if employee is None:
        raise Http404
    return _employee_page(request, employee)


@login_required
def employee_list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_atasan):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    page = _page(request, employee_list(request.user, search=q))
    return render(
        request,
        "web/employee_list.html",
        {"page_obj": page, "q": q, "querystring_base": _querystring_base(request)},
    )


@login_required
def position_list_view(request: HttpRequest) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_admin_nasional):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()
    items = position_list(request.user, search=q).annotate(n_requirements=Count("requirements"))
    page = _page(request, items)
    return render(
        request,
        "web/position_list.html",
        {"page_obj": page, "q": q, "querystring_base": _querystring_base(request)},
    )


@login_required
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    roles = roles_for(request.user)
    if not (roles.is_admin_instansi or roles.is_admin_nasional):
        raise PermissionDenied
    position = position_get(request.user, pk)
    if position is None:
        raise Http404
    return render(
        request,
        "web/position_detail.html",
        {"position": position, "requirements": requirements_of_position(position.pk)},
    )


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    _require_admin_instansi(request)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            job = start_import(
                user=request.user, files=form.cleaned_data["files"], lang=get_language() or "id"
            )
            return redirect("job_detail", pk=job.pk)
    else:
        form = ImportForm()
    recent = jobs_visible_to(request.user).filter(kind="import")[:10]
    return render(request, "web/import.html", {"form": form, "recent_jobs": recent})


def _job_for(request: HttpRequest, pk: Any) -> Job:
    job = jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def job_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job_for(request, pk)
    counts = []
    if isinstance(job.result, dict) and isinstance(job.result.get("counts"), dict):
        counts = [{"kind": k, **v} for k, v in job.result["counts"].items()]
    lines = job.error_report.splitlines()
    preview = "\n".join(lines[:200]) + ("\n…" if len(lines) > 200 else "")
    return render(request, "web/job_detail.html", {"job": job, "counts": counts, "report_preview": preview})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: Any) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "finished": job.is_finished,
            "url": reverse("job_detail", args=[job.pk]),
        }
    )


@login_required
def job_report(request: HttpRequest, pk: Any) -> HttpResponse:
    job = _job_for(request, pk)
    response = HttpResponse(job.error_report, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-impor-{job.pk}.txt"'
    return response


def _changes(ev: AuditEvent) -> list[dict[str, Any]]:
    before, after = ev.before or {}, ev.after or {}
    keys = [k for k in dict.fromkeys([*before.keys(), *after.keys()]) if before.get(k) != after.get(k)]
    return [{"field": k, "before": before.get(k), "after": after.get(k)} for k in keys if k != "id"][:20]


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    _require_admin_instansi(request)
    entity = request.GET.get("entity", "")
    page = _page(request, audit_events_visible_to(request.user, entity=entity))
    for ev in page.object_list:
        ev.changes = _changes(ev)
    entities = [
        ("competency.assessment", _("Penilaian kompetensi")),
        ("competency.requirement", _("Standar kompetensi jabatan (SKJ)")),
        ("accounts.roleassignment", _("Peran")),
        ("org.employee", _("Pegawai")),
    ]
    return render(
        request,
        "web/audit_list.html",
        {
            "page_obj": page,
            "entity": entity,
            "entities": entities,
            "querystring_base": _querystring_base(request),
        },
    )
