"""Pages of the AKPK needs: the list (search, filters, downloads, bulk approval), a proposal, the review of one
need, the aggregates with their chart, the approval of the AKPK and its document (PDF, XLSX).

Every need is read through planning.selectors with the requesting user (a pegawai sees their own needs, an
atasan those of their chain, an admin instansi those of the instansi); an id outside that scope answers 404.
The rules (who decides what, levels, the frozen approved AKPK) are planning.services'.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangkom.accounts.roles import roles_for
from bangkom.engine.textnum import plain_int
from bangkom.planning.document import akpk_document, akpk_pdf, akpk_xlsx
from bangkom.planning.forms import NeedProposeForm, NeedReviewForm, apply_errors
from bangkom.planning.models import Akpk, AkpkStatus, NeedSource, NeedStatus
from bangkom.planning.selectors import (
    NeedAggregate,
    akpk_get,
    akpk_list,
    competencies_for,
    need_aggregates,
    need_counts,
    need_get,
    need_list,
    need_search,
    need_units,
    proposable_employees,
)
from bangkom.planning.services import (
    OutOfScope,
    RecordInvalid,
    akpk_approve,
    may_review_need,
    need_propose,
    need_review,
    needs_bulk_review,
    reviewable_need_ids,
)
from bangkom.web.charts import bars_svg
from bangkom.web.downloads import FORMATS, XLSX_TYPE, table_response
from bangkom.web.paging import querystring_base

PAGE_SIZE = 50
CHART_BARS = 25  # the chart shows the largest; the table under it has every row
BAR_COLOUR = "#0b5d7a"


def _akpk(request: HttpRequest, pk: int) -> Akpk:
    akpk = akpk_get(request.user, pk)
    if akpk is None:
        raise Http404
    return akpk


def _admin_akpk(request: HttpRequest, pk: int) -> Akpk:
    """An AKPK of an instansi the user administers (403 for other roles, 404 for another instansi)."""
    roles = roles_for(request.user)
    if not roles.is_admin_instansi:
        raise PermissionDenied
    akpk = (
        Akpk.objects.select_related("agency", "approved_by").filter(pk=pk, agency_id__in=roles.admin_agency_ids).first()
    )
    if akpk is None:
        raise Http404
    return akpk


def _list_url(akpk: Akpk) -> str:
    return reverse("need_list", args=[akpk.pk])


@login_required
def need_home(request: HttpRequest) -> HttpResponse:
    """The newest AKPK of the user's own instansi (else of one they administer), open ones first."""
    roles = roles_for(request.user)
    agencies = [a for a in (roles.employee_agency_id,) if a is not None] or sorted(roles.admin_agency_ids)
    akpks = list(akpk_list(request.user).filter(agency_id__in=agencies))
    akpks.sort(key=lambda a: (a.agency_id != (agencies[0] if agencies else None), not a.is_open, -a.year))
    if akpks:
        return redirect(_list_url(akpks[0]))
    return render(request, "planning/need_none.html")


@login_required
def need_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    akpk = _akpk(request, pk)
    q = request.GET.get("q", "").strip()
    source = request.GET.get("sumber", "")
    source = source if source in NeedSource.values else ""
    status = request.GET.get("status", "")
    status = status if status in NeedStatus.values else ""
    raw_unit = request.GET.get("unit", "")
    unit_id = plain_int(raw_unit)
    needs = need_search(request.user, akpk, search=q, source=source, status=status, unit_id=unit_id)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return table_response(
            f"kebutuhan-{akpk.agency.code}-{akpk.year}",
            [
                "nip",
                "name",
                "unit_code",
                "unit_name",
                "competency_code",
                "competency_name",
                "current_level",
                "target_level",
                "priority",
                "source",
                "status",
                "note",
                "review_reason",
            ],
            (
                [
                    n.employee.nip,
                    n.employee.name,
                    n.employee.unit.code,
                    n.employee.unit.name,
                    n.competency.code,
                    n.competency.name,
                    "" if n.current_level is None else n.current_level,
                    n.target_level,
                    n.priority,
                    n.source,
                    n.status,
                    n.note,
                    n.review_reason,
                ]
                for n in needs.iterator(chunk_size=2000)
            ),
            fmt,
        )
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    reviewable = reviewable_need_ids(request.user, items)
    roles = roles_for(request.user)
    may_propose = akpk.is_open and roles.employee_id is not None and roles.employee_agency_id == akpk.agency_id
    return render(
        request,
        "planning/need_list.html",
        {
            "akpk": akpk,
            "akpks": list(akpk_list(request.user).filter(agency_id=akpk.agency_id)),
            "page_obj": page,
            "items": items,
            "reviewable": reviewable,
            "q": q,
            "source": source,
            "status": status,
            "unit_id": unit_id,
            "sources": NeedSource.choices,
            "statuses": NeedStatus.choices,
            "units": list(need_units(akpk).values_list("pk", "code", "name")),
            "querystring_base": querystring_base(request),
            "may_propose": may_propose,
            "is_admin": akpk.agency_id in roles.admin_agency_ids,
        },
    )


def _label(name: str, nip: str, *, own: bool) -> str:
    if own:
        return _("%(name)s (%(nip)s), diri sendiri") % {"name": name, "nip": nip}
    return f"{name} ({nip})"


@login_required
def need_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    akpk = _akpk(request, pk)
    employees = list(proposable_employees(request.user, akpk))
    if not employees:
        raise PermissionDenied
    if not akpk.is_open:
        messages.error(request, _("AKPK tahun %(year)s sudah disetujui dan tidak dapat diubah.") % {"year": akpk.year})
        return redirect(_list_url(akpk))
    own = roles_for(request.user).employee_id
    chosen = request.GET.get("pegawai", "")
    initial = {"employee": chosen if plain_int(chosen) is not None else str(own), "priority": "3"}
    form = NeedProposeForm(
        request.POST or None,
        initial=initial,
        employees=[(e.pk, _label(e.name, e.nip, own=e.pk == own)) for e in employees],
        competencies=[(c.pk, f"{c.code} {c.name}") for c in competencies_for([akpk.agency_id])],
    )
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        employee = next(e for e in employees if str(e.pk) == cd["employee"])
        target = cd["target_level"]
        try:
            need = need_propose(
                actor=request.user,
                employee=employee,
                competency=int(cd["competency"]),
                target_level=plain_int(target),
                priority=cd["priority"],
                note=cd["note"],
                akpk=akpk,
            )
        except RecordInvalid as exc:
            apply_errors(form, exc)
        except OutOfScope as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("Usulan kebutuhan %(competency)s untuk %(name)s tersimpan (%(status)s).")
                % {"competency": need.competency.code, "name": employee.name, "status": need.get_status_display()},
            )
            return redirect(_list_url(akpk))
    return render(request, "planning/need_propose.html", {"akpk": akpk, "form": form})


@login_required
def need_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    need = need_get(request.user, pk)
    if need is None:
        raise Http404
    form = NeedReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            need = need_review(actor=request.user, need=need, approve=approve, reason=form.cleaned_data["reason"])
        except RecordInvalid as exc:
            apply_errors(form, exc)
        except OutOfScope as exc:
            raise Http404 from exc
        else:
            messages.success(
                request,
                _("Kebutuhan %(competency)s untuk %(name)s: %(status)s.")
                % {
                    "competency": need.competency.code,
                    "name": need.employee.name,
                    "status": need.get_status_display(),
                },
            )
            return redirect(_list_url(need.akpk))
    return render(
        request,
        "planning/need_detail.html",
        {"need": need, "form": form, "can_review": may_review_need(request.user, need)},
    )


@login_required
@require_POST
def need_bulk_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the ticked needs: first a confirmation page listing them, then (confirm=1) one all-or-nothing
    decision."""
    akpk = _akpk(request, pk)
    ids = {n for x in request.POST.getlist("need") if (n := plain_int(x)) is not None}
    if not ids:
        messages.error(request, _("Pilih paling sedikit satu kebutuhan."))
        return redirect(_list_url(akpk))
    needs = list(need_list(request.user, akpk=akpk).filter(pk__in=ids))
    if len(needs) != len(ids):
        raise Http404
    if request.POST.get("confirm") == "1":
        try:
            n = needs_bulk_review(actor=request.user, needs=needs, approve=True)
        except RecordInvalid as exc:
            for m in exc.messages:
                messages.error(request, m)
            messages.error(request, _("Tidak ada kebutuhan yang disetujui."))
        else:
            messages.success(request, _("%(n)s kebutuhan disetujui.") % {"n": n})
        return redirect(_list_url(akpk))
    reviewable = reviewable_need_ids(request.user, needs)
    blocked = [n for n in needs if n.pk not in reviewable]
    return render(request, "planning/need_bulk_confirm.html", {"akpk": akpk, "needs": needs, "blocked": blocked})


def _bars(labels: list[str], counts: list[int], title: str, desc: str, chart_id: str) -> str:
    if not labels:
        return ""
    order = sorted(range(len(labels)), key=lambda i: (-counts[i], labels[i]))[:CHART_BARS]
    return bars_svg(
        [labels[i] for i in order],
        [counts[i] for i in order],
        [BAR_COLOUR] * len(order),
        title=title,
        desc=desc,
        chart_id=chart_id,
    )


def aggregates_download(basename: str, rows: list[NeedAggregate], by_unit: bool, fmt: str) -> HttpResponse:
    """Aggregated needs (per competency, or per unit and competency) as CSV or XLSX."""
    header = ["competency_code", "competency_name", "employees", "needs", "mean_gap"]
    if by_unit:
        header = ["unit_code", "unit_name", *header]
    return table_response(
        basename,
        header,
        (
            [
                *([r.unit_code, r.unit_name] if by_unit else []),
                r.competency_code,
                r.competency_name,
                r.employees,
                r.needs,
                "" if r.mean_gap is None else f"{r.mean_gap:.2f}",
            ]
            for r in rows
        ),
        fmt,
    )


@login_required
def need_aggregate_view(request: HttpRequest, pk: int) -> HttpResponse:
    akpk = _akpk(request, pk)
    by_unit = request.GET.get("per", "kompetensi") == "unit"
    rows = need_aggregates(request.user, akpk, by_unit=by_unit)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return aggregates_download(
            f"kebutuhan-{akpk.agency.code}-{akpk.year}-{'unit' if by_unit else 'kompetensi'}", rows, by_unit, fmt
        )
    if by_unit:
        per_unit: dict[str, int] = {}
        for r in rows:
            label = f"{r.unit_name} ({r.unit_code})"[:40]
            per_unit[label] = per_unit.get(label, 0) + r.needs
        chart = _bars(
            list(per_unit),
            list(per_unit.values()),
            _("Kebutuhan per unit kerja"),
            _("Jumlah kebutuhan (tidak termasuk yang ditolak) di tiap unit kerja. Rinciannya ada di tabel."),
            "needs-unit",
        )
    else:
        chart = _bars(
            [f"{r.competency_code} {r.competency_name}"[:40] for r in rows],
            [r.employees for r in rows],
            _("Pegawai yang membutuhkan tiap kompetensi"),
            _("Jumlah pegawai dengan kebutuhan pada tiap kompetensi. Rinciannya ada di tabel."),
            "needs-competency",
        )
    return render(
        request,
        "planning/need_aggregate.html",
        {
            "akpk": akpk,
            "rows": rows,
            "by_unit": by_unit,
            "chart": mark_safe(chart),  # noqa: S308 - bars_svg escapes every label
        },
    )


@login_required
def akpk_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    akpk = _admin_akpk(request, pk)
    counts = need_counts(request.user, akpk)["status"]
    pending = counts.get(NeedStatus.PROPOSED, 0) + counts.get(NeedStatus.APPROVED_BY_ATASAN, 0)
    if request.method == "POST":
        try:
            akpk_approve(actor=request.user, akpk=akpk, approve_pending=request.POST.get("approve_pending") == "1")
        except RecordInvalid as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("AKPK tahun %(year)s disetujui.") % {"year": akpk.year})
            return redirect(f"{reverse('akpk')}?instansi={akpk.agency_id}&akpk={akpk.pk}")
    return render(
        request,
        "planning/akpk_approve.html",
        {
            "akpk": akpk,
            "pending": pending,
            "status_counts": [(label, counts.get(value, 0)) for value, label in NeedStatus.choices],
        },
    )


def _document_akpk(request: HttpRequest, pk: int) -> Akpk:
    akpk = _admin_akpk(request, pk)
    if akpk.status != AkpkStatus.APPROVED:
        raise Http404
    return akpk


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _basename(akpk: Akpk) -> str:
    code = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in akpk.agency.code)
    return f"akpk-{code}-{akpk.year}"


@login_required
def akpk_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    akpk = _document_akpk(request, pk)
    return _download(akpk_pdf(akpk_document(request.user, akpk)), "application/pdf", f"{_basename(akpk)}.pdf")


@login_required
def akpk_xlsx_view(request: HttpRequest, pk: int) -> HttpResponse:
    akpk = _document_akpk(request, pk)
    return _download(akpk_xlsx(akpk_document(request.user, akpk)), XLSX_TYPE, f"{_basename(akpk)}.xlsx")
